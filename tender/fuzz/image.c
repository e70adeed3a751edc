/* image.c: libFuzzer harness for the tender's image parser: ELF header,
 * program headers, the ABI1 and MFT1 notes and the manifest (elf.c,
 * manifest.c; docs/hvt-abi.md sections 1-2).
 *
 * The harness builds a valid minimal hvt image from the specification and
 * lets the input overwrite bytes of it (pairs of a 16-bit offset and a
 * byte) and optionally cut it short, so every input reaches deep into the
 * parser without a seed corpus. Errors, which end the tender with one line,
 * return here through longjmp; an accepted image is then loaded into a
 * guest-memory buffer, where ASan would catch any write outside it. */
#include <elf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "net.h"
#include "tender.h"

static jmp_buf on_error;

void tender_die(const char *fmt, ...)
{
	(void)fmt;
	longjmp(on_error, 1);
}

void tender_guest_fault(const char *fmt, ...)
{
	(void)fmt;
	longjmp(on_error, 2);
}

void tender_warn(const char *fmt, ...)
{
	(void)fmt;
}

/* Never reached: the harness does not attach devices. */
struct hostnet *tender_net_attach(const struct tender_args *a, const char *spec,
				  const char *devname, uint8_t mac[6])
{
	(void)a, (void)spec, (void)devname, (void)mac;
	abort();
}

void tender_net_options(const struct tender_args *a, const struct mft *m)
{
	(void)a, (void)m;
	abort();
}

unsigned hostnet_mtu(const struct hostnet *net)
{
	(void)net;
	abort();
}

int tender_block_attach(struct mft_entry *e, const char *path, unsigned block_size)
{
	(void)e, (void)path, (void)block_size;
	abort();
}

#define IMG_SIZE 0x2010
#define MEM_SIZE (4u << 20)

static uint8_t mem[MEM_SIZE];

static void put_note(uint8_t *p, uint32_t descsz, uint32_t type)
{
	Elf64_Nhdr h = {.n_namesz = 6, .n_descsz = descsz, .n_type = type};
	memcpy(p, &h, sizeof h);
	memcpy(p + 12, "Solo5", 6);
}

/* A valid image: text and data PT_LOADs, two PT_NOTEs, a manifest with a
 * block and a net device (hvt-abi.md sections 1-2). */
static void build_template(uint8_t *f)
{
	memset(f, 0, IMG_SIZE);
	Elf64_Ehdr e = {
		.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_entry = 0x100000, .e_phoff = 64, .e_ehsize = 64,
		.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 4,
	};
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(f, &e, sizeof e);
	const uint32_t mft_desc = 4 + 8 + 3 * 104;
	Elf64_Phdr ph[4] = {
		{.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0x1000,
		 .p_paddr = 0x100000, .p_vaddr = 0x100000, .p_filesz = 16, .p_memsz = 16},
		{.p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x2000,
		 .p_paddr = 0x101000, .p_vaddr = 0x101000, .p_filesz = 16, .p_memsz = 0x3000},
		{.p_type = PT_NOTE, .p_offset = 0x200, .p_filesz = 20 + 16},
		{.p_type = PT_NOTE, .p_offset = 0x240, .p_filesz = 20 + mft_desc},
	};
	memcpy(f + 64, ph, sizeof ph);
	put_note(f + 0x200, 16, HVT_NOTE_TYPE_ABI1);
	struct hvt_abi1_desc abi = {.abi_target = 1, .abi_version = 2};
	memcpy(f + 0x200 + 20, &abi, sizeof abi);
	put_note(f + 0x240, mft_desc, HVT_NOTE_TYPE_MFT1);
	uint8_t *m = f + 0x240 + 24;
	uint32_t hdr[2] = {MFT_VERSION, 3};
	memcpy(m, hdr, 8);
	struct mft_entry ent[3] = {
		{.name = "", .type = MFT_RESERVED_FIRST},
		{.name = "storage", .type = MFT_DEV_BLOCK_BASIC},
		{.name = "service", .type = MFT_DEV_NET_BASIC},
	};
	memcpy(m + 8, ent, sizeof ent);
	memset(f + 0x1000, 0x90, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t file[IMG_SIZE];
	static int fd = -1;
	if (fd < 0 && (fd = memfd_create("tender-fuzz", 0)) < 0)
		abort();
	build_template(file);
	size_t len = IMG_SIZE;
	size_t i = 0;
	if (size >= 2 && (data[0] & 1)) { /* cut the file short */
		len = (((size_t)data[0] << 8) | data[1]) % (IMG_SIZE + 1);
		i = 2;
	}
	for (; i + 3 <= size; i += 3) {
		size_t off = (((size_t)data[i] << 8) | data[i + 1]) % IMG_SIZE;
		file[off] = data[i + 2];
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, file, len, 0) != (ssize_t)len)
		abort();
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	static struct tender_image img;
	memset(&img, 0, sizeof img);
	img.fd = -1;
	int err = setjmp(on_error);
	/* The untouched template must be accepted, or the harness tests nothing. */
	if (err && size == 0)
		abort();
	if (err == 0) {
		tender_elf_open(&img, path);
		/* Accepted: the manifest must be what section 2 says. */
		const struct mft *m = (const struct mft *)img.mft_buf;
		if (m->entries < 1 || m->entries > MFT_MAX_ENTRIES ||
		    img.mft_size != 8 + m->entries * sizeof(struct mft_entry) ||
		    img.entry < HVT_IMAGE_BASE || img.kernel_end > HVT_MAX_MEM)
			abort();
		tender_elf_load(&img, mem, MEM_SIZE);
	}
	if (img.fd >= 0)
		close(img.fd);
	return 0;
}
