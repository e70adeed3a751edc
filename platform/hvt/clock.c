/* clock.c: monotonic and wall clocks (include/kiln/platform.h) from the TSC and the
 * WALLTIME hypercall (hvt-abi.md section 5).
 *
 * ns = (tsc - tsc0) * mult >> 32, where mult = 10^9 * 2^32 / cpu_cycle_freq is
 * computed once: a 64x64->128 multiplication per reading, no division and no
 * floating point. The error of mult's rounding is below 1 ns per second for
 * any TSC under 4 GHz. The first reading sets tsc0 (rdtsc is emulated here
 * and costs 15-20 us: the boot path takes none). Wall time is one WALLTIME
 * hypercall at the first call, then advances with the monotonic clock.
 */
#include <kiln/platform.h>

#include "hvt.h"

static uint64_t tsc0, mult;
static bool started;
static kiln_time_t wall0, wall_mono0;
static bool wall_known;

kiln_time_t kiln_clock_monotonic(void)
{
	uint64_t tsc = hvt_rdtsc();

	if (!started) {
		uint64_t freq = hvt_bi->cpu_cycle_freq;
		/* The monitor refuses to run without a known TSC frequency; a
		 * zero or tiny one would overflow mult. */
		if (freq < 1000000)
			freq = 1000000;
		mult = (1000000000ull << 32) / freq;
		tsc0 = tsc;
		started = true;
	}
	return (kiln_time_t)(((unsigned __int128)(tsc - tsc0) * mult) >> 32);
}

kiln_time_t kiln_clock_wall(void)
{
	kiln_time_t now = kiln_clock_monotonic();

	if (!wall_known) {
		struct hvt_hc_walltime w = {0};
		hvt_hypercall(HVT_HYPERCALL_WALLTIME, &w);
		wall0 = w.nsecs;
		wall_mono0 = now;
		wall_known = true;
	}
	return wall0 + (now - wall_mono0);
}
