/* dumpcore.c: --dumpcore=DIR: when the guest aborts (HALT with status 255)
 * or faults, an ELF core file of it, DIR/core.tender.PID, that gdb reads
 * (gdb IMAGE CORE): one PT_NOTE with an NT_PRSTATUS of the vcpu's
 * registers and one PT_LOAD of all guest memory at address 0 (the guest
 * identity-maps it), the layout Solo5's dumpcore module writes. Only pages
 * the guest touched are written (mincore); the rest of the file is a hole.
 *
 * The file is made before confinement as an unnamed O_TMPFILE in DIR and
 * linked to its name only when a core is written, so a run that does not
 * abort leaves nothing behind, and the filter adds only calls on that one
 * descriptor and DIR's (docs/tender.md "Core files"). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <unistd.h>

#include "net.h"
#include "tender.h"

static int dir_fd = -1, core_fd = -1;
static const char *core_dir;
static char core_name[48];
static const struct tender_vm *core_vm;

void tender_dumpcore_setup(const struct tender_args *a, const struct tender_vm *vm)
{
	if (!a->dumpcore)
		return;
	core_dir = a->dumpcore;
	dir_fd = open(core_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		tender_die("--dumpcore=%s: cannot open the directory: %s", core_dir,
			   strerror(errno));
	core_fd = openat(dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (core_fd < 0)
		tender_die("--dumpcore=%s: cannot make a file there: %s", core_dir,
			   strerror(errno));
	snprintf(core_name, sizeof core_name, "core.tender.%d", (int)getpid());
	core_vm = vm;
}

void tender_dumpcore_seccomp(scmp_filter_ctx f)
{
	if (core_fd < 0)
		return;
	ALLOW(f, ioctl, 2, FD_IS(core_vm->vcpu_fd), SCMP_A1(SCMP_CMP_EQ, KVM_GET_SREGS));
	ALLOW(f, writev, 1, FD_IS(core_fd));
	ALLOW(f, pwrite64, 1, FD_IS(core_fd));
	ALLOW(f, ftruncate, 1, FD_IS(core_fd));
	ALLOW(f, mincore, 0);
	/* linkat(AT_FDCWD, "/proc/self/fd/N", dir_fd, name, AT_SYMLINK_FOLLOW):
	 * into DIR only. */
	ALLOW(f, linkat, 1, SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)dir_fd));
}

/* The registers as an x86_64 Linux core's NT_PRSTATUS holds them. With a
 * cookie (a guest's trap frame: cr2, error code, rip, cs, rflags, rsp, ss,
 * as Solo5's x86_trap_regs), the trap's own rip and stack replace the vcpu's. */
static bool prstatus(const struct tender_vm *vm, uint64_t cookie, prstatus_t *ps)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	memset(ps, 0, sizeof *ps);
	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0 || ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return false;
	struct user_regs_struct u = {
		.r15 = r.r15, .r14 = r.r14, .r13 = r.r13, .r12 = r.r12, .rbp = r.rbp,
		.rbx = r.rbx, .r11 = r.r11, .r10 = r.r10, .r9 = r.r9, .r8 = r.r8,
		.rax = r.rax, .rcx = r.rcx, .rdx = r.rdx, .rsi = r.rsi, .rdi = r.rdi,
		.rip = r.rip, .cs = s.cs.selector, .eflags = r.rflags, .rsp = r.rsp,
		.ss = s.ss.selector, .fs_base = s.fs.base, .gs_base = s.gs.base,
		.ds = s.ds.selector, .es = s.es.selector, .fs = s.fs.selector,
		.gs = s.gs.selector,
	};
	uint64_t t[7];
	if (cookie && tender_gpa_in_ram(&vm->mem, cookie, sizeof t)) {
		memcpy(t, vm->mem.base + cookie, sizeof t);
		u.rip = t[2], u.cs = t[3], u.eflags = t[4], u.rsp = t[5], u.ss = t[6];
	}
	_Static_assert(sizeof u <= sizeof ps->pr_reg, "pr_reg holds user_regs_struct");
	memcpy(&ps->pr_reg, &u, sizeof u);
	return true;
}

static bool write_core(const struct tender_vm *vm, uint64_t cookie)
{
	static const char name[8] = "CORE";
	prstatus_t ps;
	if (!prstatus(vm, cookie, &ps))
		return false;
	uint64_t note_size = sizeof(Elf64_Nhdr) + sizeof name + sizeof ps;
	uint64_t mem_off = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr) + note_size;
	mem_off = (mem_off + 4095) & ~4095ull; /* pages land on page boundaries */
	Elf64_Ehdr eh = {
		.e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
			    EV_CURRENT, ELFOSABI_STANDALONE},
		.e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 2,
	};
	Elf64_Phdr ph[2] = {
		{.p_type = PT_NOTE, .p_offset = sizeof eh + sizeof ph, .p_filesz = note_size,
		 .p_memsz = note_size},
		{.p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = mem_off,
		 .p_vaddr = 0, .p_paddr = 0, .p_filesz = vm->mem.size, .p_memsz = vm->mem.size,
		 .p_align = 4096},
	};
	Elf64_Nhdr nh = {.n_namesz = 5, .n_descsz = sizeof ps, .n_type = NT_PRSTATUS};
	struct iovec iov[5] = {{&eh, sizeof eh}, {ph, sizeof ph}, {&nh, sizeof nh},
			       {(void *)name, sizeof name}, {&ps, sizeof ps}};
	ssize_t want = (ssize_t)(sizeof eh + sizeof ph + note_size);
	if (writev(core_fd, iov, 5) != want)
		return false;
	/* The guest's pages: only those the guest touched, in 2 MiB steps so
	 * that the residency vector stays small and on the stack. */
	unsigned char vec[512];
	for (uint64_t at = 0; at < vm->mem.size; at += 512 * 4096) {
		uint64_t n = vm->mem.size - at < 512 * 4096 ? vm->mem.size - at : 512 * 4096;
		if (mincore(vm->mem.base + at, n, vec) < 0)
			return false;
		for (uint64_t p = 0; p < n / 4096; p++) {
			if (!(vec[p] & 1))
				continue;
			uint64_t off = at + p * 4096;
			if (pwrite(core_fd, vm->mem.base + off, 4096, (off_t)(mem_off + off)) != 4096)
				return false;
		}
	}
	return ftruncate(core_fd, (off_t)(mem_off + vm->mem.size)) == 0;
}

void tender_dumpcore(uint64_t cookie)
{
	char proc[48];
	int fd = core_fd;
	if (fd < 0)
		return;
	bool ok = write_core(core_vm, cookie);
	core_fd = -1; /* once */
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	if (ok && linkat(AT_FDCWD, proc, dir_fd, core_name, AT_SYMLINK_FOLLOW) == 0)
		tender_warn("dumpcore: the guest's core is %s/%s", core_dir, core_name);
	else
		tender_warn("dumpcore: cannot write %s/%s: %s", core_dir, core_name,
			    strerror(errno));
}
