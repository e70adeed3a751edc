/* ipv4_addr.c: dotted-quad addresses and prefixes (RFC 791 3.2, RFC 4632). */
#include <kiln/ipv4.h>

bool ipv4_parse_addr(const char *s, uint32_t *addr)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		/* At most 3 digits: the loop is bounded by the format, not the input. */
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return false;
		a = a << 8 | v;
		if (part < 3 && *s++ != '.')
			return false;
	}
	if (*s)
		return false;
	*addr = a;
	return true;
}

static char *put_uint(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

char *ipv4_format_addr(uint32_t a, char buf[16])
{
	char *p = buf;
	for (int shift = 24; shift >= 0; shift -= 8) {
		p = put_uint(p, a >> shift & 0xff);
		if (shift)
			*p++ = '.';
	}
	*p = 0;
	return buf;
}

uint32_t ipv4_prefix_mask(unsigned prefix_len)
{
	if (prefix_len == 0)
		return 0;
	if (prefix_len >= 32)
		return 0xffffffff;
	return 0xffffffffu << (32 - prefix_len);
}
