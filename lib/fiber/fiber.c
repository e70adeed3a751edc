/* fiber.c: spawning, switching and the scheduler's round (see include/kiln/fiber.h, docs/fibers.md).
 *
 * Every switch goes through the scheduler: a fiber that blocks, yields or
 * exits switches to the main flow's stack, inside run_round(), which picks
 * the next ready fiber. Two switches per hand-off instead of one, but the
 * stack of an exiting fiber is freed by code not running on it, the canary
 * is checked from a stack that is known to be good, and the loop always
 * regains control between rounds.
 */
#include "fiber_impl.h"

#include <stdlib.h>
#include <string.h>

struct fiber_sched fiber_sched;
#define S (&fiber_sched)

static void *sched_sp;   /* the main flow's stack pointer while a fiber runs */
static uint64_t next_id;
#if FIBER_ASAN
static const void *main_bottom;
static size_t main_size;
static void *main_fake_stack;
#endif

_Static_assert(sizeof(struct fiber) <= FIBER_RECORD_BYTES,
	       "FIBER_RECORD_BYTES in fiber.h is out of date");

void fiber_make_ready(struct fiber *f)
{
	f->state = FIBER_READY;
	f->next_ready = NULL;
	if (S->ready_tail)
		S->ready_tail->next_ready = f;
	else
		S->ready_head = f;
	S->ready_tail = f;
	S->ready_count++;
}

static struct fiber *pop_ready(void)
{
	struct fiber *f = S->ready_head;

	if (f) {
		S->ready_head = f->next_ready;
		if (!S->ready_head)
			S->ready_tail = NULL;
		S->ready_count--;
		f->next_ready = NULL;
	}
	return f;
}

/* --- Switching --------------------------------------------------------- */

void fiber_suspend(void)
{
	struct fiber *f = S->current;

#if FIBER_ASAN
	/* An exiting fiber passes NULL so ASan frees its fake stack. */
	__sanitizer_start_switch_fiber(f->state == FIBER_DEAD ? NULL : &f->asan_fake_stack,
				       main_bottom, main_size);
#endif
	kiln_fiber_switch(&f->sp, sched_sp);
#if FIBER_ASAN
	__sanitizer_finish_switch_fiber(f->asan_fake_stack, &main_bottom, &main_size);
#endif
}

void fiber_entry(void)
{
	struct fiber *f = S->current;

#if FIBER_ASAN
	__sanitizer_finish_switch_fiber(NULL, &main_bottom, &main_size);
#endif
	f->fn(f->arg);
	fiber_exit();
}

static void switch_to(struct fiber *f)
{
	S->current = f;
	f->state = FIBER_RUNNING;
	S->stats.switches++;
#if FIBER_ASAN
	__sanitizer_start_switch_fiber(&main_fake_stack, f->stack, f->stack_size);
#endif
	kiln_fiber_switch(&sched_sp, f->sp);
#if FIBER_ASAN
	__sanitizer_finish_switch_fiber(main_fake_stack, NULL, NULL);
#endif
	S->current = NULL;
	if (!fiber_canary_ok(f))
		fiber_overflow_abort(f);
}

/* --- Rounds: each runs every fiber that was ready when it began, once;
 * rounds repeat while fibers are ready, up to FIBER_ROUNDS_PER_POLL -------- */

static void uninstall(void);

/* Start or resume f; free it if it ended. */
static void run_one(struct fiber *f)
{
	if (!f->stack) {
		if (!fiber_stack_alloc(f)) {
			/* Out of memory: try again later rather than spin or
			 * fail a connection that is merely waiting its turn. */
			S->stats.stack_alloc_failed++;
			f->state = FIBER_DORMANT;
			f->dormant_waiter.q = NULL;
			fiber_heap_push(f, kiln_clock_monotonic() + FIBER_RETRY_NS);
			return;
		}
		S->stats.dormant--;
	}
	switch_to(f);
	if (f->state == FIBER_DEAD)
		fiber_discard(f);
}

/* loop_after_step. Only the main flow runs fibers: a fiber that turned the
 * loop itself (not through wait_on) gets no nested round. */
static void run_round(void)
{
	if (S->current || S->in_round || !S->installed)
		return;
	S->in_round = true;
	for (unsigned round = 0; round < FIBER_ROUNDS_PER_POLL && S->ready_count; round++) {
		struct fiber *f;
		for (size_t n = S->ready_count; n > 0 && (f = pop_ready()) != NULL; n--)
			run_one(f);
	}
	S->in_round = false;
	if (S->stats.live == 0)
		uninstall();
}

/* --- The scheduler as a loop source: its deadline is the earliest sleeper's,
 * or now while fibers are ready, so loop_step() only polls then. ---------- */

