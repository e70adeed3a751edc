/* checksum.c: the Internet checksum (RFC 1071; see include/kiln/checksum.h). */
#include <kiln/checksum.h>

#include <string.h>

/* RFC 1071 2(B): the one's-complement sum is byte-order independent, so the
 * bulk is summed as native (little-endian) 32-bit words into a 64-bit
 * accumulator, eight bytes per step, and the folded result byte-swapped
 * once. General-purpose registers only: this also runs in hvt guests. It
 * is TCP's hottest function on bulk transfers (docs/tcp.md); summing words
 * rather than bytes made it several times faster. */
static uint16_t sum_native(const uint8_t *p, size_t len)
{
	uint64_t s = 0;
	uint32_t a, b;

	while (len >= 8) {
		memcpy(&a, p, 4); /* memcpy: any alignment, one mov on x86 */
		memcpy(&b, p + 4, 4);
		s += (uint64_t)a + b;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&a, p, 4);
		s += a;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t h;
		memcpy(&h, p, 2);
		s += h;
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

uint32_t checksum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint16_t native = sum_native(p, len & ~(size_t)1);
	uint64_t s = sum;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s += (uint16_t)(native << 8 | native >> 8);
#else
	s += native;
#endif
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8; /* an odd last byte, padded with zero */
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t checksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void checksum_complete(uint8_t *l4, size_t len, size_t field)
{
	/* The field's pseudo-header sum joins the rest: the whole, whose
	 * complement is the checksum. */
	uint16_t sum = checksum_fold(checksum_add(0, l4, len));

	if (sum == 0 && field == 6)
		sum = 0xffff;
	l4[field] = (uint8_t)(sum >> 8);
	l4[field + 1] = (uint8_t)sum;
}

uint32_t checksum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}
