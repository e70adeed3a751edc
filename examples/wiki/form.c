/* form.c: application/x-www-form-urlencoded fields (HTML 5.2 4.10.21.6):
 * name=value pairs separated by '&', '+' for space, %XX escapes. */
#include <string.h>

#include "wiki.h"

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode src into out; false if it does not fit (a NUL is kept room for). */
static bool decode(struct view src, char *out, size_t cap, size_t *len)
{
	size_t n = 0;
	for (size_t i = 0; i < src.len; i++) {
		uint8_t c = src.data[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%' && i + 2 < src.len && hexval(src.data[i + 1]) >= 0 &&
			   hexval(src.data[i + 2]) >= 0) {
			c = (uint8_t)(hexval(src.data[i + 1]) << 4 | hexval(src.data[i + 2]));
			i += 2;
		}
		if (n + 1 >= cap)
			return false;
		out[n++] = (char)c;
	}
	out[n] = 0;
	if (len)
		*len = n;
	return true;
}

bool wiki_form_field(struct view form, const char *name, char *out, size_t cap, size_t *len)
{
	size_t nl = strlen(name), pos = 0;
	while (pos <= form.len) {
		const uint8_t *amp = memchr(form.data + pos, '&', form.len - pos);
		size_t end = amp ? (size_t)(amp - form.data) : form.len;
		struct view pair = view_make(form.data + pos, end - pos);
		if (pair.len > nl && !memcmp(pair.data, name, nl) && pair.data[nl] == '=')
			return decode(view_make(pair.data + nl + 1, pair.len - nl - 1), out, cap, len);
		if (!amp)
			break;
		pos = end + 1;
	}
	return false;
}
