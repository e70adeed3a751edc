/* http_cond.c: conditional requests and byte ranges on a complete 200
 * response (RFC 9110 13.1 preconditions in 13.2.2's order, 14 ranges). */
#include "http_conn_private.h"

#include <string.h>

/* The value of the response field line named name (lower-case). */
static int field_get(const struct http_response *r, const char *name, struct view *value)
{
	size_t i = 0, n = strlen(name);
	while (i < r->fields_len) {
		size_t e = i;
		while (e + 1 < r->fields_len && !(r->fields[e] == '\r' && r->fields[e + 1] == '\n'))
			e++;
		if (e - i > n + 1 && r->fields[i + n] == ':' &&
		    http_ieq(view_make(r->fields + i, n), name)) {
			size_t s = i + n + 1;
			while (s < e && r->fields[s] == ' ')
				s++;
			*value = view_make(r->fields + s, e - s);
			return 1;
		}
		i = e + 2;
	}
	return 0;
}

/* A request field holding an HTTP-date: true and *secs if valid. */
static int req_date(const struct http_request *req, const char *name, uint64_t *secs)
{
	struct view v;
	return http_request_field(req, name, &v) && http_date_parse(v, secs) == 0;
}

int http_conditions(const struct http_request *req, struct http_response *r)
{
	struct view v, tag = view_make(r->etag, strlen(r->etag)), lmv;
	uint64_t lm = 0, since, first, last, len;
	int has_lm = field_get(r, "last-modified", &lmv) && http_date_parse(lmv, &lm) == 0;
	int get = req->method == HTTP_M_GET || req->method == HTTP_M_HEAD, rc;
	char cr[64];
	size_t n;
	/* 1-2: If-Match, else If-Unmodified-Since (ignored without a
	 * Last-Modified to compare with, or with an invalid date). */
	if (http_request_field(req, "if-match", &v)) {
		if (!http_ieq(v, "*") && !(tag.len && http_etag_match(v, tag, 0)))
			return 412;
	} else if (has_lm && req_date(req, "if-unmodified-since", &since) && lm > since) {
		return 412;
	}
	/* 3-4: If-None-Match, else If-Modified-Since (GET and HEAD). */
	if (http_request_field(req, "if-none-match", &v)) {
		if (tag.len && http_etag_match(v, tag, 1)) {
			if (!get)
				return 412;
			r->status = 304;
			return 0;
		}
	} else if (get && has_lm && req_date(req, "if-modified-since", &since) && lm <= since) {
		r->status = 304;
		return 0;
	}
	/* 5: Range, for GET, unless If-Range names another representation
	 * (an entity-tag compared strongly, or exactly the Last-Modified). */
	if (req->method != HTTP_M_GET || !r->has_body || !http_request_field(req, "range", &v))
		return 0;
	if (http_request_field(req, "if-range", &lmv)) {
		if (lmv.len && (lmv.data[0] == '"' || (lmv.len > 1 && lmv.data[0] == 'W' &&
							 lmv.data[1] == '/'))) {
			if (!tag.len || !http_etag_match(lmv, tag, 0))
				return 0;
		} else if (!has_lm || !req_date(req, "if-range", &since) || since != lm) {
			return 0;
		}
	}
	len = r->body.len;
	rc = http_range_parse(v, len, &first, &last);
	if (rc == 0)
		return 0;
	memcpy(cr, "bytes ", 6);
	n = 6;
	if (rc < 0) {
		cr[n++] = '*';
		r->status = 416;
		r->body = view_make(NULL, 0);
	} else {
		n += http_utoa(first, cr + n);
		cr[n++] = '-';
		n += http_utoa(last, cr + n);
		r->status = 206;
		r->body = view_make(r->body.data + first, (size_t)(last - first + 1));
	}
	cr[n++] = '/';
	n += http_utoa(len, cr + n);
	cr[n] = 0;
	if (http_response_field(r, "Content-Range", cr) < 0)
		return 500;
	return 0;
}
