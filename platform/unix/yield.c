/* yield.c: kiln_yield() on the unix target (platform.h): with net devices,
 * hostnet_wait() over all of them until one has a frame or the deadline
 * passes (net_attach.c, through unix_wait_devices); without, a plain sleep.
 *
 * The wait is reached through a pointer so that an appliance without a net
 * device (hello) links no network code: this file is in every appliance
 * that runs the event loop.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "unix.h"

kiln_handle_set_t (*unix_wait_devices)(kiln_time_t deadline);

/* Sleeps until deadline (monotonic, platform.h), however many signals. */
static void sleep_until(kiln_time_t deadline)
{
	for (;;) {
		kiln_time_t now = kiln_clock_monotonic();
		if (now >= deadline)
			return;
		kiln_time_t left = deadline - now;
		/* UINT64_MAX ns is 584 years: fits time_t; the kernel clamps it. */
		struct timespec ts = {.tv_sec = (time_t)(left / 1000000000u),
				      .tv_nsec = (long)(left % 1000000000u)};
		if (ppoll(NULL, 0, &ts, NULL) == 0)
			return;
		if (errno != EINTR)
			kiln_abort(); /* EFAULT/EINVAL: a bug in this file */
	}
}

void kiln_yield(kiln_time_t deadline, kiln_handle_set_t *ready_set)
{
	kiln_handle_set_t ready = 0;

	kiln_console_flush();
	if (unix_wait_devices)
		ready = unix_wait_devices(deadline);
	else
		sleep_until(deadline);
	if (ready_set)
		*ready_set = ready;
}
