/* sha256.h: SHA-256 (FIPS 180-4) for kiln-crunch's content digests. */
#ifndef KILN_CRUNCH_SHA256_H
#define KILN_CRUNCH_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t total;     /* bytes hashed so far */
	uint8_t block[64];  /* a partial block */
	size_t fill;        /* bytes in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* One call: out = SHA-256(data). */
void sha256(const void *data, size_t len, uint8_t out[32]);

#endif
