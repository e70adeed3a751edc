/* pattern.c: the deterministic content of the www appliance's /bytes/N (www.h). */
#include "www.h"

void www_pattern(uint8_t *buf, uint64_t off, size_t len)
{
	unsigned m64 = (unsigned)(off % 64), m26 = (unsigned)(off % 26);
	for (size_t i = 0; i < len; i++) {
		buf[i] = m64 == 63 ? '\n' : (uint8_t)('a' + m26);
		if (++m64 == 64)
			m64 = 0;
		if (++m26 == 26)
			m26 = 0;
	}
}
