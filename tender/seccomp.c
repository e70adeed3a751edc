/* seccomp.c: after setup the tender confines itself to the syscalls its run
 * loop needs, each on its own descriptors where the argument allows
 * (docs/tender.md "Confinement"). Anything else kills the process. */
#include <errno.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <string.h>

#include "net.h"
#include "tender.h"

#define ALLOW(f, sys, ...)                                                             \
	do {                                                                           \
		int r_ = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(sys), __VA_ARGS__); \
		if (r_ < 0)                                                            \
			tender_die("seccomp: cannot allow %s: %s", #sys, strerror(-r_)); \
	} while (0)

#define FD_IS(fd) SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)(fd))

void tender_seccomp(const struct tender_vm *vm, const struct mft *m)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
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
		} else if (e->type == MFT_DEV_NET_BASIC) {
			struct tender_net *n = (struct tender_net *)(uintptr_t)e->b;
			int r = n->ops->seccomp(n, f);
			if (r < 0)
				tender_die("seccomp: net backend %s: %s", n->ops->name, strerror(-r));
		}
	}
	int r = seccomp_load(f);
	if (r < 0)
		tender_die("seccomp: cannot load the filter: %s", strerror(-r));
	/* Not released: free() of its memory could need munmap, which the
	 * filter now forbids, and the process ends with the guest anyway. */
}
