/* pattern.c: the deterministic content of the www appliance's /bytes/N (www.h). */
#include "www.h"

#include <string.h>

/* One period, made on first use; a byte at a time per request would cost
 * more than the TCP stack that sends it. */
static const uint8_t *period(void)
{
	static uint8_t p[WWW_PATTERN_PERIOD];
	static bool made;

	if (!made) {
		for (unsigned i = 0; i < WWW_PATTERN_PERIOD; i++)
			p[i] = i % 64 == 63 ? '\n' : (uint8_t)('a' + i % 26);
		made = true;
	}
	return p;
}

void www_pattern(uint8_t *buf, uint64_t off, size_t len)
{
	const uint8_t *p = period();
	size_t at = (size_t)(off % WWW_PATTERN_PERIOD);

	while (len) {
		size_t k = WWW_PATTERN_PERIOD - at < len ? WWW_PATTERN_PERIOD - at : len;
		memcpy(buf, p + at, k);
		buf += k;
		len -= k;
		at = 0;
	}
}
