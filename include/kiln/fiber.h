/* fiber.h: cooperative fibers, so application code reads as straight-line code.
 *
 * A fiber is a function running on its own small stack. It runs until it
 * blocks (wait_on() in wait.h, which every blocking library call such as
 * tcp_read() or udp_recv() uses), yields, sleeps or returns; then the next
 * ready fiber runs. There is no preemption and one core: between two blocking
 * points a fiber's code runs alone, so no locks are needed. The protocol
 * engines stay event-driven (loop.h): they run in the loop, on the main stack,
 * and wake fibers with waitq_wake(). See docs/fibers.md for the design and
 * the measurements behind the numbers below.
 *
 * A typical server:
 *
 *   static void serve(void *arg)            // one fiber per connection
 *   {
 *           struct tcp_conn *c = arg;
 *           while (read_request(c, ...))    // blocks this fiber only
 *                   write_reply(c, ...);
 *           tcp_close(c);
 *   }                                       // returning frees the fiber
 *
 *   int kiln_main(int argc, char **argv)
 *   {
 *           ...
 *           fiber_spawn(accept_loop, listener, 0);
 *           fiber_run();                    // never returns while serving
 *   }
 *
 * Idle connections: a fiber parked in wait_on() keeps its whole stack. A
 * server holding many idle connections (HTTP keep-alive) can instead end the
 * connection's fiber while it is idle and let fiber_spawn_on() start a fresh
 * one when data arrives: an idle connection then costs a fiber record
 * (FIBER_RECORD_BYTES) instead of a stack. docs/fibers.md has the figures.
 *
 * Who runs fibers: the main flow of control (kiln_main, on the platform's own
 * stack) is not a fiber. It runs them by calling fiber_run(), or by blocking
 * in wait_on() itself (a blocking call made by the main flow turns the loop,
 * and ready fibers run after each loop step), or with fiber_yield().
 *
 * Memory: fiber records and stacks come from malloc() (guarded stacks on
 * unix are mappings of their own, see fiber_guard_pages) and go back when a
 * fiber ends. Nothing stays allocated while no fiber exists, except, on
 * unix, the 64 KiB alternate signal stack of the guard-page fault report.
 */
#ifndef KILN_FIBER_H
#define KILN_FIBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kiln/loop.h> /* KILN_TIME_NEVER */
#include <kiln/platform.h>
#include <kiln/wait.h>

/* --- Limits (docs/fibers.md, "Stack size") ------------------------------ */

/* The stack a fiber gets when fiber_spawn() is given 0 (docs/fibers.md,
 * "Stack size", has the measurements, all by painting stacks). lib/http
 * serving a file from a kv store in a fiber, its read blocking in wait_on():
 * 2.0 KiB deep in an hvt guest, 3.9 KiB on unix (glibc), 6.9 KiB under ASan.
 * The TCP/IPv4/Ethernet send path below a write adds ~1 KiB on hvt
 * (-fstack-usage). A heavier synthetic handler (a 64-field table and a
 * response record on its own stack, glibc snprintf) reached 7.0 KiB on unix.
 *   - hvt: 8 KiB, ~2.7x the www path; every byte of a guest's stacks is
 *     memory of its small budget;
 *   - unix: 16 KiB. Stacks there are mappings of which only touched pages
 *     become resident (a parked fiber costs ~4 KiB whatever its size), so
 *     headroom is nearly free; glibc is hungrier (snprintf 3.3 KiB, and
 *     fprintf to an unbuffered stream puts an 8 KiB buffer on the stack);
 *   - AddressSanitizer builds: 32 KiB; redzones took the synthetic handler
 *     to 9.0 KiB. */
#if defined(__SANITIZE_ADDRESS__)
#define FIBER_STACK_DEFAULT (32u * 1024)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_STACK_DEFAULT (32u * 1024)
#endif
#endif
#ifndef FIBER_STACK_DEFAULT
#if defined(KILN_TARGET_HVT)
#define FIBER_STACK_DEFAULT (8u * 1024)
#else
#define FIBER_STACK_DEFAULT (16u * 1024)
#endif
#endif

/* Smaller stacks are raised to this: the switch frame, the wait_on() frame
 * and one small call fit in it, with room for the overflow canary. */
#define FIBER_STACK_MIN (2u * 1024)

/* Larger requests fail: a fiber needing more than this is better written as
 * the main flow, and the limit keeps a size computed from bad input from
 * asking the allocator for gigabytes. */
#define FIBER_STACK_MAX (8u * 1024 * 1024)

/* The lowest FIBER_CANARY_BYTES of every stack hold a known pattern, checked
 * each time the fiber switches out; a fiber that wrote over it is reported
 * by name and the appliance aborts. Four words catch a frame that overran
 * the end by a little as well as one that overran by one word. */
#define FIBER_CANARY_BYTES 32u

/* Fibers that wake or yield to one another leave fibers ready after a
 * round; the scheduler runs up to this many rounds before it lets the loop
 * poll the devices again. Each poll is a system call on unix and a
 * hypercall (a VM exit) on hvt: with 8, a yield between two fibers went
 * from 226 to 53 ns on unix and from 582 to 280 us on this machine's
 * software hypervisor (tests/fiber, fibdemo). 8 rounds also bound how long
 * device input waits behind fibers that keep each other busy. */
#define FIBER_ROUNDS_PER_POLL 8

