/* string.c: the str* functions of C11 7.24 and POSIX (strnlen, strtok_r, strcasecmp). */
#include <string.h>
#include <ctype.h>
#include <stdint.h>

#include "word.h"

#pragma GCC optimize("no-tree-loop-distribute-patterns")

/* The first byte equal to c or NUL at or after s. It reads whole aligned
 * words, which never cross a page: bytes before s in the first word are
 * forced non-zero first, so neither test can fire on them. */
KLIBC_WORD_READER char *klibc_strchrnul(const char *s, int c)
{
	uintptr_t off = (uintptr_t)s & 7;
	const klibc_aword *w = (const klibc_aword *)(s - off);
	uint64_t pattern = (unsigned char)c * KLIBC_ONES;
	uint64_t before = off != 0 ? (1ull << (8 * off)) - 1 : 0;
	uint64_t v = *w | before, m;

	m = klibc_zero_bytes(v) | klibc_zero_bytes((v ^ pattern) | before);
	while (m == 0) {
		v = *++w;
		m = klibc_zero_bytes(v) | klibc_zero_bytes(v ^ pattern);
	}
	return (char *)w + __builtin_ctzll(m) / 8;
}

KLIBC_WORD_READER size_t strlen(const char *s)
{
	uintptr_t off = (uintptr_t)s & 7;
	const klibc_aword *w = (const klibc_aword *)(s - off);
	uint64_t m = klibc_zero_bytes(*w | (off != 0 ? (1ull << (8 * off)) - 1 : 0));

	while (m == 0)
		m = klibc_zero_bytes(*++w);
	return (size_t)((const char *)w + __builtin_ctzll(m) / 8 - s);
}

/* Never reads at or past s + max (the string may be an unterminated
 * buffer), but may read aligned words past the NUL, within its page. */
KLIBC_WORD_READER size_t strnlen(const char *s, size_t max)
{
	const char *p = s;

	for (; max > 0 && ((uintptr_t)p & 7) != 0; p++, max--)
		if (*p == '\0')
			return (size_t)(p - s);
	for (; max >= 8; p += 8, max -= 8) {
		uint64_t m = klibc_zero_bytes(*(const klibc_aword *)p);
		if (m != 0)
			return (size_t)(p - s) + __builtin_ctzll(m) / 8;
	}
	for (; max > 0 && *p != '\0'; p++, max--)
		;
	return (size_t)(p - s);
}

int strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++)
		if (*a != *b || *a == '\0')
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

int strcasecmp(const char *a, const char *b)
{
	int d;

	for (;; a++, b++) {
		d = tolower((unsigned char)*a) - tolower((unsigned char)*b);
		if (d != 0 || *a == '\0')
			return d;
	}
}

int strncasecmp(const char *a, const char *b, size_t n)
{
	int d;

	for (; n > 0; n--, a++, b++) {
		d = tolower((unsigned char)*a) - tolower((unsigned char)*b);
		if (d != 0 || *a == '\0')
			return d;
	}
	return 0;
}

char *strcpy(char *restrict dst, const char *restrict src)
{
	return memcpy(dst, src, strlen(src) + 1);
}

char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t k = strnlen(src, n);

	memcpy(dst, src, k);
	memset(dst + k, 0, n - k);
	return dst;
}

char *strcat(char *restrict dst, const char *restrict src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

char *strncat(char *restrict dst, const char *restrict src, size_t n)
{
	char *d = dst + strlen(dst);
	size_t k = strnlen(src, n);

	memcpy(d, src, k);
	d[k] = '\0';
	return dst;
}

char *strchr(const char *s, int c)
{
	char *p = klibc_strchrnul(s, c);

	return *p == (char)c ? p : NULL;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

/* Plain O(n*m) search: kiln's uses are short needles (header names). */
char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return (char *)haystack;
	for (; (haystack = strchr(haystack, *needle)) != NULL; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return NULL;
}

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] != '\0' && strchr(accept, s[n]) != NULL)
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] != '\0' && strchr(reject, s[n]) == NULL)
		n++;
	return n;
}

char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s != '\0' ? (char *)s : NULL;
}

char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save)
{
	char *end;

	if (s == NULL)
		s = *save;
	if (s == NULL)
		return NULL;
	s += strspn(s, delim);
	if (*s == '\0') {
		*save = NULL;
		return NULL;
	}
	end = s + strcspn(s, delim);
	if (*end != '\0')
		*end++ = '\0';
	*save = end;
	return s;
}
