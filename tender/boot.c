/* boot.c: guest memory and vcpu state at entry: page tables, GDT, boot info,
 * manifest copy, command line, registers (docs/hvt-abi.md sections 3-4). */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "tender.h"

/* Page-table entry bits (Intel SDM vol. 3, 4.5). */
#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)

#define CR0_PE 0x1ull
#define CR0_NE 0x20ull
#define CR0_WP 0x10000ull
#define CR0_PG 0x80000000ull
#define CR4_PAE 0x20ull
#define CR4_OSFXSR 0x200ull
#define CR4_OSXMMEXCPT 0x400ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull
#define EFER_NXE 0x800ull

#define MIB2 (2ull << 20)

/* Whether any of [a, a + len) lies in one of the image's executable
 * segments (PF_X; tender_elf_open checked them). */
static bool executable(const struct tender_image *img, uint64_t a, uint64_t len)
{
	for (unsigned i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];
		if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && p->p_memsz &&
		    a < p->p_paddr + p->p_memsz && a + len > p->p_paddr)
			return true;
	}
	return false;
}

/* Identity-maps [0, size): only the table pages and entries that size needs
 * are written; the rest of guest memory is the kernel's zero pages. Only
 * the image's executable segments may be executed (W^X with the host-side
 * read-only code, elf.c): every other page, 4 KiB or 2 MiB, is NX. */
static void setup_page_tables(uint8_t *mem, uint64_t size, const struct tender_image *img)
{
	uint64_t *pml4 = (uint64_t *)(mem + HVT_PML4_BASE);
	uint64_t *pdpt = (uint64_t *)(mem + HVT_PDPT_BASE);
	uint64_t *pd = (uint64_t *)(mem + HVT_PD_BASE); /* 4 contiguous pages */
	uint64_t *pt = (uint64_t *)(mem + HVT_PT_BASE);

	pml4[0] = HVT_PDPT_BASE | PTE_P | PTE_RW;
	uint64_t npd = (size + (1ull << 30) - 1) >> 30; /* 1 to 4 */
	for (uint64_t i = 0; i < npd; i++)
		pdpt[i] = (HVT_PD_BASE + i * 0x1000) | PTE_P | PTE_RW;
	pd[0] = HVT_PT_BASE | PTE_P | PTE_RW;
	for (uint64_t i = 1; i < size / MIB2; i++)
		pd[i] = (i * MIB2) | PTE_P | PTE_RW | PTE_PS |
			(executable(img, i * MIB2, MIB2) ? 0 : PTE_NX);
	/* First 2 MiB in 4 KiB pages: 0-0xffff absent (null pointers and the
	 * tables themselves), 0x10000-0xfffff read-only (boot info, manifest,
	 * command line), the image and above read-write. */
	for (uint64_t a = 0x10000; a < HVT_IMAGE_BASE; a += 0x1000)
		pt[a >> 12] = a | PTE_P | PTE_NX;
	for (uint64_t a = HVT_IMAGE_BASE; a < MIB2; a += 0x1000)
		pt[a >> 12] = a | PTE_P | PTE_RW | (executable(img, a, 0x1000) ? 0 : PTE_NX);
}

/* A flat segment; also encoded into the GDT so that the two agree. */
static uint64_t gdt_entry(const struct kvm_segment *s)
{
	return (s->limit & 0xffffull) | ((s->base & 0xffffffull) << 16) |
	       ((uint64_t)s->type << 40) | ((uint64_t)s->s << 44) | ((uint64_t)s->dpl << 45) |
	       ((uint64_t)s->present << 47) | (((uint64_t)s->limit >> 16 & 0xf) << 48) |
	       ((uint64_t)s->avl << 52) | ((uint64_t)s->l << 53) | ((uint64_t)s->db << 54) |
	       ((uint64_t)s->g << 55) | ((s->base >> 24 & 0xffull) << 56);
}

