/* fiber_stack.c: fiber stacks: allocation, guard page, canary, painting (see include/kiln/fiber.h, docs/fibers.md). */
#include "fiber_impl.h"

#include <stdlib.h>
#include <string.h>

#if defined(KILN_TARGET_UNIX)
#include <sys/mman.h>
#endif

#if defined(KILN_TARGET_UNIX) && !FIBER_ASAN
#define FIBER_GUARD_DEFAULT true
#else
/* hvt: kiln guests do not manage their page tables. ASan: the allocator's
 * poisoned redzone below each chunk already catches an instrumented store
 * past the end, and LeakSanitizer must see the stacks (it finds pointers
 * held only by a parked fiber in malloc'd stacks, not in private maps). */
#define FIBER_GUARD_DEFAULT false
#endif

/* Under valgrind (unix), stacks are registered so that it follows the
 * switches, and the memory below a stack pointer that the canary check and
 * painting read is marked defined first (it is: kiln wrote it). The
 * requests cost a few instructions outside valgrind. */
#if defined(KILN_TARGET_UNIX) && defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>
#define FIBER_VALGRIND 1
#endif
#endif
#ifndef FIBER_VALGRIND
#define VALGRIND_STACK_REGISTER(lo, hi) 0u
#define VALGRIND_STACK_DEREGISTER(id) ((void)(id))
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)0)
#endif

#define PAGE 4096u
#define CANARY_WORDS (FIBER_CANARY_BYTES / 8)
#define CANARY_BASE 0x6b696c6e2d666962ull /* "kiln-fib" */
#define PAINT 0xa5a5a5a5a5a5a5a5ull

static bool guard_on = FIBER_GUARD_DEFAULT;

void fiber_guard_pages(bool on)
{
#if defined(KILN_TARGET_UNIX)
	guard_on = on;
#else
	(void)on;
#endif
}

static uint64_t canary_word(const void *at)
{
	return CANARY_BASE ^ (uint64_t)(uintptr_t)at;
}

size_t fiber_stack_align(size_t size, bool *ok)
{
	*ok = true;
	if (size == 0)
		size = FIBER_STACK_DEFAULT;
	if (size > FIBER_STACK_MAX) {
		*ok = false;
		return 0;
	}
	if (size < FIBER_STACK_MIN)
		size = FIBER_STACK_MIN;
	return (size + 15) & ~(size_t)15;
}

/* Guarded stacks (unix) are their own mappings rather than heap memory: a
 * PROT_NONE page inside glibc's heap splits it and strands the fragments
 * posix_memalign leaves around each stack (measured with bench/fiber: 12.3
 * KiB resident per parked 8 KiB fiber that way, 8 KiB with mmap), and
 * munmap returns the pages to the host at once. Only touched pages become
 * resident. */
static void *guarded_map(size_t size)
{
#if defined(KILN_TARGET_UNIX)
	void *p = mmap(NULL, size + PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, PAGE, PROT_NONE) != 0) {
		munmap(p, size + PAGE);
		return NULL;
	}
	fiber_guard_handler_install();
	return p;
#else
	(void)size;
	return NULL;
#endif
}

bool fiber_stack_alloc(struct fiber *f)
{
	size_t size = f->stack_size;
	unsigned char *lo;
	uint64_t *canary;

	if (guard_on)
		f->alloc = guarded_map((size + PAGE - 1) & ~(size_t)(PAGE - 1));
	else
		f->alloc = NULL;
	if (f->alloc) {
		size = (size + PAGE - 1) & ~(size_t)(PAGE - 1);
		f->alloc_size = size + PAGE;
		f->guarded = true;
		lo = (unsigned char *)f->alloc + PAGE;
	} else {
		/* No guard wanted, or the host refused the mapping (say
		 * vm.max_map_count, two maps per guarded stack): the heap, with
		 * the canary alone. */
		/* 16 bytes of slack so the stack can start 16-aligned whatever
		 * alignment the allocator gives. */
		f->alloc = malloc(size + 16);
		if (!f->alloc)
			return false;
		f->alloc_size = size + 16;
		f->guarded = false;
		lo = (unsigned char *)(((uintptr_t)f->alloc + 15) & ~(uintptr_t)15);
	}
	f->stack = lo;
	f->stack_size = size;
	f->painted = fiber_sched.paint;
	if (f->painted)
		memset(lo, 0xa5, size);
	/* With a guard page below, the page does the canary's job (any write
	 * past the end faults at once), and leaving the lowest page untouched
	 * keeps it from becoming resident: 4 KiB per idle fiber less. */
	if (!f->guarded) {
		canary = (uint64_t *)(void *)lo;
		for (unsigned i = 0; i < CANARY_WORDS; i++)
			canary[i] = canary_word(&canary[i]);
	}
	f->sp = fiber_initial_frame(lo, size);
	f->vg_stack = VALGRIND_STACK_REGISTER(lo, lo + size);
	fiber_sched.stats.stack_bytes += f->alloc_size;
	return true;
}

