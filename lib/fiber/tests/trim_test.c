/* trim_test.c: the deadline heap's array shrinks after a burst of fibers ends (fiber_heap_trim in lib/fiber/fiber_heap.c), and the fibers still waiting wake in deadline order. */
#include "harness.h"
#include "../../core/tests/fake_platform.h"

#include <kiln/fiber.h>

#include "fiber_impl.h"

static kiln_time_t woke[4];
static int nwoke;

static void short_sleeper(void *arg)
{
	fiber_sleep_until(fake_now + 1000 + (kiln_time_t)(uintptr_t)arg % 97);
}

static void long_sleeper(void *arg)
{
	kiln_time_t until = 1000000 * (kiln_time_t)(uintptr_t)arg;
	fiber_sleep_until(until);
	if (nwoke < 4)
		woke[nwoke++] = until;
}

TEST(deadline_heap_shrinks_after_a_burst)
{
	fake_reset();
	nwoke = 0;
	/* Three long sleepers outlive a burst of 1,500 short ones. */
	fiber_spawn(long_sleeper, (void *)(uintptr_t)30, 0);
	fiber_spawn(long_sleeper, (void *)(uintptr_t)10, 0);
	fiber_spawn(long_sleeper, (void *)(uintptr_t)20, 0);
	for (uintptr_t i = 0; i < 1500; i++)
		CHECK(fiber_spawn(short_sleeper, (void *)i, 0) != NULL);
	CHECK(fiber_sched.heap_cap >= 1503);
	fiber_sleep_until(fake_now + 5000); /* the burst ends */
	struct fiber_stats st;
	fiber_get_stats(&st);
	CHECK_EQ(st.live, 3);
	CHECK(fiber_sched.heap_cap <= 16);
	fiber_run(); /* the rest, in deadline order */
	CHECK_EQ(nwoke, 3);
	CHECK_EQ(woke[0], 10000000);
	CHECK_EQ(woke[1], 20000000);
	CHECK_EQ(woke[2], 30000000);
	fiber_get_stats(&st);
	CHECK_EQ(st.live, 0);
}
