/* hypercall.c: the eight hvt hypercalls (docs/hvt-abi.md section 5). Every
 * guest address and length goes through tender_gpa() (tender.h). */
#include <errno.h>
#include <poll.h>
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

static struct tender_net *net_handle(struct mft *m, uint64_t h)
{
	if (h >= m->entries || m->e[h].type != MFT_DEV_NET_BASIC || !m->e[h].attached)
		return NULL;
	return (struct tender_net *)(uintptr_t)m->e[h].b;
}

static void hc_net(struct tender_vm *vm, struct mft *m, struct hvt_hc_net_io *io, bool write)
{
	struct tender_net *n = net_handle(m, io->handle);
	if (!n) {
		io->ret = HVT_EINVAL;
		return;
	}
	void *buf = tender_gpa(&vm->mem, io->data, io->len,
			       write ? "NET_WRITE data" : "NET_READ buffer");
	if (write) {
		if (io->len > TENDER_NET_FRAME_MAX) {
			io->ret = HVT_EINVAL;
			return;
		}
		io->ret = n->ops->write(n, buf, io->len) == 0 ? HVT_OK : HVT_EUNSPEC;
		return;
	}
	ssize_t r = n->ops->read(n, buf, io->len);
	if (r > 0) {
		io->len = (uint64_t)r;
		io->ret = HVT_OK;
	} else {
		io->ret = r == 0 ? HVT_AGAIN : HVT_EUNSPEC;
	}
}

/* Waits until a net device is readable or the timeout passes. */
static void hc_poll(struct mft *m, struct hvt_hc_poll *p)
{
	struct pollfd fds[MFT_MAX_ENTRIES];
	unsigned owner[MFT_MAX_ENTRIES]; /* manifest handle of each fds[] */
	int nfds = 0;
	for (unsigned h = 1; h < m->entries; h++) {
		struct tender_net *n = net_handle(m, h);
		if (!n)
			continue;
		int k = n->ops->pollfds(n, fds + nfds, MFT_MAX_ENTRIES - nfds);
		for (int i = 0; i < k; i++)
			owner[nfds + i] = h;
		nfds += k;
	}
	uint64_t t = p->timeout_nsecs;
	struct timespec ts = {.tv_sec = (time_t)(t / 1000000000ull),
			      .tv_nsec = (long)(t % 1000000000ull)};
	int r;
	do
		r = ppoll(fds, (nfds_t)nfds, &ts, NULL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		tender_die("ppoll: %s", strerror(errno));
	uint64_t ready = 0;
	int nready = 0;
	for (int i = 0; r > 0 && i < nfds; i++) {
		uint64_t bit = 1ull << owner[i];
		if (fds[i].revents & POLLIN && !(ready & bit)) {
			ready |= bit;
			nready++;
		}
	}
	p->ready_set = ready;
	p->ret = nready;
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
	void *arg = tender_gpa(&vm->mem, gpa, size[nr], what);
	TENDER_PHASE(name[nr]);

	switch (nr) {
	case HVT_HYPERCALL_WALLTIME:
		hc_walltime(arg);
		break;
	case HVT_HYPERCALL_PUTS:
		hc_puts(vm, arg);
		break;
	case HVT_HYPERCALL_POLL:
		hc_poll(m, arg);
		break;
	case HVT_HYPERCALL_BLOCK_WRITE:
	case HVT_HYPERCALL_BLOCK_READ:
		tender_hc_block(vm, m, arg, nr == HVT_HYPERCALL_BLOCK_WRITE);
		break;
	case HVT_HYPERCALL_NET_WRITE:
	case HVT_HYPERCALL_NET_READ:
		hc_net(vm, m, arg, nr == HVT_HYPERCALL_NET_WRITE);
		break;
	case HVT_HYPERCALL_HALT: {
		const struct hvt_hc_halt *h = arg;
		/* The status is the guest's; exit() keeps its low 8 bits. */
		_exit(h->exit_status & 0xff);
	}
	}
}
