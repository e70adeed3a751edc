/* stdlib.h: memory, number conversion, sorting and exit (C11 7.22, a subset).
 * See docs/libc.md.
 *
 * The allocator serves the guest's heap (from the end of the image to below
 * the stack): size-class free lists for small blocks, a coalescing first-fit
 * list for large ones. Every block is 16-byte aligned. free() of a pointer it
 * did not hand out, a double free, or a write past a block's end that it
 * notices (the next block's header is checked on free) ends the appliance
 * with a message and status 255. malloc() returns NULL with errno ENOMEM when
 * the heap is full.
 */
#ifndef KLIBC_STDLIB_H
#define KLIBC_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 2147483647

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);

/* C semantics: base 0 or 2..36, leading space and sign, 0x for base 16/0;
 * ERANGE and the limit on overflow, EINVAL for a bad base. */
long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
int atoi(const char *s);
long atol(const char *s);

int abs(int x);
long labs(long x);
long long llabs(long long x);

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));

/* exit() flushes the console and ends the appliance with status & 255;
 * abort() with status 255. There are no atexit handlers. */
void exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));
/* A kiln appliance has no environment: always NULL. Configuration is boot
 * arguments (argv). */
char *getenv(const char *name);

#endif
