/* hypercall.c: the eight hvt hypercalls (docs/hvt-abi.md section 5); POLL and
 * NET_* are in net.c. Every guest address and length goes through
 * tender_gpa() (tender.h). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "tender.h"

static void hc_walltime(struct hvt_hc_walltime *w)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	w->nsecs = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void hc_puts(struct tender_vm *vm, const struct hvt_hc_puts *p)
{
	const char *s = tender_gpa(&vm->mem, p->data, p->len, "PUTS data");
	uint64_t done = 0;
	/* Bounded: each pass writes at least one byte or stops. */
	while (done < p->len) {
		ssize_t w = write(1, s + done, p->len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* console gone: the guest's output is lost, not the guest */
		done += (uint64_t)w;
	}
}

void tender_hypercall(struct tender_vm *vm, struct mft *m, unsigned nr, uint32_t gpa)
{
	static const uint64_t size[HVT_HYPERCALL_MAX] = {
		[HVT_HYPERCALL_WALLTIME] = sizeof(struct hvt_hc_walltime),
		[HVT_HYPERCALL_PUTS] = sizeof(struct hvt_hc_puts),
		[HVT_HYPERCALL_POLL] = sizeof(struct hvt_hc_poll),
		[HVT_HYPERCALL_BLOCK_WRITE] = sizeof(struct hvt_hc_block_io),
		[HVT_HYPERCALL_BLOCK_READ] = sizeof(struct hvt_hc_block_io),
		[HVT_HYPERCALL_NET_WRITE] = sizeof(struct hvt_hc_net_io),
		[HVT_HYPERCALL_NET_READ] = sizeof(struct hvt_hc_net_io),
		[HVT_HYPERCALL_HALT] = sizeof(struct hvt_hc_halt),
	};
	static const char *const name[HVT_HYPERCALL_MAX] = {
		"?", "WALLTIME", "PUTS", "POLL", "BLOCK_WRITE",
		"BLOCK_READ", "NET_WRITE", "NET_READ", "HALT",
	};
	if (nr == 0 || nr >= HVT_HYPERCALL_MAX)
		tender_guest_fault("guest fault: unknown hypercall %u", nr);
	char what[48];
	strcpy(what, name[nr]);
	strcat(what, " argument struct");
	/* The tender writes the result into every struct but PUTS's and HALT's. */
	void *arg = nr == HVT_HYPERCALL_PUTS || nr == HVT_HYPERCALL_HALT
			    ? tender_gpa(&vm->mem, gpa, size[nr], what)
			    : tender_gpa_w(&vm->mem, gpa, size[nr], what);
	TENDER_PHASE(name[nr]);

	switch (nr) {
	case HVT_HYPERCALL_WALLTIME:
		hc_walltime(arg);
		break;
	case HVT_HYPERCALL_PUTS:
		hc_puts(vm, arg);
		break;
	case HVT_HYPERCALL_POLL:
		tender_hc_poll(m, arg);
		break;
	case HVT_HYPERCALL_BLOCK_WRITE:
	case HVT_HYPERCALL_BLOCK_READ:
		tender_hc_block(vm, m, arg, nr == HVT_HYPERCALL_BLOCK_WRITE);
		break;
	case HVT_HYPERCALL_NET_WRITE:
	case HVT_HYPERCALL_NET_READ:
		tender_hc_net(vm, m, arg, nr == HVT_HYPERCALL_NET_WRITE);
		break;
	case HVT_HYPERCALL_HALT: {
		const struct hvt_hc_halt *h = arg;
		/* An abort: its core, with --dumpcore. */
		if ((h->exit_status & 0xff) == 255)
			tender_dumpcore(h->cookie);
		/* The status is the guest's; exit() keeps its low 8 bits. */
		tender_gdb_exited(h->exit_status);
		_exit(h->exit_status & 0xff);
	}
	}
}
