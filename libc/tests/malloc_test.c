/* malloc_test.c: kiln libc's allocator under random load, with contents and overlap checked,
 * plus its errors: double free, overrun, out of memory (libc/src/malloc.c). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "klibc.h"

#define HEAP_SIZE (32u << 20)

static void setup(void)
{
	static void *heap;
	if (heap == NULL) {
		heap = aligned_alloc(4096, HEAP_SIZE);
		klibc_heap_init(heap, HEAP_SIZE);
	}
}

struct slot {
	unsigned char *p;
	size_t size;
};

static unsigned rng(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ull;
	x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	return (unsigned)(x >> 16);
}

static size_t random_size(void)
{
	unsigned r = rng() % 100;
	if (r < 70)
		return rng() % 200;          /* mostly small, as kiln's libraries allocate */
	if (r < 95)
		return rng() % 4096;
	return rng() % (256 * 1024);
}

static int by_address(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return (x->p > y->p) - (x->p < y->p);
}

/* Every live block still holds its fill byte, and no two overlap. */
static int heap_consistent(struct slot *s, size_t n)
{
	static struct slot sorted[2000];
	size_t live = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i].p == NULL)
			continue;
		for (size_t k = 0; k < s[i].size; k++)
			if (s[i].p[k] != (unsigned char)(i ^ s[i].size))
				return 0;
		sorted[live++] = s[i];
	}
	qsort(sorted, live, sizeof(sorted[0]), by_address);
	for (size_t i = 1; i < live; i++)
		if (sorted[i - 1].p + sorted[i - 1].size > sorted[i].p)
			return 0;
	return 1;
}

TEST(random_load)
{
	static struct slot s[2000];
	setup();
	size_t before = klibc_heap_used();
	for (int op = 0; op < 40000; op++) {
		size_t i = rng() % 2000;
		if (s[i].p != NULL && rng() % 4 == 0) {
			/* realloc keeps the contents up to the smaller size */
			size_t n = random_size(), keep = n < s[i].size ? n : s[i].size;
			unsigned char *q = klibc_realloc(s[i].p, n == 0 ? 1 : n);
			CHECK(q != NULL);
			for (size_t k = 0; k < keep; k++)
				CHECK(q[k] == (unsigned char)(i ^ s[i].size));
			s[i].p = q;
			s[i].size = n;
			memset(q, (unsigned char)(i ^ n), n);
		} else if (s[i].p != NULL) {
			klibc_free(s[i].p);
			s[i].p = NULL;
		} else {
			s[i].size = random_size();
			s[i].p = klibc_malloc(s[i].size);
			CHECK(s[i].p != NULL);
			CHECK(((uintptr_t)s[i].p & 15) == 0);
			memset(s[i].p, (unsigned char)(i ^ s[i].size), s[i].size);
		}
		if (op % 1000 == 0)
			CHECK(heap_consistent(s, 2000));
	}
	CHECK(heap_consistent(s, 2000));
	for (size_t i = 0; i < 2000; i++) {
		klibc_free(s[i].p);
		s[i].p = NULL;
	}
	CHECK_EQ(klibc_heap_used(), before);
}

TEST(many_small_then_one_big)
{
	static void *p[20000];
	setup();
	size_t before = klibc_heap_used();
	for (int i = 0; i < 20000; i++) {
		p[i] = klibc_malloc(1 + i % 100);
		CHECK(p[i] != NULL);
	}
	for (int i = 0; i < 20000; i++)
		klibc_free(p[i]);
	/* The small blocks went back to their size classes; a request for most
	 * of the heap must merge them all back. */
	size_t big = klibc_heap_free() - 4096;
	void *q = klibc_malloc(big);
	CHECK(q != NULL);
	klibc_free(q);
	CHECK_EQ(klibc_heap_used(), before);
}

TEST(out_of_memory)
{
	setup();
	klibc_errno = 0;
	CHECK(klibc_malloc(HEAP_SIZE) == NULL);
	CHECK_EQ(klibc_errno, ENOMEM);
	CHECK(klibc_malloc(SIZE_MAX) == NULL);
	CHECK(klibc_calloc(SIZE_MAX / 2, 4) == NULL);
	void *p = klibc_malloc(1000); /* still works after a failure */
	CHECK(p != NULL);
	klibc_free(p);
}

TEST(calloc_and_aligned)
{
	setup();
	unsigned char *p = klibc_malloc(300);
	memset(p, 0xaa, 300);
	klibc_free(p);
	p = klibc_calloc(30, 10); /* likely the same block: must be zero again */
	CHECK(p != NULL);
	for (int i = 0; i < 300; i++)
		CHECK_EQ(p[i], 0);
	klibc_free(p);
	for (size_t align = 1; align <= 8192; align *= 2) {
		void *q = klibc_aligned_alloc(align, 100);
		CHECK(q != NULL);
		CHECK(((uintptr_t)q & (align - 1)) == 0);
		memset(q, 1, 100);
		klibc_free(q);
	}
	void *q;
	CHECK_EQ(klibc_posix_memalign(&q, 64, 10), 0);
	CHECK(((uintptr_t)q & 63) == 0);
	klibc_free(q);
	CHECK_EQ(klibc_posix_memalign(&q, 3, 10), EINVAL);
	CHECK(klibc_aligned_alloc(24, 10) == NULL);
}

/* Runs fn in a child; returns its exit status and what it printed. */
static int in_child(void (*fn)(void), char *out, size_t size)
{
	int fd[2];
	if (pipe(fd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		fn();
		_exit(0);
	}
	close(fd[1]);
	ssize_t n = read(fd[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void double_free(void)
{
	void *p = klibc_malloc(40);
	klibc_free(p);
	klibc_free(p);
}

static void overrun(void)
{
	char *p = klibc_malloc(40);
	memset(p, 'x', 64); /* 48-byte payload: the next header is hit */
	klibc_free(p);
}

static void wild_free(void)
{
	static char not_heap[64];
	klibc_free(not_heap + 16);
}

TEST(errors_stop_the_appliance)
{
	char out[512];
	setup();
	CHECK_EQ(in_child(double_free, out, sizeof(out)), 255);
	CHECK(strstr(out, "double free") != NULL);
	CHECK_EQ(in_child(overrun, out, sizeof(out)), 255);
	CHECK(strstr(out, "write past the end") != NULL);
	CHECK_EQ(in_child(wild_free, out, sizeof(out)), 255);
	CHECK(strstr(out, "did not return") != NULL);
}

TEST(realloc_shrinks_and_grows_in_place)
{
	setup();
	size_t before = klibc_heap_used();
	unsigned char *p = klibc_malloc(1 << 20);
	CHECK(p != NULL);
	memset(p, 0x5a, 1 << 20);
	unsigned char *q = klibc_realloc(p, 1000);
	CHECK(q == p);                                   /* shrinks where it is */
	CHECK(klibc_heap_used() - before < 2048);        /* and the tail is free again */
	q = klibc_realloc(p, 100000);
	CHECK(q == p);                                   /* grows into that free tail */
	for (int i = 0; i < 1000; i++)
		CHECK_EQ(q[i], 0x5a);
	klibc_free(q);
	CHECK_EQ(klibc_heap_used(), before);
}
