/* http_response.c: building and sending responses (RFC 9112 4, 6, 7.1;
 * RFC 9110 6.6 Date and Server). */
#include "http_conn_private.h"

#include <string.h>

size_t http_utoa(uint64_t x, char *out)
{
	char tmp[20];
	size_t n = 0, i;
	do {
		tmp[n++] = (char)('0' + x % 10);
		x /= 10;
	} while (x);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

const char *http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	}
	return "";
}

int http_conn_flush(struct http_conn *c)
{
	size_t off = 0;
	while (off < c->wlen && !c->failed) {
		long n = c->io->write(c->io_ctx, c->wbuf + off, c->wlen - off);
		if (n <= 0 || (size_t)n > c->wlen - off) {
			c->failed = 1;
			c->srv->stats.io_errors++;
			break;
		}
		off += (size_t)n;
	}
	c->wlen = 0;
	return c->failed ? -1 : 0;
}

int http_conn_out(struct http_conn *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t room = sizeof(c->wbuf) - c->wlen;
	if (c->failed)
		return -1;
	if (len <= room) {
		memcpy(c->wbuf + c->wlen, p, len);
		c->wlen += len;
		return 0;
	}
	/* Top the buffer up first, so a head and the start of its body leave
	 * in one write (a lone small head segment invites Nagle/delayed-ACK
	 * stalls). */
	memcpy(c->wbuf + c->wlen, p, room);
	c->wlen += room;
	p += room, len -= room;
	if (http_conn_flush(c) < 0)
		return -1;
	if (len <= sizeof(c->wbuf) / 2) {
		memcpy(c->wbuf, p, len);
		c->wlen = len;
		return 0;
	}
	while (len) { /* large: straight from the caller's bytes, no copy */
		long n = c->io->write(c->io_ctx, p, len);
		if (n <= 0 || (size_t)n > len) {
			c->failed = 1;
			c->srv->stats.io_errors++;
			return -1;
		}
		p += n, len -= (size_t)n;
	}
	return 0;
}

static void put(struct http_conn *c, const char *s)
{
	http_conn_out(c, s, strlen(s));
}

static void put_num(struct http_conn *c, uint64_t x)
{
	char d[20];
	http_conn_out(c, d, http_utoa(x, d));
}

static const char *date_now(struct http_server *s)
{
	uint64_t sec;
	if (!s->now)
		return NULL;
	sec = s->now() / 1000000000ull;
	if (sec != s->date_sec || !s->date[0]) {
		http_date_format(sec, s->date);
		s->date_sec = sec;
	}
	return s->date;
}

/* Written piece by piece into the connection's output buffer (no head
 * buffer on the stack: handlers run on small fiber stacks). */
int http_conn_head(struct http_conn *c, int status, const char *etag, const char *fields,
		   size_t fields_len, int framing, uint64_t length)
{
	const char *date = date_now(c->srv);
	struct http_stats *st = &c->srv->stats;
	switch (status / 100) {
	case 2: st->responses_2xx++; break;
	case 3: st->responses_3xx++; break;
	case 4: st->responses_4xx++; break;
	case 5: st->responses_5xx++; break;
	}
	put(c, "HTTP/1.1 ");
	put_num(c, (uint64_t)status);
	put(c, " ");
	put(c, http_reason(status));
	put(c, "\r\n");
	if (c->srv->name) {
		put(c, "Server: ");
		put(c, c->srv->name);
		put(c, "\r\n");
	}
	if (date) {
		put(c, "Date: ");
		put(c, date);
		put(c, "\r\n");
	}
	if (etag && etag[0]) {
		put(c, "ETag: ");
		put(c, etag);
		put(c, "\r\n");
	}
	http_conn_out(c, fields, fields_len);
	if (framing == HTTP_BODY_LENGTH) {
		put(c, "Content-Length: ");
		put_num(c, length);
		put(c, "\r\n");
	} else if (framing == HTTP_BODY_CHUNKED) {
		put(c, "Transfer-Encoding: chunked\r\n");
	}
	if (c->close_after)
		put(c, "Connection: close\r\n");
	else if (c->parser.msg.version == 10)
		put(c, "Connection: keep-alive\r\n");
	put(c, "\r\n");
	return c->failed ? -1 : 0;
}

