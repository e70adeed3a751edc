/* clock_test.c: clocks, kiln_yield() without devices, entropy, console
 * (platform/unix/clock.c, yield.c, entropy.c; platform.h). */
#include <string.h>
#include <time.h>

#include "harness.h"
#include "unix.h"

#define MS 1000000ull

TEST(monotonic_starts_near_zero_and_never_goes_back)
{
	kiln_time_t a = kiln_clock_monotonic();
	CHECK(a < 10000 * MS); /* the first reading sets the base */
	kiln_time_t prev = a;
	for (int i = 0; i < 1000; i++) {
		kiln_time_t t = kiln_clock_monotonic();
		CHECK(t >= prev);
		prev = t;
	}
}

TEST(wall_clock_is_the_hosts)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	kiln_time_t w = kiln_clock_wall();
	kiln_time_t host = (kiln_time_t)ts.tv_sec * 1000000000ull + (kiln_time_t)ts.tv_nsec;
	CHECK(w >= host);
	CHECK(w - host < 1000 * MS);
}

TEST(yield_sleeps_until_the_deadline)
{
	kiln_handle_set_t ready = 123;
	kiln_time_t t0 = kiln_clock_monotonic();
	kiln_yield(t0 + 30 * MS, &ready);
	kiln_time_t t1 = kiln_clock_monotonic();
	CHECK_EQ(ready, 0);
	CHECK(t1 - t0 >= 30 * MS);
	CHECK(t1 - t0 < 1000 * MS); /* generous: a loaded 2-core machine */
}

TEST(yield_with_a_past_deadline_polls)
{
	kiln_time_t t0 = kiln_clock_monotonic();
	kiln_yield(0, NULL);
	kiln_yield(t0 > 1 ? t0 - 1 : 0, NULL);
	CHECK(kiln_clock_monotonic() - t0 < 100 * MS);
}

TEST(entropy_fills_and_differs)
{
	uint8_t a[64], b[64], zero[64] = {0};
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	kiln_entropy(a, sizeof a);
	kiln_entropy(b, sizeof b);
	CHECK(memcmp(a, b, sizeof a) != 0);
	CHECK(memcmp(a, zero, sizeof a) != 0);
	kiln_entropy(a, 0); /* harmless */
	CHECK(1);
}
