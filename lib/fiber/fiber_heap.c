/* fiber_heap.c: the min-heap of fibers waiting for a deadline (see fiber_impl.h).
 *
 * A binary heap with each fiber's slot kept in the fiber, so that a fiber
 * woken before its deadline leaves it in O(log n): with 10,000 idle
 * connections each holding a timeout, a sorted list would make every park or
 * wake walk thousands of entries. The array holds at most one slot per live
 * fiber; fiber_heap_reserve() grows it at spawn, where failure can still be
 * reported, so that parking never allocates.
 */
#include "fiber_impl.h"

#include <stdlib.h>
#include <string.h>

#define S (&fiber_sched)

bool fiber_heap_reserve(size_t n)
{
	struct fiber **h;
	size_t cap;

	if (n <= S->heap_cap)
		return true;
	cap = S->heap_cap ? S->heap_cap : 16;
	while (cap < n)
		cap *= 2;
	/* malloc + copy rather than realloc: the least a libc must offer. */
	h = malloc(cap * sizeof(*h));
	if (!h)
		return false;
	if (S->heap_len)
		memcpy(h, S->heap, S->heap_len * sizeof(*h));
	free(S->heap);
	S->heap = h;
	S->heap_cap = cap;
	return true;
}

void fiber_heap_trim(size_t live)
{
	struct fiber **h;
	size_t cap = S->heap_cap;

	if (cap <= 16 || live * 4 >= cap)
		return;
	while (cap > 16 && live * 4 < cap)
		cap /= 2;
	h = malloc(cap * sizeof(*h));
	if (!h)
		return;
	if (S->heap_len) /* heap_len <= live <= cap */
		memcpy(h, S->heap, S->heap_len * sizeof(*h));
	free(S->heap);
	S->heap = h;
	S->heap_cap = cap;
}

void fiber_heap_release(void)
{
	free(S->heap);
	S->heap = NULL;
	S->heap_cap = S->heap_len = 0;
}

static void place(struct fiber *f, size_t i)
{
	S->heap[i] = f;
	f->heap_index = i;
}

static void sift_up(size_t i)
{
	struct fiber *f = S->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (S->heap[parent]->deadline <= f->deadline)
			break;
		place(S->heap[parent], i);
		i = parent;
	}
	place(f, i);
}

static void sift_down(size_t i)
{
	struct fiber *f = S->heap[i];
	size_t n = S->heap_len;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && S->heap[c + 1]->deadline < S->heap[c]->deadline)
			c++;
		if (f->deadline <= S->heap[c]->deadline)
			break;
		place(S->heap[c], i);
		i = c;
	}
	place(f, i);
}

void fiber_heap_push(struct fiber *f, kiln_time_t deadline)
{
	if (S->heap_len >= S->heap_cap)
		fiber_fatal("deadline heap full (reserve missed)");
	f->deadline = deadline;
	place(f, S->heap_len++);
	sift_up(f->heap_index);
}

void fiber_heap_remove(struct fiber *f)
{
	size_t i = f->heap_index;
	struct fiber *last;

	if (i == FIBER_NOT_IN_HEAP)
		return;
	f->heap_index = FIBER_NOT_IN_HEAP;
	last = S->heap[--S->heap_len];
	if (last == f)
		return;
	place(last, i);
	if (i > 0 && S->heap[(i - 1) / 2]->deadline > last->deadline)
		sift_up(i);
	else
		sift_down(i);
}

struct fiber *fiber_heap_min(void)
{
	return S->heap_len ? S->heap[0] : NULL;
}