static kiln_time_t sched_deadline(struct loop_source *src)
{
	struct fiber *f;

	(void)src;
	if (S->ready_head)
		return 0;
	f = fiber_heap_min();
	return f ? f->deadline : KILN_TIME_NEVER;
}

static void sched_time(struct loop_source *src, kiln_time_t now)
{
	struct fiber *f;

	(void)src;
	while ((f = fiber_heap_min()) != NULL && f->deadline <= now) {
		fiber_heap_remove(f);
		/* A dormant fiber that timed out leaves its queue; a parked one
		 * stays, and wait_on() unlinks its waiter when it resumes. */
		if (f->state == FIBER_DORMANT && f->dormant_waiter.q)
			waitq_cancel(&f->dormant_waiter);
		fiber_make_ready(f);
	}
}

void fiber_install(void)
{
	if (S->installed)
		return;
	S->installed = true;
	S->src.name = "fiber";
	S->src.has_handle = false;
	S->src.on_ready = NULL;
	S->src.next_deadline = sched_deadline;
	S->src.on_time = sched_time;
	loop_add(&S->src);
	loop_after_step = run_round;
	wait_park_hook = fiber_park_hook;
	wait_wake_hook = fiber_wake_hook;
}

/* With no fiber left, kiln is as if lib/fiber were not linked. */
static void uninstall(void)
{
	loop_remove(&S->src);
	loop_after_step = NULL;
	wait_park_hook = NULL;
	wait_wake_hook = NULL;
	fiber_heap_release();
	S->installed = false;
}

/* --- Life cycle ---------------------------------------------------------- */

struct fiber *fiber_new(void (*fn)(void *), void *arg, size_t stack_size)
{
	struct fiber *f;
	bool ok;
	size_t size = fiber_stack_align(stack_size, &ok);

	if (!ok || !fn)
		return NULL;
	if (!fiber_heap_reserve(S->stats.live + 1))
		return NULL;
	f = malloc(sizeof(*f));
	if (!f)
		return NULL;
	memset(f, 0, sizeof(*f));
	f->fn = fn;
	f->arg = arg;
	f->stack_size = size;
	f->name = "fiber";
	f->heap_index = FIBER_NOT_IN_HEAP;
	return f;
}

void fiber_commit(struct fiber *f)
{
	f->id = ++next_id;
	S->stats.live++;
	S->stats.spawned++;
	fiber_install();
}

struct fiber *fiber_spawn(void (*fn)(void *), void *arg, size_t stack_size)
{
	struct fiber *f = fiber_new(fn, arg, stack_size);

	if (!f)
		return NULL;
	if (!fiber_stack_alloc(f)) {
		free(f);
		return NULL;
	}
	fiber_commit(f);
	fiber_make_ready(f);
	return f;
}

void fiber_discard(struct fiber *f)
{
	if (f->painted) {
		size_t used = fiber_stack_used(f);
		if (used > S->stats.max_stack_used)
			S->stats.max_stack_used = used;
	}
	fiber_stack_free(f);
	free(f);
	S->stats.live--;
	fiber_heap_trim(S->stats.live);
}

void fiber_exit(void)
{
	struct fiber *f = S->current;

	if (!f)
		fiber_fatal("fiber_exit() called outside a fiber");
	f->state = FIBER_DEAD;
	fiber_suspend();
	fiber_fatal("an ended fiber was resumed");
}

/* --- Giving way ---------------------------------------------------------- */

void fiber_yield(void)
{
	struct fiber *f = S->current;

	if (!f) {
		loop_step(0);
		return;
	}
	fiber_make_ready(f);
	fiber_suspend();
}

void fiber_sleep_until(kiln_time_t deadline)
{
	struct fiber *f = S->current;

	if (!f) {
		while (kiln_clock_monotonic() < deadline)
			loop_step(deadline);
		return;
	}
	if (deadline <= kiln_clock_monotonic())
		return;
	f->state = FIBER_SLEEPING;
	fiber_heap_push(f, deadline);
	fiber_suspend();
}

void fiber_run(void)
{
	if (S->current)
		fiber_fatal("fiber_run() called from a fiber");
	while (S->stats.live > 0)
		loop_step(KILN_TIME_NEVER);
}

/* --- Small accessors ------------------------------------------------------ */

struct fiber *fiber_self(void)
{
	return S->current;
}

void fiber_set_name(struct fiber *f, const char *name)
{
	if (f && name)
		f->name = name;
}

void fiber_get_stats(struct fiber_stats *out)
{
	*out = S->stats;
}

void fiber_paint_stacks(bool on)
{
	S->paint = on;
}
