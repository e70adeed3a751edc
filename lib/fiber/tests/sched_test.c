/* sched_test.c: fiber scheduling (include/kiln/fiber.h): yield order, sleeps, exit, spawn_on, memory. */
#include "harness.h"
#include "../../core/tests/fake_platform.h"

#include <kiln/fiber.h>
/* From ASan's allocator interface (the tests always run under ASan). */
size_t __sanitizer_get_current_allocated_bytes(void);

/* Every case must end with no fiber left, or the next inherits them. */
static bool all_gone(void)
{
	struct fiber_stats st;
	fiber_get_stats(&st);
	return st.live == 0 && st.dormant == 0 && st.stack_bytes == 0 &&
	       loop_after_step == NULL && wait_park_hook == NULL;
}

static char trace[256];
static size_t ntrace;
static void mark(char c)
{
	if (ntrace < sizeof(trace) - 1)
		trace[ntrace++] = c;
	trace[ntrace] = 0;
}
static void trace_reset(void)
{
	ntrace = 0;
	trace[0] = 0;
}

static void yielder(void *arg)
{
	char c = (char)(uintptr_t)arg;
	for (int i = 0; i < 3; i++) {
		mark(c);
		fiber_yield();
	}
}

TEST(yield_round_robins_in_spawn_order)
{
	fake_reset();
	trace_reset();
	CHECK(fiber_spawn(yielder, (void *)'a', 0));
	CHECK(fiber_spawn(yielder, (void *)'b', 0));
	CHECK(fiber_spawn(yielder, (void *)'c', 0));
	CHECK_EQ(ntrace, 0); /* spawn does not run the fiber */
	fiber_run();
	CHECK_STR(trace, "abcabcabc");
	CHECK(all_gone());
}

static int yields;
static void busy(void *arg)
{
	(void)arg;
	for (int i = 0; i < 80; i++) {
		yields++;
		fiber_yield();
	}
}

TEST(busy_fibers_let_the_loop_poll_every_few_rounds)
{
	fake_reset();
	yields = 0;
	CHECK(fiber_spawn(busy, NULL, 0));
	CHECK(fiber_spawn(busy, NULL, 0));
	fiber_run();
	CHECK_EQ(yields, 160);
	/* 81 rounds each: a poll at least every FIBER_ROUNDS_PER_POLL rounds */
	CHECK(fake_yields >= 81 / FIBER_ROUNDS_PER_POLL);
	CHECK(fake_yields <= 81 / FIBER_ROUNDS_PER_POLL + 2);
	CHECK(all_gone());
}

static void sleeper(void *arg)
{
	kiln_time_t d = (kiln_time_t)(uintptr_t)arg;
	fiber_sleep_until(d);
	CHECK(kiln_clock_monotonic() >= d);
	mark((char)('a' + d / 1000 - 2));
}

TEST(sleepers_wake_in_deadline_order_on_the_fake_clock)
{
	static const unsigned order[] = {7, 3, 9, 1, 5, 2, 8, 4, 6};

	fake_reset();
	trace_reset();
	for (unsigned i = 0; i < 9; i++)
		CHECK(fiber_spawn(sleeper, (void *)(uintptr_t)(order[i] * 1000 + 1000), 0));
	fiber_run();
	CHECK_STR(trace, "abcdefghi"); /* 2000, 3000, ... 10000 */
	CHECK_EQ(fake_now, 10000);
	CHECK(all_gone());
}

TEST(sleep_in_the_past_returns_at_once)
{
	fake_reset();
	trace_reset();
	CHECK(fiber_spawn(sleeper, (void *)(uintptr_t)2500, 0)); /* 'a' */
	fake_now = 3000;
	fiber_run();
	CHECK_STR(trace, "a");
	CHECK_EQ(fake_now, 3000);
	CHECK(all_gone());
}

static void child(void *arg)
{
	(void)arg;
	mark('c');
}
static void parent(void *arg)
{
	(void)arg;
	mark('p');
	CHECK(fiber_spawn(child, NULL, 0));
	fiber_yield();
	mark('P');
}
static void quitter(void *arg)
{
	(void)arg;
	mark('q');
	fiber_exit();
	mark('!'); /* never */
}

TEST(spawn_from_a_fiber_and_exit_midway)
{
	fake_reset();
	trace_reset();
	CHECK(fiber_spawn(parent, NULL, 0));
	CHECK(fiber_spawn(quitter, NULL, 0));
	fiber_run();
	CHECK_STR(trace, "pqcP");
	CHECK(all_gone());
}

