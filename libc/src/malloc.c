/* malloc.c: kiln libc's allocator (C11 7.22.3): size-class free lists for small
 * blocks, a coalescing first-fit free list for large ones. See stdlib.h.
 *
 * The heap is one region (klibc_heap_init) cut into chunks, each starting with
 * a 16-byte header, so every payload is 16-byte aligned. A chunk is USED
 * (handed out), SMALL (freed, waiting in its size class's list) or FREE (in
 * the large pool). Freeing a small chunk is O(1) and it is reused by the next
 * request of its class; when the pool cannot serve a request, every SMALL
 * chunk goes back to the pool and merges with its neighbours (dlmalloc's
 * "consolidate") before the allocator gives up. Two FREE chunks are never
 * adjacent. A chunk knows the size of a FREE chunk before it (prev_units),
 * which is how free() merges backwards without footers.
 */
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>

#include <kiln_libc.h>

#define UNIT 16u                 /* header size and alignment of every payload */
#define MIN_UNITS 2u             /* header + the two free-list links */
#define SMALL_MAX_UNITS 32u      /* chunks up to 512 bytes use size classes */
#define CHUNK_MAGIC 0x6b6c6e31u  /* "kln1": catches wild pointers and overruns */

enum state { USED = 1, SMALL = 2, FREE = 3 };
#define PREV_FREE 0x100u         /* the chunk before this one is FREE */
#define STATE_MASK 0xffu

struct chunk {
	uint32_t magic;
	uint32_t units;      /* size of the chunk in UNITs, header included */
	uint32_t flags;      /* enum state | PREV_FREE */
	uint32_t prev_units; /* size of the chunk before, valid with PREV_FREE */
	struct chunk *next;  /* free-list links: payload of a SMALL/FREE chunk */
	struct chunk *prev;
};
_Static_assert(offsetof(struct chunk, next) == UNIT, "payload follows a 16-byte header");

static struct chunk *heap_lo, *heap_end; /* heap_end: the 16-byte end sentinel */
static struct chunk pool = {.next = &pool, .prev = &pool}; /* FREE chunks */
static struct chunk *small[SMALL_MAX_UNITS + 1];           /* SMALL chunks by units */
static size_t used_bytes;

static enum state state_of(const struct chunk *c) { return c->flags & STATE_MASK; }
static void set_state(struct chunk *c, enum state s) { c->flags = (c->flags & ~STATE_MASK) | s; }
static struct chunk *after(struct chunk *c) { return (struct chunk *)((char *)c + (size_t)c->units * UNIT); }
/* The payload starts after the header, inside struct chunk (at its links). */
static void *payload(struct chunk *c) { return (char *)c + UNIT; }
static struct chunk *header(void *p) { return (struct chunk *)((char *)p - UNIT); }

static void fatal(const char *what, const void *p)
{
	fprintf(stderr, "malloc: %s (pointer %p); the heap is corrupt, stopping\n", what, p);
	abort();
}

/* The region klibc_heap_init() recorded; heap_setup() cuts it into the
 * first FREE chunk and the end sentinel on the first malloc(). Lazy, because
 * at boot on hvt every instruction and every newly touched page costs
 * (docs/libc.md): an appliance that never allocates never pays. */
static uintptr_t region_start;
static size_t region_len;
static bool region_given;

void klibc_heap_init(void *start, size_t len)
{
	if (region_given)
		return;
	region_given = true;
	region_start = (uintptr_t)start;
	region_len = len;
}

/* Builds the heap from the recorded region, or the one the platform gives
 * (klibc_heap_region); false if there is none or it is too small. */