void http_response_status(struct http_response *r, int status)
{
	r->status = status;
}

int http_response_field(struct http_response *r, const char *name, const char *value)
{
	static const char *const reserved[] = {"content-length", "transfer-encoding",
					       "connection", "date", "server", "etag"};
	size_t nl = strlen(name), vl = strlen(value);
	struct view n = view_make(name, nl);
	if (nl == 0 || r->started)
		return -1;
	for (size_t i = 0; i < nl; i++)
		if (!http_tchar((uint8_t)name[i]))
			return -1;
	for (size_t i = 0; i < vl; i++) {
		uint8_t ch = (uint8_t)value[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return -1;
	}
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (http_ieq(n, reserved[i]))
			return -1;
	if (nl + vl + 4 > sizeof(r->fields) - r->fields_len) {
		r->fields_overflow = 1;
		return -1;
	}
	memcpy(r->fields + r->fields_len, name, nl);
	r->fields_len += nl;
	memcpy(r->fields + r->fields_len, ": ", 2);
	r->fields_len += 2;
	memcpy(r->fields + r->fields_len, value, vl);
	r->fields_len += vl;
	memcpy(r->fields + r->fields_len, "\r\n", 2);
	r->fields_len += 2;
	return 0;
}

void http_response_etag(struct http_response *r, const char *etag)
{
	size_t n = strlen(etag);
	if (n >= sizeof(r->etag))
		return; /* no tag rather than a truncated one */
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)etag[i] < 0x21 || (uint8_t)etag[i] == 0x7f)
			return;
	memcpy(r->etag, etag, n + 1);
}

void http_response_body(struct http_response *r, struct view body)
{
	r->body = body;
	r->has_body = 1;
}

void http_response_length(struct http_response *r, uint64_t length)
{
	if (!r->started) {
		r->length = length;
		r->has_length = 1;
	}
}

/* No body in HEAD responses, 1xx, 204, 304 (RFC 9110 9.3.2, 15.3.5, 15.4.5). */
static int bodiless(const struct http_response *r, const struct http_conn *c)
{
	return c->parser.msg.method_id == HTTP_M_HEAD || r->status / 100 == 1 ||
	       r->status == 204 || r->status == 304;
}

int http_response_write(struct http_response *r, const void *data, size_t len)
{
	struct http_conn *c = r->conn;
	if (c->failed)
		return -1;
	if (!r->started) {
		int framing;
		r->started = 1;
		if (r->fields_overflow)
			r->status = 500;
		if (r->has_length) {
			framing = HTTP_BODY_LENGTH;
		} else if (c->parser.msg.version == 11) {
			framing = HTTP_BODY_CHUNKED;
			r->chunked = 1;
		} else {
			framing = HTTP_BODY_CLOSE; /* HTTP/1.0: no chunked coding */
			c->close_after = 1;
		}
		if (bodiless(r, c))
			r->chunked = 0;
		if (http_conn_head(c, r->status, r->etag, r->fields, r->fields_len, framing,
				   r->length) < 0)
			return -1;
	}
	if (bodiless(r, c) || len == 0)
		return 0;
	r->written += len;
	if (r->has_length && r->written > r->length) {
		c->close_after = 1; /* more than declared: the framing is broken */
		return -1;
	}
	if (r->chunked) {
		static const char hex[] = "0123456789abcdef";
		char line[20];
		size_t n = 0;
		for (int sh = 60; sh >= 0; sh -= 4)
			if (n || ((len >> sh) & 15) || sh == 0)
				line[n++] = hex[(len >> sh) & 15];
		line[n++] = '\r', line[n++] = '\n';
		if (http_conn_out(c, line, n) < 0 || http_conn_out(c, data, len) < 0 ||
		    http_conn_out(c, "\r\n", 2) < 0)
			return -1;
		return 0;
	}
	return http_conn_out(c, data, len);
}
