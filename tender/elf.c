/* elf.c: loads an hvt image: ELF64 ET_EXEC, PT_LOAD segments, the ABI1 and
 * MFT1 notes (docs/hvt-abi.md sections 1-2). Every field read from the file
 * is checked before it is used: the image is untrusted input. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tender.h"

#define PAGE 0x1000ull

static const char *img_path;

/* Reads exactly n bytes at off, or dies naming `what`. */
static void read_at(int fd, void *buf, size_t n, uint64_t off, const char *what)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			tender_die("%s: cannot read %s: %s", img_path, what, strerror(errno));
		if (r == 0)
			tender_die("%s: truncated image (%s past the end of the file)", img_path, what);
		done += (size_t)r;
	}
}

static void check_ehdr(const Elf64_Ehdr *e, uint64_t fsize)
{
	if (fsize < sizeof *e || memcmp(e->e_ident, ELFMAG, SELFMAG) != 0)
		tender_die("%s: not an ELF file", img_path);
	if (e->e_ident[EI_CLASS] != ELFCLASS64 || e->e_ident[EI_DATA] != ELFDATA2LSB ||
	    e->e_ident[EI_VERSION] != EV_CURRENT)
		tender_die("%s: not a little-endian ELF64 file", img_path);
	if (e->e_type == ET_DYN)
		tender_die("%s: is position-independent (ET_DYN, PIE); hvt images must be "
			   "ET_EXEC, linked with -no-pie", img_path);
	if (e->e_type != ET_EXEC)
		tender_die("%s: not an executable ELF (e_type %u)", img_path, e->e_type);
	if (e->e_machine != EM_X86_64)
		tender_die("%s: not an x86_64 image (e_machine %u)", img_path, e->e_machine);
	if (e->e_phentsize != sizeof(Elf64_Phdr) || e->e_phnum == 0 ||
	    e->e_phnum > TENDER_MAX_PHDRS)
		tender_die("%s: bad program header table (%u entries of %u bytes)", img_path,
			   e->e_phnum, e->e_phentsize);
	if (e->e_entry < HVT_IMAGE_BASE)
		tender_die("%s: entry point 0x%llx below 0x100000", img_path,
			   (unsigned long long)e->e_entry);
}

/* Reads the first note of a PT_NOTE segment if it is a Solo5 one. */
static void read_note(struct tender_image *img, const Elf64_Phdr *p, unsigned i, int *have_abi,
		      int *have_mft)
{
	/* A Solo5 note has at least its header and its 8-byte padded name. */
	if (p->p_filesz < sizeof(Elf64_Nhdr) + 8)
		return;
	/* Exactly the bytes read, so that a sanitizer sees any read past them. */
	size_t n = p->p_filesz < TENDER_MAX_NOTE_SIZE ? p->p_filesz : TENDER_MAX_NOTE_SIZE;
	static unsigned char *buf; /* kept until the next note: errors longjmp in the fuzzer */
	free(buf);
	buf = malloc(n);
	if (!buf)
		tender_die("out of memory");
	read_at(img->fd, buf, n, p->p_offset, "a PT_NOTE segment");
	Elf64_Nhdr nh;
	memcpy(&nh, buf, sizeof nh);
	if (nh.n_namesz != HVT_NOTE_NAMESZ || memcmp(buf + 12, HVT_NOTE_NAME, HVT_NOTE_NAMESZ) != 0)
		return; /* someone else's note (build id, ...) */
	size_t desc = 12 + 8; /* header, name padded to 4 */
	/* A note's size out of bounds: Solo5's words, so its tests match. */
	if (nh.n_descsz > n - desc)
		tender_die("%s: invalid executable: phdr[%u] note does not fall within valid size "
			   "(descriptor of %u bytes, PT_NOTE of %llu)", img_path, i, nh.n_descsz,
			   (unsigned long long)p->p_filesz);
	if (nh.n_type == HVT_NOTE_TYPE_ABI1) {
		if (*have_abi)
			tender_die("%s: two ABI1 notes", img_path);
		if (nh.n_descsz != sizeof img->abi)
			tender_die("%s: ABI1 note descriptor is %u bytes, expected 16", img_path,
				   nh.n_descsz);
		memcpy(&img->abi, buf + desc, sizeof img->abi);
		*have_abi = 1;
	} else if (nh.n_type == HVT_NOTE_TYPE_MFT1) {
		if (*have_mft)
			tender_die("%s: two MFT1 manifest notes", img_path);
		/* 4 bytes of padding make the manifest 8-aligned; n_descsz counts them. */
		if (nh.n_descsz < 4 + 8 || nh.n_descsz - 4 > sizeof img->mft_buf)
			tender_die("%s: bad manifest: phdr[%u] note does not fall within valid "
				   "size (MFT1 descriptor of %u bytes)", img_path, i, nh.n_descsz);
		img->mft_size = nh.n_descsz - 4;
		memcpy(img->mft_buf, buf + desc + 4, img->mft_size);
		*have_mft = 1;
	}
}

