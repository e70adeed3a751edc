/* seccomp.c: after setup the tender confines itself to the syscalls its run
 * loop needs, each on its own descriptors where the argument allows
 * (docs/tender.md "Confinement"). Anything else ends the process with one
 * line naming the call. */
#include <errno.h>
#include <signal.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <string.h>

#include "net.h"
#include "tender.h"



/* Every x86_64 system call's name by number, generated from the kernel's
 * headers (tender/build.mk), for the one line a violation prints. */
static const char *const syscall_names[] = {
#include "syscall_names.h"
};

/* A call the filter does not allow: a tender bug (or a libslirp path not
 * yet seen). Says which, and ends the process as the kill action would. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	int nr = si->si_syscall;
	const char *name = nr >= 0 && (size_t)nr < sizeof syscall_names / sizeof syscall_names[0] &&
				   syscall_names[nr] ? syscall_names[nr] : "?";
	tender_die("seccomp: the tender made system call %s (%d), which its filter does not "
		   "allow: a tender bug (run with --x-no-seccomp under strace -f to see where)",
		   name, nr);
}

void tender_seccomp(const struct tender_vm *vm, const struct mft *m)
{
	/* Trap rather than kill: the handler names the call in one line, then
	 * ends the process all the same. */
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_TRAP);
	if (!f)
		tender_die("seccomp: cannot initialise a filter");

	/* The vcpu: run it, and read its registers for fault messages. */
	ALLOW(f, ioctl, 2, FD_IS(vm->vcpu_fd), SCMP_A1(SCMP_CMP_EQ, KVM_RUN));
	ALLOW(f, ioctl, 2, FD_IS(vm->vcpu_fd), SCMP_A1(SCMP_CMP_EQ, KVM_GET_REGS));
	/* The console (PUTS) and the tender's own messages. */
	ALLOW(f, write, 1, FD_IS(1));
	ALLOW(f, write, 1, FD_IS(2));
	/* WALLTIME (the vDSO serves it; the syscall is its fallback), POLL, HALT. */
	ALLOW(f, clock_gettime, 0);
	ALLOW(f, ppoll, 0);
	ALLOW(f, exit_group, 0);

	for (unsigned i = 1; i < m->entries; i++) {
		const struct mft_entry *e = &m->e[i];
		if (e->type == MFT_DEV_BLOCK_BASIC) {
			ALLOW(f, pread64, 1, FD_IS(e->b));
			ALLOW(f, pwrite64, 1, FD_IS(e->b));
		}
	}
	tender_net_seccomp(f, m);
	tender_dumpcore_seccomp(f);
	/* --gdb only: the stub's connection and the vcpu's debug state. */
	if (tender_gdb_fd >= 0) {
		ALLOW(f, read, 1, FD_IS(tender_gdb_fd));
		ALLOW(f, write, 1, FD_IS(tender_gdb_fd));
		ALLOW(f, close, 1, FD_IS(tender_gdb_fd));
		ALLOW(f, ioctl, 2, FD_IS(vm->vcpu_fd), SCMP_A1(SCMP_CMP_EQ, KVM_GET_SREGS));
		ALLOW(f, ioctl, 2, FD_IS(vm->vcpu_fd), SCMP_A1(SCMP_CMP_EQ, KVM_SET_REGS));
		ALLOW(f, ioctl, 2, FD_IS(vm->vcpu_fd), SCMP_A1(SCMP_CMP_EQ, KVM_SET_GUEST_DEBUG));
	}
	struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		tender_die("seccomp: cannot catch SIGSYS: %s", strerror(errno));
	int r = seccomp_load(f);
	if (r < 0)
		tender_die("seccomp: cannot load the filter: %s", strerror(-r));
	/* Not released: free() of its memory could need munmap, which the
	 * filter now forbids, and the process ends with the guest anyway. */
}
