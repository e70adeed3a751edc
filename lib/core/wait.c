/* wait.c: wait queues (see include/kiln/wait.h). */
#include <kiln/loop.h>
#include <kiln/wait.h>

#include <stddef.h>

bool (*wait_park_hook)(struct waiter *w, kiln_time_t deadline);
void (*wait_wake_hook)(struct waiter *w);

static void waitq_unlink(struct waitq *q, struct waiter *w)
{
	for (struct waiter **p = &q->head; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			return;
		}
}

void waitq_enqueue(struct waitq *q, struct waiter *w)
{
	struct waiter **tail = &q->head;

	w->next = NULL;
	w->q = q;
	w->woken = false;
	while (*tail)
		tail = &(*tail)->next;
	*tail = w;
}

void waitq_cancel(struct waiter *w)
{
	if (w->q)
		waitq_unlink(w->q, w);
}

bool wait_on(struct waitq *q, kiln_time_t deadline)
{
	struct waiter w = {.next = NULL, .q = q, .woken = false, .fiber = NULL};

	waitq_enqueue(q, &w);
	if (wait_park_hook && wait_park_hook(&w, deadline)) {
		/* parked and resumed by lib/fiber */
	} else {
		while (!w.woken && kiln_clock_monotonic() < deadline)
			loop_step(deadline);
	}
	if (!w.woken)
		waitq_unlink(q, &w);
	return w.woken;
}

void waitq_wake(struct waitq *q)
{
	struct waiter *w = q->head;
	q->head = NULL;
	while (w) {
		struct waiter *next = w->next;
		w->woken = true;
		w->next = NULL;
		if (w->fiber && wait_wake_hook)
			wait_wake_hook(w);
		w = next;
	}
}
