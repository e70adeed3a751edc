/* entropy.c: kiln_entropy (include/kiln/platform.h): RDRAND when the CPU has it,
 * else the jitter of TSC readings, which are emulated here like every guest
 * instruction and so vary with host scheduling, folded through a 64-bit
 * mixing function. */
#include <string.h>

#include <kiln/platform.h>

#include "hvt.h"

/* MurmurHash3's 64-bit finaliser: every input bit reaches every output bit. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

/* Eight readings per word: each differs from the last by a trap's length. */
#define JITTER_READS 8

static uint64_t jitter_word(uint64_t state)
{
	for (int i = 0; i < JITTER_READS; i++)
		state = mix(state ^ hvt_rdtsc());
	return state;
}

void kiln_entropy(void *buf, size_t len)
{
	unsigned char *p = buf;
	static uint64_t state = 0x6a09e667f3bcc909ull;

	while (len > 0) {
		uint64_t v;
		size_t n = len < sizeof(v) ? len : sizeof(v);

		if (!hvt_rdrand64(&v))
			v = state = jitter_word(state);
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}
