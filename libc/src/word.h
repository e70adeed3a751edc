/* word.h: word-at-a-time helpers for the string and memory functions; private to libc.
 *
 * Each guest instruction costs about 1 us on this machine's hypervisor
 * (measured: a one-line snprintf ran ~750 instructions in ~840 us) and a
 * `rep movsb` byte about as much, so touching 8 bytes per instruction
 * instead of one matters more here than anywhere. */
#ifndef KLIBC_WORD_H
#define KLIBC_WORD_H

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

/* The first c or NUL at or after s (GNU strchrnul; string.c). */
char *klibc_strchrnul(const char *s, int c);

#endif
