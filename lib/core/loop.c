/* loop.c: the event loop (see include/kiln/loop.h). */
#include <kiln/loop.h>

#include <stddef.h>

static struct loop_source *sources;
void (*loop_after_step)(void);

void loop_add(struct loop_source *src)
{
	src->next = sources;
	sources = src;
}

void loop_remove(struct loop_source *src)
{
	for (struct loop_source **p = &sources; *p; p = &(*p)->next)
		if (*p == src) {
			*p = src->next;
			return;
		}
}

kiln_time_t loop_step(kiln_time_t deadline)
{
	kiln_handle_set_t ready = 0;
	kiln_time_t now;
	struct loop_source *s, *next;

	for (s = sources; s; s = s->next)
		if (s->next_deadline) {
			kiln_time_t d = s->next_deadline(s);
			if (d < deadline)
				deadline = d;
		}
	kiln_yield(deadline, &ready);
	/* A callback may remove its own source: keep the next one first. */
	for (s = sources; s && ready; s = next) {
		next = s->next;
		if (s->has_handle && (ready >> s->handle & 1) && s->on_ready)
			s->on_ready(s);
	}
	now = kiln_clock_monotonic();
	for (s = sources; s; s = next) {
		next = s->next;
		if (s->on_time && s->next_deadline && s->next_deadline(s) <= now)
			s->on_time(s, now);
	}
	if (loop_after_step)
		loop_after_step();
	return now;
}
