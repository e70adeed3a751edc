/* wait.h: blocking without threads, so application code reads straight.
 *
 * A call such as udp_recv() or tcp_read() that has nothing to return yet
 * waits on a wait queue belonging to the socket until the protocol engine,
 * running inside the loop, calls waitq_wake(). What "waiting" means depends
 * on who waits:
 *   - inside a fiber (lib/fiber): the fiber is parked and others run;
 *   - otherwise (an appliance with one flow of control): wait_on() turns the
 *     event loop (loop_step) itself until woken or the deadline passes.
 * So the same library call serves both, and a protocol engine never blocks.
 */
#ifndef KILN_WAIT_H
#define KILN_WAIT_H

#include <stdbool.h>
#include <kiln/platform.h>

struct waiter;

struct waitq {
	struct waiter *head; /* waiters in arrival order */
};

#define WAITQ_INIT {0}

/* Block the caller until waitq_wake() on q or the monotonic deadline
 * (KILN_TIME_NEVER for none). Returns true if woken, false on timeout.
 * Callers re-check their condition in a loop: a wake is a hint. */
bool wait_on(struct waitq *q, kiln_time_t deadline);

/* Make every waiter on q runnable. Safe to call from any loop callback. */
void waitq_wake(struct waitq *q);

/* Hook for lib/fiber. When set, wait_on() calls it first: if the caller is a
 * fiber it parks it until woken or the deadline, then returns true; if not
 * (the main flow), it returns false and wait_on() turns the loop itself.
 * NULL without fibers. */
extern bool (*wait_park_hook)(struct waiter *w, kiln_time_t deadline);

/* The record a waiter keeps on its own stack while it waits. */
struct waiter {
	struct waiter *next;
	struct waitq *q;
	bool woken;
	void *fiber; /* the parked fiber, set by lib/fiber; NULL otherwise */
};

/* Called by lib/fiber when a parked fiber's waiter is woken (may be NULL). */
extern void (*wait_wake_hook)(struct waiter *w);

/* For waiters that do not block in wait_on(), such as lib/fiber's dormant
 * fibers (fiber_spawn_on), whose waiter lives in a heap record instead of on
 * a stack. waitq_enqueue() puts w (next, q, woken and fiber set by it, except
 * fiber, which the caller sets) at the tail of q; waitq_wake() then treats it
 * like any other waiter. waitq_cancel() takes w off its queue again if it is
 * still there (it is not once woken); harmless otherwise. */
void waitq_enqueue(struct waitq *q, struct waiter *w);
void waitq_cancel(struct waiter *w);

#endif
