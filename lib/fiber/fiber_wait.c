/* fiber_wait.c: wait_on() parks fibers; dormant fibers start on a wake (see include/kiln/wait.h, fiber.h). */
#include "fiber_impl.h"

#define S (&fiber_sched)

/* wait_park_hook: a fiber calling wait_on() parks here; the main flow gets
 * false and turns the loop itself. */
bool fiber_park_hook(struct waiter *w, kiln_time_t deadline)
{
	struct fiber *f = S->current;

	if (!f)
		return false;
	/* A deadline already passed times out without a switch; wait_on()
	 * unlinks the waiter. */
	if (deadline != KILN_TIME_NEVER && deadline <= kiln_clock_monotonic())
		return true;
	w->fiber = f;
	f->state = FIBER_PARKED;
	if (deadline != KILN_TIME_NEVER)
		fiber_heap_push(f, deadline);
	fiber_suspend();
	/* Woken (the wake hook left the heap) or timed out (sched_time did). */
	w->fiber = NULL;
	return true;
}

/* wait_wake_hook: waitq_wake() found a fiber's waiter. A fiber already made
 * ready by its deadline stays as it is: it will see w->woken. */
void fiber_wake_hook(struct waiter *w)
{
	struct fiber *f = w->fiber;

	if (f->state == FIBER_PARKED ||
	    (f->state == FIBER_DORMANT && w == &f->dormant_waiter)) {
		fiber_heap_remove(f);
		fiber_make_ready(f);
	}
}

struct fiber *fiber_spawn_on(struct waitq *q, kiln_time_t deadline,
			     void (*fn)(void *), void *arg, size_t stack_size)
{
	struct fiber *f = fiber_new(fn, arg, stack_size);

	if (!f)
		return NULL;
	f->state = FIBER_DORMANT;
	f->dormant_waiter.fiber = f;
	f->dormant_waiter.q = NULL;
	S->stats.dormant++;
	fiber_commit(f);
	if (q)
		waitq_enqueue(q, &f->dormant_waiter);
	if (deadline != KILN_TIME_NEVER)
		fiber_heap_push(f, deadline);
	else if (!q)
		fiber_make_ready(f); /* nothing to wait for: start at once */
	return f;
}
