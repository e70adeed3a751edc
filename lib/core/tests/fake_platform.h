/* fake_platform.h: a platform (include/kiln/platform.h) for unit tests of the loop, wait queues and fibers.
 *
 * Time is a number the test owns: kiln_yield() "sleeps" by moving fake_now to
 * its deadline, so a test of timeouts runs instantly and exactly. A test
 * simulates device input by setting fake_ready (returned by the next
 * kiln_yield, which then does not sleep) or acts at each yield through
 * fake_yield_hook. A yield with no deadline and nothing to deliver would
 * sleep forever: that is a deadlock in the test, reported and aborted.
 *
 * Include it in exactly one .c file of a test program (it defines the
 * platform's functions, so the unix platform's archive members are not
 * linked).
 */
#ifndef KILN_FAKE_PLATFORM_H
#define KILN_FAKE_PLATFORM_H

#include <kiln/loop.h>
#include <kiln/platform.h>
#include <stdio.h>
#include <stdlib.h>

static kiln_time_t fake_now = 1000;
static kiln_handle_set_t fake_ready;
static unsigned long fake_yields;
static kiln_time_t fake_last_deadline;
static void (*fake_yield_hook)(kiln_time_t deadline);

kiln_time_t kiln_clock_monotonic(void)
{
	return fake_now;
}

kiln_time_t kiln_clock_wall(void)
{
	return fake_now + 1700000000ull * 1000000000ull;
}

void kiln_yield(kiln_time_t deadline, kiln_handle_set_t *ready_set)
{
	fake_yields++;
	fake_last_deadline = deadline;
	if (fake_yield_hook)
		fake_yield_hook(deadline);
	if (fake_ready) {
		if (ready_set)
			*ready_set = fake_ready;
		fake_ready = 0;
		return;
	}
	if (deadline == KILN_TIME_NEVER) {
		fprintf(stderr, "fake platform: kiln_yield() with no deadline and "
				"nothing to deliver: the test deadlocked\n");
		abort();
	}
	if (deadline > fake_now)
		fake_now = deadline;
	if (ready_set)
		*ready_set = 0;
}

void kiln_console_write(const char *buf, size_t len)
{
	fwrite(buf, 1, len, stderr);
}

void kiln_console_flush(void)
{
	fflush(stderr);
}

void kiln_abort(void)
{
	fflush(stderr);
	abort();
}

void kiln_exit(int status)
{
	exit(status);
}

/* Reset between cases. */
static inline void fake_reset(void)
{
	fake_now = 1000;
	fake_ready = 0;
	fake_yields = 0;
	fake_last_deadline = 0;
	fake_yield_hook = NULL;
}

#endif
