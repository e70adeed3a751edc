/* http_client.c: one request out, its response in (RFC 9112 3, 6.3, 9.3),
 * over the same struct http_io and parser as the server. */
#include "http_private.h"

#include <string.h>

void http_client_init(struct http_client *cl, const struct http_io *io, void *io_ctx,
		      uint64_t max_body)
{
	cl->io = io;
	cl->io_ctx = io_ctx;
	cl->rlen = cl->roff = 0;
	cl->reusable = 1;
	http_parser_init(&cl->parser, HTTP_RESPONSE, max_body);
}

static int write_all(struct http_client *cl, const void *data, size_t len)
{
	const uint8_t *p = data;
	while (len) {
		long n = cl->io->write(cl->io_ctx, p, len);
		if (n <= 0 || (size_t)n > len)
			return -1;
		p += n, len -= (size_t)n;
	}
	return 0;
}

/* No CR, LF or other controls: a caller's string must not inject lines. */
static int clean(const char *s, int allow_space)
{
	for (; *s; s++)
		if ((uint8_t)*s < 0x20 || (uint8_t)*s == 0x7f || (!allow_space && *s == ' '))
			return 0;
	return 1;
}

/* The request goes out through a small buffer (a fiber's stack is small),
 * flushed when full: one write for a typical request. */
struct out {
	struct http_client *cl;
	uint8_t buf[512];
	size_t n;
	int err;
};

static void put(struct out *o, const void *data, size_t len)
{
	const uint8_t *p = data;
	while (len && !o->err) {
		size_t k = sizeof(o->buf) - o->n;
		if (k > len)
			k = len;
		memcpy(o->buf + o->n, p, k);
		o->n += k, p += k, len -= k;
		if (o->n == sizeof(o->buf)) {
			o->err = write_all(o->cl, o->buf, o->n);
			o->n = 0;
		}
	}
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static int send_request(struct http_client *cl, const struct http_client_request *rq)
{
	struct out o = {.cl = cl};
	char num[20];
	size_t fl = rq->fields ? strlen(rq->fields) : 0;
	int has_body = rq->body.len || !strcmp(rq->method, "POST") || !strcmp(rq->method, "PUT") ||
		       !strcmp(rq->method, "PATCH");
	if (!*rq->method || !*rq->target || !clean(rq->method, 0) || !clean(rq->target, 0) ||
	    !clean(rq->host, 1))
		return -1;
	for (const char *m = rq->method; *m; m++)
		if (!http_tchar((uint8_t)*m))
			return -1;
	if (fl && (fl < 2 || memcmp(rq->fields + fl - 2, "\r\n", 2) != 0))
		return -1;
	puts_(&o, rq->method);
	puts_(&o, " ");
	puts_(&o, rq->target);
	puts_(&o, " HTTP/1.1\r\nHost: ");
	puts_(&o, rq->host);
	puts_(&o, "\r\n");
	put(&o, rq->fields, fl);
	if (has_body) {
		puts_(&o, "Content-Length: ");
		put(&o, num, http_utoa(rq->body.len, num));
		puts_(&o, "\r\n");
	}
	if (rq->close)
		puts_(&o, "Connection: close\r\n");
	puts_(&o, "\r\n");
	/* A small body rides in the same write as the head. */
	if (rq->body.len && rq->body.len <= sizeof(o.buf) - o.n)
		put(&o, rq->body.data, rq->body.len);
	else if (rq->body.len) {
		if (!o.err && o.n)
			o.err = write_all(cl, o.buf, o.n);
		o.n = 0;
		if (!o.err)
			o.err = write_all(cl, rq->body.data, rq->body.len);
	}
	if (!o.err && o.n)
		o.err = write_all(cl, o.buf, o.n);
	return o.err ? -1 : 0;
}

int http_client_exchange(struct http_client *cl, const struct http_client_request *rq,
			 http_body_fn fn, void *arg)
{
	struct http_parser *p = &cl->parser;
	int head_only = strcmp(rq->method, "HEAD") == 0, interim = 0;
	if (!cl->reusable || send_request(cl, rq) < 0) {
		cl->reusable = 0;
		return -1;
	}
	p->no_body = head_only;
	/* Each turn consumes input, reports an event or blocks in read(). */
	for (;;) {
		enum http_event ev;
		struct view body;
		size_t used;
		if (cl->roff == cl->rlen && http_parser_needs_input(p)) {
			long n = cl->io->read(cl->io_ctx, cl->rbuf, sizeof(cl->rbuf));
			if (n < 0 || (size_t)n > sizeof(cl->rbuf))
				break;
			if (n == 0) {
				/* End of stream: completes a close-delimited body. */
				if (http_parser_eof(p) != HTTP_EV_END)
					break;
				cl->reusable = 0;
				return 0;
			}
			cl->rlen = (size_t)n;
			cl->roff = 0;
		}
		used = http_parser_push(p, view_make(cl->rbuf + cl->roff, cl->rlen - cl->roff), &ev,
					&body);
		cl->roff += used;
		switch (ev) {
		case HTTP_EV_MORE:
			break;
		case HTTP_EV_HEAD:
			interim = p->msg.status / 100 == 1;
			break;
		case HTTP_EV_BODY:
			if (!interim && fn && fn(arg, body) != 0)
				goto fail;
			break;
		case HTTP_EV_END:
			if (interim) { /* 100 Continue and the like: the real one follows */
				interim = 0;
				p->no_body = head_only;
				break;
			}
			cl->reusable = p->msg.keep_alive;
			return 0;
		case HTTP_EV_ERROR:
			goto fail;
		}
	}
fail:
	cl->reusable = 0;
	return -1;
}