static bool heap_setup(void)
{
	uintptr_t lo, hi;
	struct chunk *c;

	if (heap_lo != NULL)
		return true;
	if (!region_given && klibc_heap_region != NULL) {
		void *start;
		size_t len;
		if (klibc_heap_region(&start, &len))
			klibc_heap_init(start, len);
	}
	if (!region_given || region_len > UINTPTR_MAX - region_start)
		return false;
	lo = (region_start + UNIT - 1) & ~(uintptr_t)(UNIT - 1);
	hi = (region_start + region_len) & ~(uintptr_t)(UNIT - 1);
	if (hi < lo + 4 * UNIT)
		return false;
	if ((hi - lo) / UNIT > UINT32_MAX) /* units are 32 bits: 64 GiB */
		hi = lo + (uintptr_t)UINT32_MAX * UNIT;
	heap_lo = c = (struct chunk *)lo;
	heap_end = (struct chunk *)(hi - UNIT);
	*c = (struct chunk){CHUNK_MAGIC, (uint32_t)((hi - UNIT - lo) / UNIT), FREE, 0, &pool, &pool};
	pool.next = pool.prev = c;
	heap_end->magic = CHUNK_MAGIC;
	heap_end->units = 0;
	heap_end->flags = USED | PREV_FREE;
	heap_end->prev_units = c->units;
	return true;
}

static void unlink_free(struct chunk *c)
{
	c->prev->next = c->next;
	c->next->prev = c->prev;
}

/* Puts a chunk that is no longer in use into the pool, merging it with a
 * FREE neighbour on either side. */
static void pool_put(struct chunk *c)
{
	struct chunk *n = after(c);

	if (c->flags & PREV_FREE) {
		struct chunk *p = (struct chunk *)((char *)c - (size_t)c->prev_units * UNIT);
		if (p < heap_lo || p->magic != CHUNK_MAGIC || state_of(p) != FREE)
			fatal("chunk before a freed block is damaged", payload(c));
		unlink_free(p);
		p->units += c->units;
		c->magic = 0;
		c = p;
	}
	if (state_of(n) == FREE) {
		unlink_free(n);
		c->units += n->units;
		n->magic = 0;
	}
	set_state(c, FREE);
	c->next = pool.next;
	c->prev = &pool;
	pool.next->prev = c;
	pool.next = c;
	n = after(c);
	n->flags |= PREV_FREE;
	n->prev_units = c->units;
}

/* Cuts c (USED) down to units, giving the rest back to the pool. */
static void trim(struct chunk *c, uint32_t units)
{
	struct chunk *r;

	if (c->units < units + MIN_UNITS)
		return;
	r = (struct chunk *)((char *)c + (size_t)units * UNIT);
	*r = (struct chunk){CHUNK_MAGIC, c->units - units, USED, 0, NULL, NULL};
	c->units = units;
	pool_put(r);
}

/* First fit from the pool; NULL if nothing is large enough. */
static struct chunk *pool_take(uint32_t units)
{
	for (struct chunk *c = pool.next; c != &pool; c = c->next) {
		if (c->units < units)
			continue;
		unlink_free(c);
		set_state(c, USED);
		after(c)->flags &= ~PREV_FREE;
		trim(c, units);
		return c;
	}
	return NULL;
}

/* Returns every SMALL chunk to the pool, where neighbours merge. */
static void consolidate(void)
{
	for (uint32_t u = MIN_UNITS; u <= SMALL_MAX_UNITS; u++) {
		while (small[u] != NULL) {
			struct chunk *c = small[u];
			small[u] = c->next;
			pool_put(c);
		}
	}
}

static uint32_t units_for(size_t size)
{
	size_t u = (size + UNIT - 1) / UNIT + 1;

	return u < MIN_UNITS ? MIN_UNITS : (uint32_t)u;
}

void *malloc(size_t size)
{
	struct chunk *c;
	uint32_t u;

	if (size > (size_t)UINT32_MAX * UNIT / 2 || (heap_lo == NULL && !heap_setup())) {
		errno = ENOMEM;
		return NULL;
	}
	u = units_for(size);
	if (u <= SMALL_MAX_UNITS && small[u] != NULL) {
		c = small[u];
		if (c->magic != CHUNK_MAGIC || state_of(c) != SMALL)
			fatal("a freed block was written to (use after free?)", payload(c));
		small[u] = c->next;
		set_state(c, USED);
	} else if ((c = pool_take(u)) == NULL) {
		consolidate();
		if ((c = pool_take(u)) == NULL) {
			errno = ENOMEM;
			return NULL;
		}
	}
	used_bytes += (size_t)c->units * UNIT;
	return payload(c);
}

