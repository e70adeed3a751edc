/* http_server.c: the server connection: read, parse, route, answer, in
 * order (RFC 9112 9.3 persistence and pipelining; RFC 9110 13.1.2 and
 * 15.5.6 for 304 and 405). */
#include "http_conn_private.h"

#include <stddef.h>
#include <string.h>

void http_conn_init(struct http_conn *c, struct http_server *srv, const struct http_io *io,
		    void *io_ctx, void *body, size_t body_cap)
{
	/* Not memset: the 8 KiB of buffers need no clearing. */
	c->rlen = c->roff = c->wlen = c->body_len = 0;
	c->failed = c->close_after = c->return_when_idle = 0;
	c->srv = srv;
	c->io = io;
	c->io_ctx = io_ctx;
	c->body = body;
	c->body_cap = body ? body_cap : 0;
	http_parser_init(&c->parser, HTTP_REQUEST, c->body_cap);
}

int http_request_field(const struct http_request *req, const char *name, struct view *value)
{
	return http_message_field(req->msg, name, value);
}

static int bodiless_status(int status)
{
	return status / 100 == 1 || status == 204 || status == 304;
}

/* Remove the field lines named name (lower-case) from r's fields. */
static void fields_drop(struct http_response *r, const char *name)
{
	size_t i = 0, n = strlen(name);
	while (i < r->fields_len) {
		size_t e = i;
		while (e + 1 < r->fields_len && !(r->fields[e] == '\r' && r->fields[e + 1] == '\n'))
			e++;
		e += 2; /* past the CRLF */
		if (e - i > n && r->fields[i + n] == ':' && http_ieq(view_make(r->fields + i, n), name)) {
			memmove(r->fields + i, r->fields + e, r->fields_len - e);
			r->fields_len -= e - i;
		} else {
			i = e;
		}
	}
}

/* Send a complete response held in r. */
static int send_whole(struct http_conn *c, struct http_response *r)
{
	int head_only = c->parser.msg.method_id == HTTP_M_HEAD;
	size_t len = r->has_body ? r->body.len : 0;
	if (r->status == 304) {
		/* RFC 9110 15.4.5: only the validators and caching fields. */
		fields_drop(r, "content-type");
		fields_drop(r, "content-encoding");
		fields_drop(r, "content-language");
		fields_drop(r, "accept-ranges");
	}
	if (bodiless_status(r->status))
		return http_conn_head(c, r->status, r->etag, r->fields, r->fields_len,
				      HTTP_BODY_NONE, 0);
	/* HEAD: the Content-Length a GET would get (RFC 9110 9.3.2). */
	if (http_conn_head(c, r->status, r->etag, r->fields, r->fields_len, HTTP_BODY_LENGTH,
			   len) < 0)
		return -1;
	if (!head_only && len)
		return http_conn_out(c, r->body.data, len);
	return 0;
}

/* The server's own responses: "404 Not Found\n" as text. */
static int send_error(struct http_conn *c, int status, const char *allow)
{
	static const char type[] = "Content-Type: text/plain; charset=utf-8\r\n";
	char fields[sizeof(type) + 160], text[64];
	const char *reason = http_reason(status);
	size_t fl = sizeof(type) - 1, n = http_utoa((uint64_t)status, text);
	size_t rl = strlen(reason);
	memcpy(fields, type, fl);
	if (allow && strlen(allow) + 9 <= sizeof(fields) - fl) {
		memcpy(fields + fl, "Allow: ", 7);
		memcpy(fields + fl + 7, allow, strlen(allow));
		fl += 7 + strlen(allow);
		memcpy(fields + fl, "\r\n", 2);
		fl += 2;
	}
	text[n++] = ' ';
	if (rl > sizeof(text) - n - 1)
		rl = sizeof(text) - n - 1;
	memcpy(text + n, reason, rl);
	n += rl;
	text[n++] = '\n';
	if (status == 400 || status == 413 || status == 414 || status == 431 || status >= 500)
		c->close_after = 1;
	if (http_conn_head(c, status, NULL, fields, fl, HTTP_BODY_LENGTH, n) < 0)
		return -1;
	return c->parser.msg.method_id == HTTP_M_HEAD ? 0 : http_conn_out(c, text, n);
}

/* Is path under the route prefix (see struct http_route)? */
static int under(const char *prefix, const char *path)
{
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) != 0)
		return 0;
	if (n && prefix[n - 1] == '/')
		return 1;
	return path[n] == 0 || path[n] == '/';
}

static int method_is(struct view m, const char *name)
{
	return m.len == strlen(name) && memcmp(m.data, name, m.len) == 0;
}

/* Append name to the Allow list unless present. */
static void allow_add(char *allow, size_t cap, const char *name)
{
	size_t n = strlen(name), len = strlen(allow);
	for (const char *p = allow; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && memcmp(p, name, n) == 0)
			return;
		p = e ? e + 2 : p + l;
	}
	if (len + n + 3 > cap)
		return;
	if (len)
		memcpy(allow + len, ", ", 2), len += 2;
	memcpy(allow + len, name, n + 1);
}

static const struct http_route *route_for(struct http_conn *c, const char *path, char *allow,
					  size_t cap)
{
	const struct http_server *s = c->srv;
	struct view m = c->parser.msg.method;
	allow[0] = 0;
	for (size_t i = 0; i < s->nroutes; i++) {
		const struct http_route *r = &s->routes[i];
		if (!under(r->prefix, path))
			continue;
		if (!r->method || method_is(m, r->method) ||
		    (c->parser.msg.method_id == HTTP_M_HEAD && strcmp(r->method, "GET") == 0))
			return r;
		allow_add(allow, cap, r->method);
		if (strcmp(r->method, "GET") == 0)
			allow_add(allow, cap, "HEAD");
	}
	return NULL;
}

