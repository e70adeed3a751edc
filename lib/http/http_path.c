/* http_path.c: request path normalisation for lookups (RFC 3986 2.1
 * percent-encoding, 5.2.4 dot segments; refusing instead of clamping). */
#include "http_private.h"

static int hexv(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = http_lower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

int http_path_normalize(struct view in, char *out, size_t cap)
{
	size_t len = 1, seg = 1, i = 1;
	if (cap < 2 || in.len == 0 || in.data[0] != '/')
		return -1;
	out[0] = '/';
	/* One pass: decode into out, and at each '/' (or the end) decide what
	 * the segment just written means. */
	for (;;) {
		int end = i == in.len;
		uint8_t c = end ? '/' : in.data[i];
		if (c == '/') {
			size_t n = len - seg;
			if (n == 1 && out[seg] == '.') {
				len = seg;
			} else if (n == 2 && out[seg] == '.' && out[seg + 1] == '.') {
				if (seg == 1)
					return -1; /* above the root */
				len = seg - 1; /* drop the '/' ending the previous segment */
				while (len > 0 && out[len - 1] != '/')
					len--;
			} else if (n > 0 && !end) {
				if (len + 1 >= cap)
					return -1;
				out[len++] = '/';
			}
			seg = len;
			if (end)
				break;
			i++;
			continue;
		}
		if (c == '%') {
			int h, l;
			if (in.len - i < 3 || (h = hexv(in.data[i + 1])) < 0 ||
			    (l = hexv(in.data[i + 2])) < 0)
				return -1;
			c = (uint8_t)(h << 4 | l);
			if (c == '/')
				return -1; /* an encoded '/' would change the segments */
			i += 3;
		} else {
			i++;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return -1;
		if (len + 1 >= cap)
			return -1;
		out[len++] = (char)c;
	}
	out[len] = 0;
	return 0;
}
