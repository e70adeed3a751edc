/* yield.c: kiln_yield() on the unix target: ppoll(2) on every attached net
 * device until one has a frame or the deadline passes (platform.h).
 *
 * ppoll rather than epoll: the set is rebuilt on each call from what each
 * backend wants (a tap has one descriptor; libslirp, later, a changing
 * handful and a timeout of its own), which is poll's model, and ppoll's
 * timespec keeps nanosecond deadlines that epoll_wait would round to ms.
 */
#include <errno.h>
#include <time.h>

#include "unix.h"

bool unix_pollset_add(struct unix_pollset *ps, int fd, short events)
{
	if (ps->n >= UNIX_POLL_MAX)
		return false;
	ps->fds[ps->n].fd = fd;
	ps->fds[ps->n].events = events;
	ps->fds[ps->n].revents = 0;
	ps->n++;
	return true;
}

void kiln_yield(kiln_time_t deadline, kiln_handle_set_t *ready_set)
{
	static struct unix_pollset ps; /* 2 KiB: not on a fiber's small stack */
	kiln_handle_set_t ready = 0;

	kiln_console_flush();
	ps.n = 0;
	ps.deadline = deadline;
	for (unsigned h = 1; h <= UNIX_MAX_HANDLE; h++) {
		struct unix_device *d = &unix_devices[h];
		if (!d->attached || d->type != KILN_DEVICE_NET)
			continue;
		d->poll_first = ps.n;
		d->net_ops->poll_prepare(d, &ps);
		d->poll_count = ps.n - d->poll_first;
	}

	for (;;) {
		kiln_time_t now = kiln_clock_monotonic();
		kiln_time_t left = ps.deadline > now ? ps.deadline - now : 0;
		/* UINT64_MAX ns is 584 years: fits time_t; the kernel clamps it. */
		struct timespec ts = {.tv_sec = (time_t)(left / 1000000000u),
				      .tv_nsec = (long)(left % 1000000000u)};
		int r = ppoll(ps.fds, ps.n, &ts, NULL);
		if (r >= 0)
			break;
		if (errno != EINTR)
			kiln_abort(); /* EFAULT/EINVAL: a bug in this file */
	}

	for (unsigned h = 1; h <= UNIX_MAX_HANDLE; h++) {
		struct unix_device *d = &unix_devices[h];
		if (d->attached && d->type == KILN_DEVICE_NET && d->net_ops->poll_ready(d, &ps))
			ready |= (kiln_handle_set_t)1 << h;
	}
	if (ready_set)
		*ready_set = ready;
}