/* --- Fibers -------------------------------------------------------------- */

struct fiber; /* opaque; valid until the fiber ends */

/* Start fn(arg) in a new fiber with a stack of stack_size bytes (0 for
 * FIBER_STACK_DEFAULT; rounded up to 16 bytes, or to the page size where the
 * stack has a guard page). It is ready, and runs when the scheduler next
 * runs ready fibers (not before fiber_spawn() returns). Returns NULL when
 * memory is short or stack_size exceeds FIBER_STACK_MAX. fn returning ends
 * the fiber as fiber_exit() does. May be called from fibers and the main
 * flow; not from an interrupt (there are none). */
struct fiber *fiber_spawn(void (*fn)(void *), void *arg, size_t stack_size);

/* Start fn(arg) in a new fiber once q is woken (waitq_wake) or the monotonic
 * deadline passes (KILN_TIME_NEVER for no deadline), whichever is first;
 * until then the fiber is dormant and has no stack: it costs its record
 * only (FIBER_RECORD_BYTES). fn learns which happened by re-checking its
 * condition (as every waiter does: a wake is a hint) or the clock. The
 * stack is allocated when the fiber first runs; if memory is short then,
 * the start is retried every FIBER_RETRY_NS and counted in
 * fiber_stats.stack_alloc_failed. Returns NULL when memory is short now.
 * q must stay valid until the fiber starts: whoever frees a queue wakes it
 * first (as for any waiter); q may be NULL to start fn at the deadline. */
struct fiber *fiber_spawn_on(struct waitq *q, kiln_time_t deadline,
			     void (*fn)(void *), void *arg, size_t stack_size);

/* Let every other ready fiber run, then continue. From the main flow: poll
 * the devices once (loop_step(0)) and run the ready fibers. */
void fiber_yield(void);

/* Block the calling fiber until the monotonic clock reaches deadline; others
 * run meanwhile. A deadline already passed returns at once (without
 * yielding). From the main flow: turns the loop until the deadline. */
void fiber_sleep_until(kiln_time_t deadline);

/* The running fiber, or NULL in the main flow. */
struct fiber *fiber_self(void);

/* End the calling fiber: its stack and record go back to the allocator
 * once it has switched away. Calling it from the main flow is a bug: the
 * appliance aborts with a message. */
void fiber_exit(void) __attribute__((noreturn));

/* The scheduler's main loop, called by the main flow: runs ready fibers,
 * then turns the event loop (loop_step) until a device is ready, a source's
 * deadline passes or the earliest sleeping fiber's deadline comes, and
 * repeats. Returns when no fiber is left (a server's fibers never all end, so
 * for a server it never returns). Calling it from a fiber aborts. */
void fiber_run(void);

/* A name for messages (the overflow report). name is not copied: pass a
 * string that outlives the fiber. The default is "fiber". */
void fiber_set_name(struct fiber *f, const char *name);

/* Stacks on the unix target get a guard page below them (each stack is its
 * own mapping, the page under it PROT_NONE), so any overflow faults at once
 * instead of corrupting memory; the canary is then not needed. A SIGSEGV
 * handler (on an alternate signal stack) reports such a fault with the
 * fiber's name and aborts; other faults go to whatever handled them before.
 * On by default there, except under AddressSanitizer, which must see stacks
 * in its heap (docs/fibers.md). If the host refuses the mapping (two per
 * stack count against vm.max_map_count, 65530 by default), the stack comes
 * from malloc with the canary alone. Affects fibers spawned afterwards;
 * ignored on hvt, where stacks always come from malloc. */
void fiber_guard_pages(bool on);

/* --- Statistics and measurement ------------------------------------------ */

/* A dormant fiber (fiber_spawn_on) costs its record: this many bytes plus the
 * allocator's header. Checked by a static assert in lib/fiber. */
#define FIBER_RECORD_BYTES 160u

/* How long a fiber whose stack could not be allocated waits before the
 * scheduler tries again (1 ms: long enough not to spin, short enough that
 * a transient shortage costs little latency). */
#define FIBER_RETRY_NS 1000000ull

struct fiber_stats {
	size_t live;               /* fibers spawned and not yet ended */
	size_t dormant;            /* of those, waiting without a stack */
	size_t stack_bytes;        /* bytes of stack allocated now (with guards) */
	uint64_t spawned;          /* fibers ever spawned */
	uint64_t switches;         /* switches into fibers */
	uint64_t stack_alloc_failed; /* dormant fibers whose start was deferred */
	size_t max_stack_used;     /* deepest use of any ended fiber's stack, in
				      bytes, while painting is on; else 0 */
};

void fiber_get_stats(struct fiber_stats *out);

/* Fill each new stack with a pattern so that fiber_stack_used() and
 * max_stack_used can tell how deep it was used. Costs a memset of the whole
 * stack at spawn (and makes all of it resident): for measurement, off by
 * default. */
void fiber_paint_stacks(bool on);

/* Bytes of f's stack used so far (the deepest point reached), if it was
 * painted at spawn; 0 otherwise. */
size_t fiber_stack_used(const struct fiber *f);

/* The lowest byte and the size of f's stack (the canary is at *lo), for
 * debuggers and fault handlers that want to say which fiber a faulting
 * address belongs to. False for a dormant fiber, which has no stack yet. */
bool fiber_stack_bounds(const struct fiber *f, void **lo, size_t *size);

#endif
