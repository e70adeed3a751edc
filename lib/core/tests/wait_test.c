/* wait_test.c: wait queues without fibers (include/kiln/wait.h): the main flow turns the loop while it waits. */
#include "harness.h"
#include "fake_platform.h"

#include <kiln/loop.h>
#include <kiln/wait.h>

/* A protocol engine stand-in: at its deadline it wakes a queue. */
struct waker {
	struct loop_source src;
	kiln_time_t at;
	struct waitq *q;
	int fired;
};

static kiln_time_t waker_deadline(struct loop_source *s)
{
	return ((struct waker *)s)->at;
}

static void waker_time(struct loop_source *s, kiln_time_t now)
{
	struct waker *w = (struct waker *)s;
	(void)now;
	w->at = KILN_TIME_NEVER;
	w->fired++;
	waitq_wake(w->q);
}

static void waker_init(struct waker *w, struct waitq *q, kiln_time_t at)
{
	*w = (struct waker){0};
	w->src.name = "waker";
	w->src.next_deadline = waker_deadline;
	w->src.on_time = waker_time;
	w->q = q;
	w->at = at;
}

TEST(times_out_at_the_deadline_and_leaves_the_queue)
{
	struct waitq q = WAITQ_INIT;

	fake_reset();
	CHECK(!wait_on(&q, 4000));
	CHECK_EQ(fake_now, 4000);
	CHECK(q.head == NULL);
}

TEST(woken_by_an_engine_before_the_deadline)
{
	struct waitq q = WAITQ_INIT;
	struct waker w;

	fake_reset();
	waker_init(&w, &q, 2500);
	loop_add(&w.src);
	CHECK(wait_on(&q, 9000));
	CHECK_EQ(fake_now, 2500);
	CHECK_EQ(w.fired, 1);
	CHECK(q.head == NULL);
	loop_remove(&w.src);
}

TEST(a_past_deadline_returns_without_sleeping)
{
	struct waitq q = WAITQ_INIT;

	fake_reset();
	CHECK(!wait_on(&q, 10));
	CHECK_EQ(fake_yields, 0);
	CHECK(q.head == NULL);
}

static struct waiter *hooked[4];
static int nhooked;
static void record_wake(struct waiter *w)
{
	hooked[nhooked++] = w;
}

TEST(wake_releases_all_in_order_and_calls_the_hook_for_fibers)
{
	struct waitq q = WAITQ_INIT;
	struct waiter a = {0}, b = {0}, c = {0};
	int token;

	nhooked = 0;
	wait_wake_hook = record_wake;
	waitq_enqueue(&q, &a);
	waitq_enqueue(&q, &b);
	waitq_enqueue(&q, &c);
	a.fiber = &token;
	c.fiber = &token;
	waitq_wake(&q);
	wait_wake_hook = NULL;
	CHECK(q.head == NULL);
	CHECK(a.woken && b.woken && c.woken);
	CHECK_EQ(nhooked, 2);
	CHECK(hooked[0] == &a);
	CHECK(hooked[1] == &c);
}

TEST(cancel_takes_a_waiter_off_anywhere_in_the_queue)
{
	struct waitq q = WAITQ_INIT;
	struct waiter a = {0}, b = {0}, c = {0};

	waitq_enqueue(&q, &a);
	waitq_enqueue(&q, &b);
	waitq_enqueue(&q, &c);
	waitq_cancel(&b);
	CHECK(q.head == &a);
	CHECK(a.next == &c);
	CHECK(c.next == NULL);
	waitq_cancel(&b); /* again: harmless */
	waitq_cancel(&a);
	waitq_cancel(&c);
	CHECK(q.head == NULL);
	waitq_wake(&q); /* empty: nothing happens */
	CHECK(!a.woken && !b.woken && !c.woken);
}

static bool park_said;
static int parks;
static bool fake_park(struct waiter *w, kiln_time_t deadline)
{
	(void)deadline;
	parks++;
	if (park_said)
		waitq_wake(w->q); /* as if parked, then woken by an engine */
	return park_said;
}

TEST(park_hook_decides_who_turns_the_loop)
{
	struct waitq q = WAITQ_INIT;

	fake_reset();
	parks = 0;
	wait_park_hook = fake_park;
	park_said = true;
	CHECK(wait_on(&q, 5000));
	CHECK_EQ(fake_yields, 0); /* the "fiber" did not turn the loop */
	park_said = false;
	CHECK(!wait_on(&q, 5000)); /* the main flow: loop until the deadline */
	wait_park_hook = NULL;
	CHECK_EQ(parks, 2);
	CHECK_EQ(fake_now, 5000);
	CHECK(q.head == NULL);
}
