/* http_private.h: helpers shared by lib/http's files (not public). */
#ifndef KILN_HTTP_PRIVATE_H
#define KILN_HTTP_PRIVATE_H

#include <kiln/http.h>

/* tchar (RFC 9110 5.6.2): the characters of tokens (methods, field names). */
static inline int http_tchar(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
	case '-': case '.': case '^': case '_': case '`': case '|': case '~':
		return 1;
	}
	return 0;
}

static inline uint8_t http_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* A hex digit's value, or -1. */
static inline int http_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = http_lower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* v equals the NUL-terminated lower-case s, ignoring ASCII case in v. */
int http_ieq(struct view v, const char *s);

/* Parse a complete head (head_len bytes of p->head: lines each ending in
 * CRLF, the last one empty; the scanner has already refused bare CR/LF)
 * into p->msg. 0, or the error status. */
int http_head_parse(struct http_parser *p, size_t head_len);

/* Decimal digits of x into out (no NUL); returns the count (<= 20). */
size_t http_utoa(uint64_t x, char *out);

#endif
