/* http_parse.c: the incremental message parser: head collection, then the
 * body by Content-Length, chunked coding or connection close (RFC 9112 2.2,
 * 6, 7.1). */
#include "http_private.h"

#include <string.h>

enum {
	S_HEAD,       /* collecting the head into p->head */
	S_HEAD_DONE,  /* head parsed; the next push starts the body */
	S_LENGTH,     /* p->remaining body bytes */
	S_CHUNK_SIZE, /* hex digits of a chunk-size (sub: digits seen) */
	S_CHUNK_EXT,  /* chunk extensions: skipped to the CR */
	S_CHUNK_LF,   /* the LF ending the chunk-size line */
	S_CHUNK_DATA, /* p->remaining bytes of chunk data */
	S_CHUNK_CR2,  /* CRLF after chunk data (sub: 0 want CR, 1 want LF) */
	S_TRAILER,    /* trailer lines (sub: 0 line start, 1 in line, 2 want
	                 LF ending a line, 3 want LF ending the section) */
	S_CLOSE,      /* body until end of stream */
	S_END,        /* message complete; END not yet reported */
	S_ERROR
};

void http_parser_init(struct http_parser *p, enum http_kind kind, uint64_t max_body)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->max_body = max_body;
	p->state = S_HEAD;
}

int http_parser_needs_input(const struct http_parser *p)
{
	return p->state != S_HEAD_DONE && p->state != S_END && p->state != S_ERROR;
}

int http_parser_idle(const struct http_parser *p)
{
	return p->state == S_HEAD && p->head_len == 0 && p->line_len == 0 && p->sub == 0;
}

int http_parser_in_head(const struct http_parser *p)
{
	return p->state == S_HEAD && !http_parser_idle(p);
}

static size_t fail(struct http_parser *p, int status, size_t used, enum http_event *ev)
{
	p->state = S_ERROR;
	p->error = status;
	*ev = HTTP_EV_ERROR;
	return used;
}

/* Collect head bytes, checking line endings and limits as they arrive so an
 * oversized or malformed head is refused without waiting for its end.
 * sub: 1 after a CR. */