static struct fiber *seen_self;
static void who(void *arg)
{
	(void)arg;
	seen_self = fiber_self();
}

TEST(self_is_the_running_fiber_and_null_in_the_main_flow)
{
	struct fiber *f;

	fake_reset();
	CHECK(fiber_self() == NULL);
	f = fiber_spawn(who, NULL, 0);
	CHECK(f);
	fiber_run();
	CHECK(seen_self == f);
	CHECK(fiber_self() == NULL);
	CHECK(all_gone());
}

TEST(run_with_no_fibers_returns_and_bad_sizes_fail)
{
	fake_reset();
	fiber_run();
	CHECK_EQ(fake_yields, 0);
	CHECK(fiber_spawn(child, NULL, FIBER_STACK_MAX + 1) == NULL);
	CHECK(fiber_spawn(NULL, NULL, 0) == NULL);
	CHECK(all_gone());
}

static void tiny(void *arg)
{
	(*(int *)arg)++;
}

TEST(ten_thousand_fibers_spawned_and_finished_return_their_memory)
{
	enum { N = 10000 };
	static int ran;
	struct fiber_stats st;
	size_t before;

	fake_reset();
	ran = 0;
	before = __sanitizer_get_current_allocated_bytes();
	for (int i = 0; i < N; i++)
		CHECK(fiber_spawn(tiny, &ran, 4096));
	fiber_get_stats(&st);
	CHECK_EQ(st.live, N);
	CHECK(st.stack_bytes >= (size_t)N * 4096);
	CHECK(__sanitizer_get_current_allocated_bytes() >= before + (size_t)N * 4096);
	fiber_run();
	CHECK_EQ(ran, N);
	CHECK(all_gone());
	CHECK_EQ(__sanitizer_get_current_allocated_bytes(), before);
}

static void idle_conn(void *arg)
{
	(*(int *)arg)++;
}

TEST(ten_thousand_dormant_fibers_cost_no_stack_until_started)
{
	enum { N = 10000 };
	static struct waitq qs[N];
	static int started;
	struct fiber_stats st;
	size_t before, held;

	fake_reset();
	started = 0;
	before = __sanitizer_get_current_allocated_bytes();
	for (int i = 0; i < N; i++)
		CHECK(fiber_spawn_on(&qs[i], KILN_TIME_NEVER, idle_conn, &started, 0));
	fiber_get_stats(&st);
	held = __sanitizer_get_current_allocated_bytes() - before;
	CHECK_EQ(st.dormant, N);
	CHECK_EQ(st.stack_bytes, 0);
	/* record + the deadline heap's slot, nothing like a stack */
	CHECK(held <= (size_t)N * (FIBER_RECORD_BYTES + 2 * sizeof(void *)));
	printf("note: %d dormant fibers hold %zu bytes (%zu per fiber)\n", N, held, held / N);
	/* wake every other one: only those run */
	for (int i = 0; i < N; i += 2)
		waitq_wake(&qs[i]);
	loop_step(0);
	CHECK_EQ(started, N / 2);
	for (int i = 1; i < N; i += 2)
		waitq_wake(&qs[i]);
	fiber_run();
	CHECK_EQ(started, N);
	CHECK(all_gone());
	CHECK_EQ(__sanitizer_get_current_allocated_bytes(), before);
}

static void timed_start(void *arg)
{
	(void)arg;
	mark(kiln_clock_monotonic() == 6000 ? 't' : 'T');
}

TEST(dormant_fiber_starts_at_its_deadline_and_leaves_its_queue)
{
	struct waitq q = WAITQ_INIT;

	fake_reset();
	trace_reset();
	CHECK(fiber_spawn_on(&q, 6000, timed_start, NULL, 0));
	CHECK(q.head != NULL);
	fiber_run();
	CHECK_STR(trace, "t");
	CHECK(q.head == NULL);
	CHECK(all_gone());
}

TEST(painted_stacks_measure_their_deepest_use)
{
	struct fiber_stats st;

	fake_reset();
	trace_reset();
	fiber_paint_stacks(true);
	CHECK(fiber_spawn(yielder, (void *)'x', 16384));
	fiber_run();
	fiber_paint_stacks(false);
	fiber_get_stats(&st);
	printf("note: a yielding fiber used %zu bytes of stack\n", st.max_stack_used);
	CHECK(st.max_stack_used > 64);
	CHECK(st.max_stack_used < 16384);
	CHECK(all_gone());
}
