/* mem.c: memcpy, memmove, memset, memcmp, memchr (C11 7.24.2-7.24.6).
 * 32 and 8 bytes a step (word.h says why), then single bytes. */
#include <string.h>
#include <stdint.h>

#include "word.h"

/* The compiler must not turn these loops back into calls to themselves. */
#pragma GCC optimize("no-tree-loop-distribute-patterns")

/* Copies n >= 8 bytes upwards, 32 then 8 bytes a step; the last 8 bytes,
 * loaded before any store, go last (overlapping the step before). Every
 * load precedes the stores that could reach it, so this is also right for
 * overlapping buffers with dst below src. */
static void copy_up(unsigned char *d, const unsigned char *s, size_t n)
{
	uint64_t last = *(const klibc_uword *)(s + n - 8);
	unsigned char *end = d + n - 8;

	for (; n >= 40; d += 32, s += 32, n -= 32) {
		uint64_t a = ((const klibc_uword *)s)[0], b = ((const klibc_uword *)s)[1];
		uint64_t c = ((const klibc_uword *)s)[2], e = ((const klibc_uword *)s)[3];
		((klibc_uword *)d)[0] = a;
		((klibc_uword *)d)[1] = b;
		((klibc_uword *)d)[2] = c;
		((klibc_uword *)d)[3] = e;
	}
	for (; n > 8; d += 8, s += 8, n -= 8)
		*(klibc_uword *)d = *(const klibc_uword *)s;
	*(klibc_uword *)end = last;
}

/* The same downwards from the ends, the first 8 bytes last: right for dst
 * above src. */
static void copy_down(unsigned char *d, const unsigned char *s, size_t n)
{
	uint64_t first = *(const klibc_uword *)s;
	unsigned char *start = d;

	d += n;
	s += n;
	for (; n >= 40; n -= 32) {
		d -= 32, s -= 32;
		uint64_t a = ((const klibc_uword *)s)[0], b = ((const klibc_uword *)s)[1];
		uint64_t c = ((const klibc_uword *)s)[2], e = ((const klibc_uword *)s)[3];
		((klibc_uword *)d)[0] = a;
		((klibc_uword *)d)[1] = b;
		((klibc_uword *)d)[2] = c;
		((klibc_uword *)d)[3] = e;
	}
	for (; n > 8; n -= 8) {
		d -= 8, s -= 8;
		*(klibc_uword *)d = *(const klibc_uword *)s;
	}
	*(klibc_uword *)start = first;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	if (n < 8)
		klibc_copy_short(dst, src, n);
	else
		copy_up(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if (n < 8)
		klibc_copy_short(dst, src, n);
	else if ((uintptr_t)dst - (uintptr_t)src >= n) /* dst below src, or no overlap */
		copy_up(dst, src, n);
	else
		copy_down(dst, src, n);
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t w = (unsigned char)c * KLIBC_ONES;

	for (; n >= 32; d += 32, n -= 32) {
		((klibc_uword *)d)[0] = w;
		((klibc_uword *)d)[1] = w;
		((klibc_uword *)d)[2] = w;
		((klibc_uword *)d)[3] = w;
	}
	for (; n >= 8; d += 8, n -= 8)
		*(klibc_uword *)d = w;
	for (; n > 0; n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	/* Skip equal words, then find the byte that differs. */
	for (; n >= 8 && *(const klibc_uword *)p == *(const klibc_uword *)q; p += 8, q += 8)
		n -= 8;
	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	uint64_t pattern = (unsigned char)c * KLIBC_ONES;

	for (; n >= 8; p += 8, n -= 8) {
		uint64_t m = klibc_zero_bytes(*(const klibc_uword *)p ^ pattern);
		if (m != 0)
			return (void *)(p + __builtin_ctzll(m) / 8);
	}
	for (; n > 0; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}
