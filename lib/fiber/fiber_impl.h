/* fiber_impl.h: lib/fiber's private state, shared by its files (see include/kiln/fiber.h). */
#ifndef KILN_FIBER_IMPL_H
#define KILN_FIBER_IMPL_H

#include <kiln/fiber.h>
#include <kiln/loop.h>
#include <kiln/wait.h>

enum fiber_state {
	FIBER_READY,    /* on the ready queue */
	FIBER_RUNNING,  /* the current fiber */
	FIBER_PARKED,   /* in wait_on(): on a waitq, and on the heap if it has a deadline */
	FIBER_SLEEPING, /* in fiber_sleep_until(): on the heap */
	FIBER_DORMANT,  /* fiber_spawn_on(): on a waitq and/or the heap, no stack yet */
	FIBER_DEAD      /* exited; freed by the scheduler once switched away */
};

#define FIBER_NOT_IN_HEAP SIZE_MAX

struct fiber {
	void *sp;              /* saved stack pointer while switched out */
	unsigned char *stack;  /* lowest usable byte (the canary); NULL while dormant */
	void *alloc;           /* what malloc returned for the stack */
	size_t stack_size;     /* usable bytes from stack up */
	size_t alloc_size;     /* bytes allocated, guard page included */
	void (*fn)(void *);
	void *arg;
	const char *name;
	uint64_t id;
	struct fiber *next_ready;
	size_t heap_index;     /* FIBER_NOT_IN_HEAP or its slot in the deadline heap */
	kiln_time_t deadline;
	struct waiter dormant_waiter; /* a dormant fiber's place on its waitq */
	void *asan_fake_stack;
	uint8_t state;         /* enum fiber_state */
	bool painted;
	bool guarded;          /* the page below stack is PROT_NONE */
	unsigned vg_stack;     /* valgrind's id for the stack (unix), else 0 */
};

/* The scheduler's state (one core: one scheduler). */
struct fiber_sched {
	struct fiber *current;     /* NULL in the main flow */
	struct fiber *ready_head, *ready_tail;
	size_t ready_count;
	struct fiber **heap;       /* min-heap on deadline */
	size_t heap_len, heap_cap;
	bool installed;            /* hooks set and loop source added */
	bool in_round;             /* run_round() is on the stack */
	bool paint;
	struct fiber_stats stats;
	struct loop_source src;
};

extern struct fiber_sched fiber_sched;

/* fiber_heap.c: deadline min-heap. fiber_heap_reserve makes room for n. */
bool fiber_heap_reserve(size_t n);
void fiber_heap_push(struct fiber *f, kiln_time_t deadline);
void fiber_heap_remove(struct fiber *f);
struct fiber *fiber_heap_min(void);
void fiber_heap_release(void);
/* Halve the array while fewer than a quarter of it could be used (live
 * fibers), so a burst of 10,000 connections does not keep 80 KB for ever;
 * the gap between growing (full) and shrinking (a quarter) keeps a steady
 * load from reallocating back and forth. Failure to allocate keeps it. */
void fiber_heap_trim(size_t live);

/* fiber_stack.c: stacks, canary, painting, the overflow report. */
bool fiber_stack_alloc(struct fiber *f);
void fiber_stack_free(struct fiber *f);
bool fiber_canary_ok(const struct fiber *f);
void fiber_overflow_abort(const struct fiber *f) __attribute__((noreturn));
void fiber_fatal(const char *what) __attribute__((noreturn));
/* fiber_guard.c (unix): report faults on a guard page by the fiber's name. */
void fiber_guard_handler_install(void);
size_t fiber_stack_align(size_t size, bool *ok);

/* fiber.c */
void fiber_make_ready(struct fiber *f);
void fiber_suspend(void);   /* the current fiber switches to the scheduler */
void fiber_install(void);
struct fiber *fiber_new(void (*fn)(void *), void *arg, size_t stack_size);
void fiber_discard(struct fiber *f);
void fiber_commit(struct fiber *f); /* count it live, give it an id */
bool fiber_park_hook(struct waiter *w, kiln_time_t deadline);
void fiber_wake_hook(struct waiter *w);

/* switch.S. Saves the callee-saved registers (and on unix MXCSR and the x87
 * control word) on the current stack, stores the stack pointer in *save,
 * and resumes the context whose stack pointer is to. */
void kiln_fiber_switch(void **save, void *to);
/* Where a new fiber's first switch returns to: calls fiber_entry(). */
void kiln_fiber_trampoline(void);
void fiber_entry(void) __attribute__((noreturn));
/* Build the initial switch frame at the top of [lo, lo + size): returns the
 * stack pointer for kiln_fiber_switch. */
void *fiber_initial_frame(unsigned char *lo, size_t size);

/* AddressSanitizer must be told about stack switches. */
#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif
#ifndef FIBER_ASAN
#define FIBER_ASAN 0
#endif

#if FIBER_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
				     size_t *size_old);
#define FIBER_NO_ASAN __attribute__((no_sanitize_address))
#else
#define FIBER_NO_ASAN
#endif

#endif