static int finish(struct http_conn *c, struct http_request *req, struct http_response *r)
{
	if (r->started) {
		if (r->chunked && http_conn_out(c, "0\r\n\r\n", 5) < 0)
			return -1;
		if (r->has_length && r->written != r->length && !req->head_only)
			c->close_after = 1; /* the peer cannot find the next response */
		return 0;
	}
	if (r->fields_overflow)
		return send_error(c, 500, NULL);
	/* GET and HEAD only: for other methods the handler has acted by
	 * now, so it evaluates its own preconditions (docs/http.md). */
	if (r->status == 200 && (req->method == HTTP_M_GET || req->method == HTTP_M_HEAD)) {
		int rc = http_conditions(req, r);
		if (rc)
			return send_error(c, rc, NULL);
	}
	return send_whole(c, r);
}

/* One complete request: route it, run its handler, send its response.
 * The path and the response live in the connection, not on the stack:
 * handlers run on small fiber stacks (docs/fibers.md). */
static int answer(struct http_conn *c)
{
	struct http_message *m = &c->parser.msg;
	struct http_request req;
	struct http_response *resp = &c->resp;
	const struct http_route *route;
	char allow[128];
	int rc;
	c->srv->stats.requests++;
	c->close_after = !m->keep_alive;
	if (m->method_id == HTTP_M_OTHER)
		return send_error(c, 501, NULL);
	if (http_path_normalize(m->path, c->path, sizeof(c->path)) < 0)
		return send_error(c, 400, NULL);
	route = route_for(c, c->path, allow, sizeof(allow));
	if (!route)
		return send_error(c, allow[0] ? 405 : 404, allow[0] ? allow : NULL);
	memset(&req, 0, sizeof(req));
	req.msg = m;
	req.method = m->method_id;
	req.head_only = m->method_id == HTTP_M_HEAD;
	req.path = c->path;
	req.query = m->query;
	req.body = view_make(c->body, c->body_len);
	req.arg = route->arg;
	req.route = route;
	memset(resp, 0, offsetof(struct http_response, fields));
	resp->conn = c;
	resp->status = 200;
	rc = route->fn(&req, resp);
	if (rc < 0 || c->failed) {
		c->close_after = 1;
		return -1;
	}
	if (rc > 0) {
		if (resp->started) {
			c->close_after = 1;
			return 0;
		}
		return send_error(c, rc >= 400 && rc <= 599 ? rc : 500, NULL);
	}
	return finish(c, &req, resp);
}

/* A body too large (413) comes with a parsed head: a request its path
 * would refuse anyway gets that answer (404, 405) instead, as a small body
 * would. True if it was sent. */
static int refuse_unrouted(struct http_conn *c)
{
	struct http_message *m = &c->parser.msg;
	char allow[128];
	if (m->method_id == HTTP_M_OTHER || http_path_normalize(m->path, c->path, sizeof(c->path)) < 0 ||
	    route_for(c, c->path, allow, sizeof(allow)))
		return 0;
	send_error(c, allow[0] ? 405 : 404, allow[0] ? allow : NULL);
	return 1;
}

int http_conn_serve(struct http_conn *c)
{
	struct http_parser *p = &c->parser;
	int did_read = 0;
	c->srv->stats.connections++;
	/* Each turn consumes input, reports an event or blocks in read(). */
	for (;;) {
		enum http_event ev;
		struct view body;
		size_t used;
		if (c->failed)
			return -1;
		if (c->roff == c->rlen && http_parser_needs_input(p)) {
			long n;
			if (http_conn_flush(c) < 0)
				return -1;
			/* A fresh connection reads at least once: its caller
			 * woke it because data (or the close) is there. */
			if (c->return_when_idle && did_read && http_parser_idle(p))
				return HTTP_CONN_IDLE;
			n = c->io->read(c->io_ctx, c->rbuf, sizeof(c->rbuf));
			if (n < 0 || (size_t)n > sizeof(c->rbuf)) {
				c->srv->stats.io_errors++;
				return -1;
			}
			if (n == 0)
				return 0; /* a request cut short gets no answer */
			c->rlen = (size_t)n;
			c->roff = 0;
			did_read = 1;
		}
		used = http_parser_push(p, view_make(c->rbuf + c->roff, c->rlen - c->roff), &ev,
					&body);
		c->roff += used;
		switch (ev) {
		case HTTP_EV_MORE:
			break;
		case HTTP_EV_HEAD:
			c->body_len = 0;
			if (p->msg.expect_continue && p->msg.framing != HTTP_BODY_NONE &&
			    (http_conn_out(c, "HTTP/1.1 100 Continue\r\n\r\n", 25) < 0 ||
			     http_conn_flush(c) < 0))
				return -1;
			break;
		case HTTP_EV_BODY:
			/* The parser refuses bodies over body_cap (its max_body). */
			memcpy(c->body + c->body_len, body.data, body.len);
			c->body_len += body.len;
			break;
		case HTTP_EV_END:
			if (answer(c) < 0 || c->failed)
				return http_conn_flush(c), -1;
			if (c->close_after)
				return http_conn_flush(c);
			break;
		case HTTP_EV_ERROR:
			c->srv->stats.bad_requests++;
			c->close_after = 1;
			if (!(p->error == 413 && refuse_unrouted(c)))
				send_error(c, p->error, NULL);
			if (http_conn_flush(c) < 0)
				return -1;
			/* The rest of the request may still be arriving. */
			if (c->io->linger)
				c->io->linger(c->io_ctx);
			return 0;
		}
	}
}