/* The chunk of a pointer malloc returned, or a fatal error. */
static struct chunk *chunk_of(void *p)
{
	struct chunk *c = header(p);

	if (((uintptr_t)p & (UNIT - 1)) != 0 || c < heap_lo || c >= heap_end ||
	    c->magic != CHUNK_MAGIC)
		fatal("free/realloc of a pointer malloc did not return", p);
	if (state_of(c) != USED)
		fatal("double free", p);
	if (after(c) > heap_end || after(c)->magic != CHUNK_MAGIC)
		fatal("write past the end of a block", p);
	return c;
}

void free(void *p)
{
	struct chunk *c;

	if (p == NULL)
		return;
	c = chunk_of(p);
	used_bytes -= (size_t)c->units * UNIT;
	if (c->units <= SMALL_MAX_UNITS) {
		set_state(c, SMALL);
		c->next = small[c->units];
		small[c->units] = c;
	} else {
		pool_put(c);
	}
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > (size_t)-1 / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *p, size_t size)
{
	struct chunk *c, *n;
	uint32_t u;
	void *q;

	if (p == NULL)
		return malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	c = chunk_of(p);
	if (size > (size_t)UINT32_MAX * UNIT / 2) {
		errno = ENOMEM;
		return NULL;
	}
	u = units_for(size);
	if (u <= c->units) {
		/* Shrinking a large block gives its tail back. */
		if (c->units > SMALL_MAX_UNITS) {
			used_bytes -= (size_t)c->units * UNIT;
			trim(c, u);
			used_bytes += (size_t)c->units * UNIT;
		}
		return p;
	}
	n = after(c);
	if (state_of(n) == FREE && c->units + n->units >= u) {
		/* Grow in place into the free chunk after it. */
		used_bytes -= (size_t)c->units * UNIT;
		unlink_free(n);
		c->units += n->units;
		n->magic = 0;
		after(c)->flags &= ~PREV_FREE;
		trim(c, u);
		used_bytes += (size_t)c->units * UNIT;
		return p;
	}
	q = malloc(size);
	if (q == NULL)
		return NULL;
	memcpy(q, p, (size_t)(c->units - 1) * UNIT);
	free(p);
	return q;
}

void *aligned_alloc(size_t align, size_t size)
{
	char *p, *a;
	struct chunk *c, *ac;

	if (align == 0 || (align & (align - 1)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	if (align <= UNIT)
		return malloc(size);
	if (size > (size_t)UINT32_MAX * UNIT / 4 || align > (size_t)UINT32_MAX * UNIT / 4) {
		errno = ENOMEM;
		return NULL;
	}
	/* Room for a leading piece of at least MIN_UNITS to give back. */
	p = malloc(size + align + MIN_UNITS * UNIT);
	if (p == NULL)
		return NULL;
	a = (char *)(((uintptr_t)p + MIN_UNITS * UNIT + align - 1) & ~(uintptr_t)(align - 1));
	if (((uintptr_t)p & (align - 1)) == 0)
		a = p;
	c = header(p);
	used_bytes -= (size_t)c->units * UNIT;
	if (a != p) {
		uint32_t lead = (uint32_t)((size_t)(a - p) / UNIT);
		ac = header(a);
		*ac = (struct chunk){CHUNK_MAGIC, c->units - lead, USED, 0, NULL, NULL};
		c->units = lead;
		pool_put(c); /* marks ac PREV_FREE */
		c = ac;
	}
	trim(c, units_for(size));
	used_bytes += (size_t)c->units * UNIT;
	return a;
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	p = aligned_alloc(align, size);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

size_t klibc_heap_used(void)
{
	return used_bytes;
}

size_t klibc_heap_free(void)
{
	if (!heap_setup())
		return 0;
	return (size_t)((char *)heap_end - (char *)heap_lo) - used_bytes;
}