static void setup_sregs(struct tender_vm *vm)
{
	/* Types with the accessed bit set, so the CPU never writes the GDT
	 * (which the guest's page tables leave unmapped). */
	const struct kvm_segment code = {
		.base = 0, .limit = 0xfffff, .selector = 0x08, .type = 11,
		.present = 1, .s = 1, .l = 1, .g = 1,
	};
	const struct kvm_segment data = {
		.base = 0, .limit = 0xfffff, .selector = 0x10, .type = 3,
		.present = 1, .s = 1, .db = 1, .g = 1,
	};
	const struct kvm_segment tr = {.type = 11, .present = 1, .limit = 0xffff};
	const struct kvm_segment ldt = {.type = 2, .present = 1, .limit = 0xffff};

	uint64_t *gdt = (uint64_t *)(vm->mem.base + HVT_GDT_BASE);
	gdt[0] = 0;
	gdt[1] = gdt_entry(&code);
	gdt[2] = gdt_entry(&data);

	struct kvm_sregs sr;
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
		tender_die("KVM_GET_SREGS: %s", strerror(errno));
	sr.cs = code;
	sr.ds = sr.es = sr.fs = sr.gs = sr.ss = data;
	sr.tr = tr;
	sr.ldt = ldt;
	sr.gdt.base = HVT_GDT_BASE;
	sr.gdt.limit = 3 * 8 - 1;
	sr.idt.base = 0;
	sr.idt.limit = 0; /* no IDT: any exception ends the guest (triple fault) */
	sr.cr0 = CR0_PE | CR0_NE | CR0_WP | CR0_PG;
	sr.cr3 = HVT_PML4_BASE;
	sr.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sr.efer = EFER_LME | EFER_LMA | EFER_NXE;
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sr) < 0)
		tender_die("KVM_SET_SREGS: %s", strerror(errno));
}

void tender_boot_setup(struct tender_vm *vm, const struct tender_image *img,
		       const struct mft *m, size_t mft_size, const struct tender_args *a)
{
	uint8_t *mem = vm->mem.base;
	setup_page_tables(mem, vm->mem.size, img);
	setup_sregs(vm);

	/* Boot info, then the manifest copy, then the command line. */
	uint64_t mft_gpa = HVT_BOOT_INFO_BASE + sizeof(struct hvt_boot_info);
	uint64_t cmd_gpa = (mft_gpa + mft_size + 7) & ~7ull;
	memcpy(mem + mft_gpa, m, mft_size);
	/* The private field holds host fds and pointers: not the guest's business. */
	struct mft *gm = (struct mft *)(mem + mft_gpa);
	for (unsigned i = 0; i < gm->entries; i++)
		gm->e[i].b = 0;
	char *cmd = (char *)mem + cmd_gpa;
	size_t n = 0;
	for (int i = 0; i < a->guest_argc; i++) {
		size_t len = strlen(a->guest_argv[i]);
		if (len + (i > 0) >= HVT_CMDLINE_SIZE - n)
			tender_die("the guest command line is too long (at most %d bytes)",
				   HVT_CMDLINE_SIZE - 1);
		if (i > 0)
			cmd[n++] = ' ';
		memcpy(cmd + n, a->guest_argv[i], len);
		n += len;
	}
	cmd[n] = '\0';

	struct hvt_boot_info *bi = (struct hvt_boot_info *)(mem + HVT_BOOT_INFO_BASE);
	*bi = (struct hvt_boot_info){
		.mem_size = vm->mem.size,
		.kernel_end = img->kernel_end,
		.cpu_cycle_freq = vm->tsc_hz,
		.cmdline = cmd_gpa,
		.mft = mft_gpa,
		.host_features = 0,
		.guest_features = 0,
		.net_ring = 0,
	};

	struct kvm_regs regs = {
		.rip = img->entry,
		.rsp = vm->mem.size - 8,
		.rdi = HVT_BOOT_INFO_BASE,
		.rflags = 0x2,
	};
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		tender_die("KVM_SET_REGS: %s", strerror(errno));
}
