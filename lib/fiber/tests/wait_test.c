/* wait_test.c: wait_on()/waitq_wake() across fibers (include/kiln/wait.h, fiber.h): wakes, timeouts, both at once. */
#include "harness.h"
#include "../../core/tests/fake_platform.h"

#include <kiln/fiber.h>

static bool all_gone(void)
{
	struct fiber_stats st;
	fiber_get_stats(&st);
	return st.live == 0 && st.stack_bytes == 0 && loop_after_step == NULL;
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

/* A protocol engine stand-in: wakes q at time `at` from inside the loop. */
struct engine {
	struct loop_source src;
	kiln_time_t at;
	struct waitq *q;
};
static kiln_time_t engine_deadline(struct loop_source *s)
{
	return ((struct engine *)s)->at;
}
static void engine_time(struct loop_source *s, kiln_time_t now)
{
	struct engine *e = (struct engine *)s;
	(void)now;
	e->at = KILN_TIME_NEVER;
	waitq_wake(e->q);
}
static void engine_start(struct engine *e, struct waitq *q, kiln_time_t at)
{
	*e = (struct engine){0};
	e->src.name = "engine";
	e->src.next_deadline = engine_deadline;
	e->src.on_time = engine_time;
	e->q = q;
	e->at = at;
	loop_add(&e->src);
}

struct wait_job {
	struct waitq *q;
	kiln_time_t deadline;
	char tag;
	bool result;
	kiln_time_t when;
};

static void waiter_fn(void *arg)
{
	struct wait_job *j = arg;
	j->result = wait_on(j->q, j->deadline);
	j->when = kiln_clock_monotonic();
	mark(j->tag);
}

TEST(woken_by_an_engine_before_its_timeout)
{
	struct waitq q = WAITQ_INIT;
	struct engine e;
	struct wait_job j = {&q, 10000, 'a', false, 0};

	fake_reset();
	engine_start(&e, &q, 3000);
	CHECK(fiber_spawn(waiter_fn, &j, 0));
	fiber_run();
	loop_remove(&e.src);
	CHECK(j.result);
	CHECK_EQ(j.when, 3000);
	CHECK(q.head == NULL);
	CHECK(all_gone());
}

TEST(times_out_and_leaves_the_queue)
{
	struct waitq q = WAITQ_INIT;
	struct wait_job j = {&q, 4000, 'a', true, 0};

	fake_reset();
	CHECK(fiber_spawn(waiter_fn, &j, 0));
	fiber_run();
	CHECK(!j.result);
	CHECK_EQ(j.when, 4000);
	CHECK(q.head == NULL);
	CHECK(all_gone());
}

TEST(timeouts_fire_in_deadline_order_and_early_wakes_leave_the_heap)
{
	struct waitq q1 = WAITQ_INIT, q2 = WAITQ_INIT;
	struct engine e;
	struct wait_job j[4] = {
		{&q1, 9000, 'a', true, 0},  /* times out last */
		{&q1, 5000, 'b', true, 0},  /* times out first */
		{&q2, 7000, 'c', false, 0}, /* woken at 2000 */
		{&q1, 6000, 'd', true, 0},  /* times out second */
	};

	fake_reset();
	trace_reset();
	engine_start(&e, &q2, 2000);
	for (int i = 0; i < 4; i++)
		CHECK(fiber_spawn(waiter_fn, &j[i], 0));
	fiber_run();
	loop_remove(&e.src);
	CHECK_STR(trace, "cbda");
	CHECK(!j[0].result && !j[1].result && j[2].result && !j[3].result);
	CHECK_EQ(j[2].when, 2000);
	CHECK_EQ(j[1].when, 5000);
	CHECK_EQ(j[3].when, 6000);
	CHECK_EQ(j[0].when, 9000);
	CHECK(q1.head == NULL && q2.head == NULL);
	CHECK(all_gone());
}

static struct waitq shared_q = WAITQ_INIT;
static void waker_fn(void *arg)
{
	(void)arg;
	mark('w');
	waitq_wake(&shared_q);
	mark('W'); /* the woken do not run before the waker blocks or yields */
}

TEST(a_fiber_wakes_others_in_arrival_order)
{
	struct wait_job j[3] = {
		{&shared_q, KILN_TIME_NEVER, 'a', false, 0},
		{&shared_q, KILN_TIME_NEVER, 'b', false, 0},
		{&shared_q, 8000, 'c', false, 0},
	};

	fake_reset();
	trace_reset();
	for (int i = 0; i < 3; i++)
		CHECK(fiber_spawn(waiter_fn, &j[i], 0));
	CHECK(fiber_spawn(waker_fn, NULL, 0));
	fiber_run();
	CHECK_STR(trace, "wWabc");
	CHECK(j[0].result && j[1].result && j[2].result);
	CHECK_EQ(fake_now, 1000); /* nobody slept */
	CHECK(shared_q.head == NULL);
	CHECK(all_gone());
}

TEST(timeout_and_wake_in_the_same_step_resume_once_as_woken)
{
	struct waitq q = WAITQ_INIT;
	struct engine e;
	struct wait_job j = {&q, 2000, 'a', false, 0};
	struct fiber_stats st;

	fake_reset();
	trace_reset();
	engine_start(&e, &q, 2000);
	CHECK(fiber_spawn(waiter_fn, &j, 0));
	fiber_run();
	loop_remove(&e.src);
	fiber_get_stats(&st);
	CHECK_STR(trace, "a");
	CHECK(q.head == NULL);
	CHECK_EQ(j.when, 2000);
	/* either order of the two callbacks: a wake seen is a wake */
	CHECK(j.result);
	CHECK(all_gone());
}

TEST(a_past_deadline_times_out_without_switching)
{
	struct waitq q = WAITQ_INIT;
	struct wait_job j = {&q, 500, 'a', true, 0};
	struct fiber_stats before, after;

	fake_reset();
	fiber_get_stats(&before);
	CHECK(fiber_spawn(waiter_fn, &j, 0));
	fiber_run();
	fiber_get_stats(&after);
	CHECK(!j.result);
	CHECK_EQ(after.switches - before.switches, 1); /* the start, nothing more */
	CHECK(q.head == NULL);
	CHECK(all_gone());
}

static struct waitq main_q = WAITQ_INIT;
static void worker(void *arg)
{
	(void)arg;
	mark('1');
	fiber_yield();
	mark('2');
	fiber_sleep_until(3000);
	mark('3');
	waitq_wake(&main_q);
}

TEST(the_main_flow_blocks_in_wait_on_while_fibers_run)
{
	fake_reset();
	trace_reset();
	CHECK(fiber_spawn(worker, NULL, 0));
	/* No fiber_run(): the main flow's own blocking call turns the loop,
	 * and the fibers run after each step. */
	CHECK(wait_on(&main_q, 50000));
	CHECK_STR(trace, "123");
	CHECK_EQ(fake_now, 3000);
	fiber_run(); /* let the worker finish */
	CHECK(all_gone());
}

static void sleepy_worker(void *arg)
{
	(void)arg;
	mark('1');
	fiber_sleep_until(1500);
	mark('2');
	fiber_sleep_until(3000);
	mark('3');
}

TEST(the_main_flow_sleeps_and_yields_too)
{
	fake_reset();
	trace_reset();
	CHECK(fiber_spawn(sleepy_worker, NULL, 0));
	fiber_yield();          /* runs the ready fiber until it blocks */
	CHECK_STR(trace, "1");
	fiber_sleep_until(2000); /* the worker's second step runs meanwhile */
	CHECK_STR(trace, "12");
	CHECK_EQ(fake_now, 2000);
	fiber_run();
	CHECK_STR(trace, "123");
	CHECK(all_gone());
}

static void on_data(void *arg)
{
	struct wait_job *j = arg;
	j->when = kiln_clock_monotonic();
	mark(j->tag);
}

TEST(dormant_fibers_start_when_woken_by_an_engine)
{
	struct waitq q = WAITQ_INIT;
	struct engine e;
	struct wait_job j = {&q, 0, 'd', false, 0};
	struct fiber_stats st;

	fake_reset();
	trace_reset();
	engine_start(&e, &q, 4000);
	CHECK(fiber_spawn_on(&q, 20000, on_data, &j, 0));
	fiber_get_stats(&st);
	CHECK_EQ(st.dormant, 1);
	CHECK_EQ(st.stack_bytes, 0);
	fiber_run();
	loop_remove(&e.src);
	CHECK_STR(trace, "d");
	CHECK_EQ(j.when, 4000); /* woken, not timed out at 20000 */
	CHECK_EQ(fake_now, 4000);
	CHECK(all_gone());
}

static void handler_again(void *arg);
static int rounds;
static void handler_again(void *arg)
{
	/* A connection handler that goes dormant between requests. */
	struct waitq *q = arg;
	mark('h');
	if (++rounds < 3)
		CHECK(fiber_spawn_on(q, KILN_TIME_NEVER, handler_again, q, 0));
}

TEST(a_handler_goes_dormant_between_requests)
{
	static struct waitq q = WAITQ_INIT;
	struct engine e;

	fake_reset();
	trace_reset();
	rounds = 0;
	CHECK(fiber_spawn_on(&q, KILN_TIME_NEVER, handler_again, &q, 0));
	for (int i = 1; i <= 3; i++) {
		engine_start(&e, &q, 1000 + 1000 * (kiln_time_t)i);
		loop_step(KILN_TIME_NEVER);
		loop_remove(&e.src);
		CHECK_EQ(ntrace, (size_t)i);
	}
	CHECK_STR(trace, "hhh");
	CHECK(q.head == NULL);
	CHECK(all_gone());
}

/* An engine that starts a fiber from its callback, as an accept path might. */
struct spawner {
	struct loop_source src;
	kiln_time_t at;
};
static kiln_time_t spawner_deadline(struct loop_source *s)
{
	return ((struct spawner *)s)->at;
}
static void spawned_fn(void *arg)
{
	(void)arg;
	mark(kiln_clock_monotonic() == 2000 ? 's' : 'S');
}
static void spawner_time(struct loop_source *s, kiln_time_t now)
{
	(void)now;
	((struct spawner *)s)->at = KILN_TIME_NEVER;
	mark(fiber_spawn(spawned_fn, NULL, 0) ? 'e' : 'E');
}

TEST(an_engine_callback_may_spawn_a_fiber)
{
	struct spawner sp = {.src = {.name = "spawner"}, .at = 2000};

	fake_reset();
	trace_reset();
	sp.src.next_deadline = spawner_deadline;
	sp.src.on_time = spawner_time;
	loop_add(&sp.src);
	loop_step(KILN_TIME_NEVER); /* the fiber runs after the step that made it */
	loop_remove(&sp.src);
	CHECK_STR(trace, "es");
	CHECK(all_gone());
}

/* Many timeouts and early wakes in random order: every fiber resumes exactly
 * at min(its deadline, its wake), as woken or timed out accordingly. This
 * exercises the deadline heap's removals from the middle. */
enum { MANY = 2000 };
static struct waitq many_q[MANY];
static kiln_time_t many_deadline[MANY], many_wake[MANY], many_when[MANY];
static bool many_result[MANY];
static int many_order[MANY], many_next;

struct scheduled_waker {
	struct loop_source src;
};
static kiln_time_t sw_deadline(struct loop_source *s)
{
	(void)s;
	return many_next < MANY ? many_wake[many_order[many_next]] : KILN_TIME_NEVER;
}
static void sw_time(struct loop_source *s, kiln_time_t now)
{
	(void)s;
	while (many_next < MANY && many_wake[many_order[many_next]] <= now)
		waitq_wake(&many_q[many_order[many_next++]]);
}
static void many_fn(void *arg)
{
	int i = (int)(intptr_t)arg;
	many_result[i] = wait_on(&many_q[i], many_deadline[i]);
	many_when[i] = kiln_clock_monotonic();
}
static int by_wake(const void *a, const void *b)
{
	kiln_time_t x = many_wake[*(const int *)a], y = many_wake[*(const int *)b];
	return x < y ? -1 : x > y;
}

TEST(random_timeouts_and_wakes_resume_each_fiber_exactly_once_on_time)
{
	struct scheduled_waker w = {.src = {.name = "waker"}};
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	fake_reset();
	for (int i = 0; i < MANY; i++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		/* deadlines even, wakes odd: never the same instant */
		many_deadline[i] = 2000 + 2 * (rng % 50000);
		many_wake[i] = 2001 + 2 * ((rng >> 20) % 50000);
		many_q[i] = (struct waitq)WAITQ_INIT;
		many_order[i] = i;
		CHECK(fiber_spawn(many_fn, (void *)(intptr_t)i, 0));
	}
	qsort(many_order, MANY, sizeof(many_order[0]), by_wake);
	many_next = 0;
	w.src.next_deadline = sw_deadline;
	w.src.on_time = sw_time;
	loop_add(&w.src);
	fiber_run();
	loop_remove(&w.src);
	int woken = 0;
	for (int i = 0; i < MANY; i++) {
		bool early = many_wake[i] < many_deadline[i];
		CHECK_EQ(many_result[i], early);
		CHECK_EQ(many_when[i], early ? many_wake[i] : many_deadline[i]);
		CHECK(many_q[i].head == NULL);
		woken += early;
	}
	printf("note: %d of %d fibers woken early, the rest timed out\n", woken, MANY);
	CHECK(woken > MANY / 4 && woken < 3 * MANY / 4);
	CHECK(all_gone());
}