void fiber_stack_free(struct fiber *f)
{
	if (!f->alloc)
		return;
	fiber_sched.stats.stack_bytes -= f->alloc_size;
	VALGRIND_STACK_DEREGISTER(f->vg_stack);
#if defined(KILN_TARGET_UNIX)
	if (f->guarded) {
		if (munmap(f->alloc, f->alloc_size) != 0)
			fiber_fatal("cannot unmap a fiber stack");
	} else
#endif
		free(f->alloc);
	f->alloc = NULL;
	f->stack = NULL;
}

/* The frame switch.S expects (see the layout there): MXCSR and x87 control
 * word at their power-on defaults (all exceptions masked, round to nearest),
 * callee-saved registers zero, and kiln_fiber_trampoline as the return
 * address, so that after the first switch's ret rsp is 16-byte aligned. The
 * 16 bytes above stay zero: a null return address for stack walkers. */
void *fiber_initial_frame(unsigned char *lo, size_t size)
{
	uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
	uint64_t *frame = (uint64_t *)(top - 16 - 64);

	frame[0] = 0x0000037f00001f80ull;
	for (int i = 1; i < 7; i++)
		frame[i] = 0;
	frame[7] = (uint64_t)(uintptr_t)kiln_fiber_trampoline;
	frame[8] = 0;
	frame[9] = 0;
	return frame;
}

/* Read without ASan checks: the words lie in the fiber's stack, where ASan
 * may still hold redzones of frames that never returned (a fiber that
 * switched away or exited from inside them). */
FIBER_NO_ASAN bool fiber_canary_ok(const struct fiber *f)
{
	const volatile uint64_t *canary = (const volatile uint64_t *)(const void *)f->stack;

	bool ok = true;

	if (f->guarded)
		return true;
	/* below every stack pointer, so memcheck holds the words undefined */
	VALGRIND_MAKE_MEM_DEFINED(f->stack, FIBER_CANARY_BYTES);
	for (unsigned i = 0; i < CANARY_WORDS; i++)
		if (canary[i] != canary_word((const void *)&canary[i]))
			ok = false;
	return ok;
}

bool fiber_stack_bounds(const struct fiber *f, void **lo, size_t *size)
{
	if (!f || !f->stack)
		return false;
	*lo = f->stack;
	*size = f->stack_size;
	return true;
}

FIBER_NO_ASAN size_t fiber_stack_used(const struct fiber *f)
{
	const volatile uint64_t *w, *end;

	if (!f || !f->stack || !f->painted)
		return 0;
	w = (const volatile uint64_t *)(const void *)(f->stack + FIBER_CANARY_BYTES);
	end = (const volatile uint64_t *)(const void *)(f->stack + f->stack_size);
	VALGRIND_MAKE_MEM_DEFINED(f->stack, f->stack_size);
	while (w < end && *w == PAINT)
		w++;
	return (size_t)((const unsigned char *)end - (const unsigned char *)w);
}

/* --- Messages: no printf, so this works before and without a libc's. --- */

static void put(const char *s)
{
	kiln_console_write(s, strlen(s));
}

static void put_u64(uint64_t v, unsigned base)
{
	char buf[24], *p = buf + sizeof(buf);
	*--p = 0;
	do {
		*--p = "0123456789abcdef"[v % base];
		v /= base;
	} while (v && p > buf + 2);
	if (base == 16) {
		*--p = 'x';
		*--p = '0';
	}
	put(p);
}

void fiber_fatal(const char *what)
{
	put("kiln: fiber: ");
	put(what);
	put("\n");
	kiln_abort();
}

void fiber_overflow_abort(const struct fiber *f)
{
	put("kiln: fiber \"");
	put(f->name);
	put("\" (#");
	put_u64(f->id, 10);
	put(", fn ");
	put_u64((uint64_t)(uintptr_t)f->fn, 16);
	put(") overflowed its ");
	put_u64(f->stack_size, 10);
	put("-byte stack: the canary at ");
	put_u64((uint64_t)(uintptr_t)f->stack, 16);
	put(" was overwritten; give fiber_spawn() a larger stack_size\n");
	kiln_abort();
}