static size_t push_head(struct http_parser *p, struct view in, enum http_event *ev)
{
	int req = p->kind == HTTP_REQUEST, bad = req ? 400 : 502;
	for (size_t i = 0; i < in.len; i++) {
		uint8_t c = in.data[i];
		if (p->sub) {
			if (c != '\n')
				return fail(p, bad, i + 1, ev); /* bare CR */
			p->sub = 0;
			if (p->line_len == 0 && p->lines == 0) {
				/* An empty line before the start line. */
				p->head_len = 0;
				if (++p->empty_lines > HTTP_MAX_EMPTY_LINES)
					return fail(p, bad, i + 1, ev);
				continue;
			}
			if (p->head_len + 2 > HTTP_MAX_HEAD)
				return fail(p, req ? (p->lines ? 431 : 414) : 502, i + 1, ev);
			p->head[p->head_len++] = '\r';
			p->head[p->head_len++] = '\n';
			if (p->line_len == 0) {
				int rc = http_head_parse(p, p->head_len);
				if (rc)
					return fail(p, rc, i + 1, ev);
				p->state = S_HEAD_DONE;
				*ev = HTTP_EV_HEAD;
				return i + 1;
			}
			p->line_len = 0;
			if (++p->lines > HTTP_MAX_FIELDS + 1)
				return fail(p, req ? 431 : 502, i + 1, ev);
			continue;
		}
		if (c == '\r') {
			p->sub = 1;
			continue;
		}
		if (c == '\n')
			return fail(p, bad, i + 1, ev); /* bare LF: see http.h */
		if (++p->line_len > HTTP_MAX_LINE || p->head_len + 1 > HTTP_MAX_HEAD - 2)
			return fail(p, req ? (p->lines ? 431 : 414) : 502, i + 1, ev);
		p->head[p->head_len++] = c;
	}
	*ev = HTTP_EV_MORE;
	return in.len;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = http_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void start_body(struct http_parser *p)
{
	p->body_len = 0;
	p->sub = 0;
	switch (p->msg.framing) {
	case HTTP_BODY_LENGTH:
		p->remaining = p->msg.content_length;
		p->state = S_LENGTH;
		break;
	case HTTP_BODY_CHUNKED:
		p->remaining = 0;
		p->line_len = 0;
		p->state = S_CHUNK_SIZE;
		break;
	case HTTP_BODY_CLOSE:
		p->state = S_CLOSE;
		break;
	default:
		p->state = S_END;
	}
}

/* Hand out up to p->remaining bytes of in as body. */
static size_t body_bytes(struct http_parser *p, struct view in, enum http_event *ev,
			 struct view *body, int next)
{
	size_t n = in.len < p->remaining ? in.len : (size_t)p->remaining;
	*body = view_make(in.data, n);
	p->remaining -= n;
	p->body_len += n;
	if (p->remaining == 0)
		p->state = next, p->sub = 0;
	*ev = n ? HTTP_EV_BODY : HTTP_EV_MORE;
	return n;
}

/* Chunk framing, byte by byte up to the first chunk data or the end. */
static size_t push_chunked(struct http_parser *p, struct view in, enum http_event *ev)
{
	int bad = p->kind == HTTP_REQUEST ? 400 : 502;
	for (size_t i = 0; i < in.len; i++) {
		uint8_t c = in.data[i];
		if (p->state == S_CHUNK_SIZE || p->state == S_CHUNK_EXT) {
			if (++p->line_len > HTTP_MAX_CHUNK_LINE)
				return fail(p, bad, i + 1, ev);
		}
		switch (p->state) {
		case S_CHUNK_SIZE: {
			int h = hexval(c);
			if (h >= 0) {
				/* Refuse before the size can overflow or exceed the
				 * body limit: a 17-digit size is never accepted. */
				uint64_t room = p->max_body - p->body_len;
				if (p->remaining > room / 16 ||
				    (uint64_t)h > room - p->remaining * 16)
					return fail(p, p->kind == HTTP_REQUEST ? 413 : 502, i + 1, ev);
				p->remaining = p->remaining * 16 + h;
				p->sub = 1;
			} else if (!p->sub) {
				return fail(p, bad, i + 1, ev); /* no digits */
			} else if (c == ';' || c == ' ' || c == '\t') {
				p->state = S_CHUNK_EXT;
			} else if (c == '\r') {
				p->state = S_CHUNK_LF;
			} else {
				return fail(p, bad, i + 1, ev);
			}
			break;
		}
		case S_CHUNK_EXT:
			if (c == '\r')
				p->state = S_CHUNK_LF;
			else if ((c < 0x20 && c != '\t') || c == 0x7f)
				return fail(p, bad, i + 1, ev); /* includes bare LF */
			break;
		case S_CHUNK_LF:
			if (c != '\n')
				return fail(p, bad, i + 1, ev);
			p->line_len = 0;
			p->sub = 0;
			if (p->remaining == 0) {
				p->state = S_TRAILER;
				p->trailer_len = 0;
			} else {
				p->state = S_CHUNK_DATA;
				*ev = HTTP_EV_MORE;
				return i + 1; /* the caller hands out the data */
			}
			break;
		case S_CHUNK_CR2:
			if (c != (p->sub ? '\n' : '\r'))
				return fail(p, bad, i + 1, ev);
			if (p->sub) {
				p->state = S_CHUNK_SIZE;
				p->sub = 0;
				p->remaining = 0;
				p->line_len = 0;
			} else {
				p->sub = 1;
			}
			break;
		case S_TRAILER:
			if (++p->trailer_len > HTTP_MAX_TRAILER)
				return fail(p, p->kind == HTTP_REQUEST ? 431 : 502, i + 1, ev);
			if (p->sub == 2 || p->sub == 3) {
				if (c != '\n')
					return fail(p, bad, i + 1, ev);
				if (p->sub == 3) {
					p->state = S_END;
					*ev = HTTP_EV_MORE;
					return i + 1;
				}
				p->sub = 0;
			} else if (c == '\r') {
				p->sub = p->sub == 0 ? 3 : 2;
			} else if (c == '\n' || (c < 0x20 && c != '\t') || c == 0x7f) {
				return fail(p, bad, i + 1, ev);
			} else {
				p->sub = 1;
			}
			break;
		}
	}
	*ev = HTTP_EV_MORE;
	return in.len;
}

size_t http_parser_push(struct http_parser *p, struct view in, enum http_event *ev,
			struct view *body)
{
	size_t used = 0;
	*body = view_make(in.data, 0);
	/* Bounded: each turn either reports an event, or consumes input, or
	 * moves to a state that does one of those. */
	for (int guard = 0; guard < 8; guard++) {
		struct view rest;
		size_t n;
		view_tail(in, used, &rest);
		switch (p->state) {
		case S_HEAD:
			return used + push_head(p, rest, ev);
		case S_HEAD_DONE:
			start_body(p);
			continue;
		case S_LENGTH:
			n = body_bytes(p, rest, ev, body, S_END);
			if (*ev == HTTP_EV_MORE && p->state == S_END)
				continue;
			return used + n;
		case S_CHUNK_DATA:
			return used + body_bytes(p, rest, ev, body, S_CHUNK_CR2);
		case S_CHUNK_SIZE: case S_CHUNK_EXT: case S_CHUNK_LF: case S_CHUNK_CR2:
		case S_TRAILER:
			n = push_chunked(p, rest, ev);
			used += n;
			if (*ev == HTTP_EV_ERROR)
				return used;
			if (p->state == S_CHUNK_DATA || p->state == S_END)
				continue;
			return used;
		case S_CLOSE:
			if (p->kind == HTTP_RESPONSE && rest.len > p->max_body - p->body_len)
				return used + fail(p, 502, 0, ev);
			*body = rest;
			p->body_len += rest.len;
			*ev = rest.len ? HTTP_EV_BODY : HTTP_EV_MORE;
			return used + rest.len;
		case S_END: {
			/* Ready for the next message (pipelining). */
			p->state = S_HEAD;
			p->sub = 0;
			p->head_len = p->line_len = p->lines = p->empty_lines = 0;
			p->no_body = 0;
			*ev = HTTP_EV_END;
			return used;
		}
		default:
			*ev = HTTP_EV_ERROR;
			return used;
		}
	}
	*ev = HTTP_EV_MORE;
	return used;
}

enum http_event http_parser_eof(struct http_parser *p)
{
	if (p->state == S_CLOSE) {
		p->state = S_HEAD;
		p->head_len = p->line_len = p->lines = p->empty_lines = 0;
		p->sub = 0;
		return HTTP_EV_END;
	}
	if (p->state == S_ERROR)
		return HTTP_EV_ERROR;
	if (http_parser_idle(p))
		return HTTP_EV_MORE;
	p->state = S_ERROR;
	p->error = p->kind == HTTP_REQUEST ? 400 : 502;
	return HTTP_EV_ERROR;
}
