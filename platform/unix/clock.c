/* clock.c: monotonic and wall clocks on the unix target (platform.h). */
#include <time.h>

#include "unix.h"

#define NSEC_PER_SEC 1000000000ull

static kiln_time_t read_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (kiln_time_t)ts.tv_sec * NSEC_PER_SEC + (kiln_time_t)ts.tv_nsec;
}

/* CLOCK_MONOTONIC at the first reading, which start-up makes: platform.h
 * promises monotonic time near 0 at boot, as on hvt. Set once, single thread. */
static kiln_time_t monotonic_base;

kiln_time_t unix_clock_base(void)
{
	if (monotonic_base == 0)
		monotonic_base = read_clock(CLOCK_MONOTONIC) - 1;
	return monotonic_base;
}

kiln_time_t kiln_clock_monotonic(void)
{
	kiln_time_t base = unix_clock_base();

	return read_clock(CLOCK_MONOTONIC) - base;
}

kiln_time_t kiln_clock_wall(void)
{
	return read_clock(CLOCK_REALTIME);
}
