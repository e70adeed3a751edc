/* word.h: word-at-a-time helpers for the string and memory functions; private to libc.
 *
 * Each guest instruction costs about 1 us on this machine's hypervisor
 * (measured: a one-line snprintf ran ~750 instructions in ~840 us) and a
 * `rep movsb` byte about as much, so touching 8 bytes per instruction
 * instead of one matters more here than anywhere. */
#ifndef KLIBC_WORD_H
#define KLIBC_WORD_H

#include <stddef.h>
#include <stdint.h>

/* A 64-bit word that may alias anything and sit at any address. */
typedef uint64_t __attribute__((may_alias, aligned(1))) klibc_uword;
/* The same, known to be 8-byte aligned. */
typedef uint64_t __attribute__((may_alias)) klibc_aword;

#define KLIBC_ONES 0x0101010101010101ull
#define KLIBC_HIGHS 0x8080808080808080ull

/* A mask with bit 7 of each zero byte of v set; the lowest set bit is
 * exact (higher ones may be false positives after a zero byte). */
static inline uint64_t klibc_zero_bytes(uint64_t v)
{
	return (v - KLIBC_ONES) & ~v & KLIBC_HIGHS;
}

/* Functions that read whole aligned words may read past the end of a
 * string, never past its page: AddressSanitizer (host tests) must not
 * object to those bytes. */
#define KLIBC_WORD_READER __attribute__((no_sanitize_address))

typedef uint32_t __attribute__((may_alias, aligned(1))) klibc_u32;
typedef uint16_t __attribute__((may_alias, aligned(1))) klibc_u16;

/* Copies n <= 16 bytes with at most two loads and two stores, which may
 * overlap each other; both loads come first, so the buffers may overlap. */
static inline void klibc_copy_short(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (n >= 8) {
		uint64_t a = *(const klibc_uword *)s, b = *(const klibc_uword *)(s + n - 8);
		*(klibc_uword *)d = a;
		*(klibc_uword *)(d + n - 8) = b;
	} else if (n >= 4) {
		uint32_t a = *(const klibc_u32 *)s, b = *(const klibc_u32 *)(s + n - 4);
		*(klibc_u32 *)d = a;
		*(klibc_u32 *)(d + n - 4) = b;
	} else if (n >= 2) {
		uint16_t a = *(const klibc_u16 *)s, b = *(const klibc_u16 *)(s + n - 2);
		*(klibc_u16 *)d = a;
		*(klibc_u16 *)(d + n - 2) = b;
	} else if (n == 1) {
		*d = *s;
	}
}

/* The first c or NUL at or after s (GNU strchrnul; string.c). */
char *klibc_strchrnul(const char *s, int c);

#endif
