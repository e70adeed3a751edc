/* loop.h: the appliance's one event loop.
 *
 * kiln has one core, no interrupts and no threads (design.md, "No hidden
 * work"). Protocol engines are event-driven: they register an event source
 * with the loop, and the loop calls them when their device has input and
 * when their next deadline passes. Nothing runs behind the application's
 * back: the loop turns only inside loop_step(), which blocking calls (wait.h)
 * and the fiber scheduler call when they have nothing else to do.
 *
 * An event source is embedded in the engine's own state (no allocation):
 *
 *   struct my_engine { struct loop_source src; ... };
 *   e->src.name = "net0"; e->src.handle = h; e->src.has_handle = true;
 *   e->src.on_ready = my_input;     // drain the device; must not block
 *   e->src.next_deadline = my_deadline; e->src.on_time = my_timers;
 *   loop_add(&e->src);
 */
#ifndef KILN_LOOP_H
#define KILN_LOOP_H

#include <stdbool.h>
#include <kiln/platform.h>

#define KILN_TIME_NEVER UINT64_MAX

struct loop_source {
	const char *name;
	/* The platform device this source reads, if any. */
	kiln_handle_t handle;
	bool has_handle;
	/* Called when the device has input. Reads until KILN_AGAIN or a bound. */
	void (*on_ready)(struct loop_source *src);
	/* The earliest monotonic time at which on_time must run, or
	 * KILN_TIME_NEVER. Called once per loop step; keep it cheap. */
	kiln_time_t (*next_deadline)(struct loop_source *src);
	/* Called once the deadline has passed, with the current time. */
	void (*on_time)(struct loop_source *src, kiln_time_t now);
	struct loop_source *next; /* the loop's own list */
};

/* Register src (fields above set; any callback may be NULL). */
void loop_add(struct loop_source *src);
/* Unregister src; harmless if it is not registered. */
void loop_remove(struct loop_source *src);

/* One turn of the loop: sleep in kiln_yield() until a device is ready or the
 * earliest of deadline and every source's next deadline, then call on_ready
 * for each ready device and on_time for each source whose deadline passed.
 * With deadline 0 it polls without sleeping. Returns the time after. */
kiln_time_t loop_step(kiln_time_t deadline);

/* Called after each step; set by the fiber scheduler (lib/fiber) so that
 * woken fibers run. NULL when there are no fibers. */
extern void (*loop_after_step)(void);

#endif