void tender_elf_open(struct tender_image *img, const char *path)
{
	img_path = path;
	img->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (img->fd < 0)
		tender_die("%s: cannot open image: %s", path, strerror(errno));
	struct stat st;
	if (fstat(img->fd, &st) < 0 || !S_ISREG(st.st_mode))
		tender_die("%s: not a regular file", path);
	uint64_t fsize = (uint64_t)st.st_size;

	Elf64_Ehdr e = {0};
	if (fsize >= sizeof e)
		read_at(img->fd, &e, sizeof e, 0, "the ELF header");
	check_ehdr(&e, fsize);
	img->entry = e.e_entry;

	Elf64_Phdr *ph = img->ph;
	img->phnum = e.e_phnum;
	read_at(img->fd, ph, e.e_phnum * sizeof ph[0], e.e_phoff, "the program headers");

	int have_abi = 0, have_mft = 0, nload = 0;
	uint64_t prev_end = HVT_IMAGE_BASE, end = 0;
	for (unsigned i = 0; i < e.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type == PT_NOTE) {
			read_note(img, p, i, &have_abi, &have_mft);
			continue;
		}
		if (p->p_type != PT_LOAD)
			continue;
		if ((p->p_flags & (PF_W | PF_X)) == (PF_W | PF_X))
			tender_die("%s: segment %u is writable and executable", path, i);
		if (p->p_filesz == 0)
			continue; /* bss only: memory starts zeroed; not in kernel_end */
		uint64_t a = p->p_paddr;
		if (a < prev_end || a % PAGE != 0)
			tender_die("%s: segment %u at 0x%llx: PT_LOAD segments must be 4 KiB aligned, "
				   "ascending, at or above 0x100000", path, i, (unsigned long long)a);
		if (p->p_filesz > p->p_memsz || p->p_memsz > HVT_MAX_MEM ||
		    p->p_offset > fsize || p->p_filesz > fsize - p->p_offset)
			tender_die("%s: segment %u: bad sizes (file %llu, memory %llu)", path, i,
				   (unsigned long long)p->p_filesz, (unsigned long long)p->p_memsz);
		if (a > HVT_MAX_MEM || p->p_memsz > HVT_MAX_MEM - a)
			tender_die("%s: segment %u at 0x%llx ends beyond 4 GiB", path, i,
				   (unsigned long long)a);
		prev_end = end = (a + p->p_memsz + PAGE - 1) & ~(PAGE - 1);
		nload++;
	}
	if (nload == 0)
		tender_die("%s: no loadable segment", path);
	if (!have_abi)
		tender_die("%s: no Solo5 ABI1 note: not an hvt image", path);
	if (img->abi.abi_target != HVT_ABI_TARGET || img->abi.abi_version != HVT_ABI_VERSION)
		tender_die("%s: image is for ABI target %u version %u; this tender runs target 1 "
			   "(hvt) version 2", path, img->abi.abi_target, img->abi.abi_version);
	if (!have_mft)
		tender_die("%s: no Solo5 MFT1 manifest note", path);
	tender_mft_validate(img->mft_buf, img->mft_size, path);
	img->kernel_end = end;
	if (img->entry >= end)
		tender_die("%s: entry point 0x%llx outside the image", path,
			   (unsigned long long)img->entry);
}

void tender_elf_load(const struct tender_image *img, uint8_t *mem, uint64_t size)
{
	if (img->kernel_end >= size)
		tender_die("%s: image ends at 0x%llx, beyond guest memory (%llu MiB); use a larger "
			   "--mem", img_path, (unsigned long long)img->kernel_end,
			   (unsigned long long)(size >> 20));
	/* The program headers checked by tender_elf_open, not a second read. */
	const Elf64_Phdr *ph = img->ph;
	for (unsigned i = 0; i < img->phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_filesz != 0)
			read_at(img->fd, mem + ph[i].p_paddr, ph[i].p_filesz, ph[i].p_offset,
				"a segment");
}

void tender_elf_protect(const struct tender_image *img, struct tender_mem *mem)
{
	const Elf64_Phdr *ph = img->ph;
	mem->nro = 0;
	for (unsigned i = 0; i < img->phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_filesz == 0 || (ph[i].p_flags & PF_W))
			continue;
		/* Checked by tender_elf_open: page-aligned, ascending, in RAM. */
		uint64_t a = ph[i].p_paddr, end = (a + ph[i].p_memsz + PAGE - 1) & ~(PAGE - 1);
		if (mprotect(mem->base + a, end - a, PROT_READ) < 0)
			tender_die("%s: cannot map segment %u read-only: %s", img_path, i,
				   strerror(errno));
		mem->ro_start[mem->nro] = a;
		mem->ro_end[mem->nro++] = end;
	}
}
