/* loop_test.c: the event loop (include/kiln/loop.h) over a fake platform with a clock the test moves. */
#include "harness.h"
#include "fake_platform.h"

#include <kiln/loop.h>

struct probe {
	struct loop_source src;
	kiln_time_t deadline;    /* what next_deadline reports */
	int ready_calls, time_calls;
	kiln_time_t time_seen;
	bool remove_self;        /* on_ready/on_time unregister the source */
};

static void probe_ready(struct loop_source *s)
{
	struct probe *p = (struct probe *)s;
	p->ready_calls++;
	if (p->remove_self)
		loop_remove(s);
}

static kiln_time_t probe_deadline(struct loop_source *s)
{
	return ((struct probe *)s)->deadline;
}

static void probe_time(struct loop_source *s, kiln_time_t now)
{
	struct probe *p = (struct probe *)s;
	p->time_calls++;
	p->time_seen = now;
	p->deadline = KILN_TIME_NEVER;
	if (p->remove_self)
		loop_remove(s);
}

static void probe_init(struct probe *p, kiln_handle_t h, kiln_time_t deadline)
{
	*p = (struct probe){0};
	p->src.name = "probe";
	p->src.handle = h;
	p->src.has_handle = true;
	p->src.on_ready = probe_ready;
	p->src.next_deadline = probe_deadline;
	p->src.on_time = probe_time;
	p->deadline = deadline;
}

TEST(step_sleeps_until_its_deadline)
{
	fake_reset();
	CHECK_EQ(loop_step(5000), 5000);
	CHECK_EQ(fake_now, 5000);
	CHECK_EQ(fake_last_deadline, 5000);
}

TEST(step_with_deadline_zero_polls)
{
	fake_reset();
	CHECK_EQ(loop_step(0), 1000);
	CHECK_EQ(fake_now, 1000);
	CHECK_EQ(fake_yields, 1);
}

TEST(earliest_source_deadline_wins_and_on_time_runs_once)
{
	struct probe a, b;

	fake_reset();
	probe_init(&a, 1, 3000);
	probe_init(&b, 2, 7000);
	loop_add(&a.src);
	loop_add(&b.src);
	loop_step(KILN_TIME_NEVER);
	CHECK_EQ(fake_last_deadline, 3000);
	CHECK_EQ(a.time_calls, 1);
	CHECK_EQ(a.time_seen, 3000);
	CHECK_EQ(b.time_calls, 0);
	loop_step(KILN_TIME_NEVER);
	CHECK_EQ(fake_now, 7000);
	CHECK_EQ(a.time_calls, 1);
	CHECK_EQ(b.time_calls, 1);
	loop_remove(&a.src);
	loop_remove(&b.src);
}

TEST(on_ready_only_for_ready_handles)
{
	struct probe a, b;

	fake_reset();
	probe_init(&a, 1, KILN_TIME_NEVER);
	probe_init(&b, 5, KILN_TIME_NEVER);
	loop_add(&a.src);
	loop_add(&b.src);
	fake_ready = 1u << 5;
	loop_step(9000);
	CHECK_EQ(fake_now, 1000); /* input: no sleep */
	CHECK_EQ(a.ready_calls, 0);
	CHECK_EQ(b.ready_calls, 1);
	loop_remove(&a.src);
	loop_remove(&b.src);
}

TEST(a_callback_may_remove_its_own_source)
{
	struct probe a, b, c;

	fake_reset();
	probe_init(&a, 1, 2000);
	probe_init(&b, 2, 2000);
	probe_init(&c, 3, 2000);
	b.remove_self = true;
	loop_add(&a.src);
	loop_add(&b.src);
	loop_add(&c.src);
	fake_ready = 0xe;
	loop_step(KILN_TIME_NEVER);
	CHECK_EQ(b.ready_calls, 1);
	CHECK_EQ(c.ready_calls, 1);
	CHECK_EQ(a.ready_calls, 1);
	/* b is gone: no on_time for it; a and c still get theirs. */
	loop_step(KILN_TIME_NEVER);
	CHECK_EQ(b.time_calls, 0);
	CHECK_EQ(a.time_calls, 1);
	CHECK_EQ(c.time_calls, 1);
	loop_remove(&a.src);
	loop_remove(&c.src);
	loop_remove(&b.src); /* harmless when not registered */
}

static int after_calls;
static void count_after(void)
{
	after_calls++;
}

TEST(after_step_hook_runs_after_each_step)
{
	fake_reset();
	after_calls = 0;
	loop_after_step = count_after;
	loop_step(0);
	loop_step(2000);
	loop_after_step = NULL;
	loop_step(0);
	CHECK_EQ(after_calls, 2);
}
