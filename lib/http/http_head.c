/* http_head.c: request and status lines, field lines and message framing
 * (RFC 9112 3, 4, 5, 6.1-6.3; RFC 9110 5, 7.2, 8.6, 10.1.1). */
#include "http_private.h"

#include <string.h>

int http_ieq(struct view v, const char *s)
{
	size_t n = strlen(s);
	if (v.len != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (http_lower(v.data[i]) != (uint8_t)s[i])
			return 0;
	return 1;
}

int http_message_field(const struct http_message *m, const char *name, struct view *value)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (http_ieq(m->fields[i].name, name)) {
			*value = m->fields[i].value;
			return 1;
		}
	return 0;
}

static const struct {
	const char *name;
	enum http_method id;
} methods[] = {
	{"GET", HTTP_M_GET},         {"HEAD", HTTP_M_HEAD},     {"POST", HTTP_M_POST},
	{"PUT", HTTP_M_PUT},         {"DELETE", HTTP_M_DELETE}, {"CONNECT", HTTP_M_CONNECT},
	{"OPTIONS", HTTP_M_OPTIONS}, {"TRACE", HTTP_M_TRACE},   {"PATCH", HTTP_M_PATCH},
};

/* Methods are case-sensitive (RFC 9110 9.1). */
static enum http_method method_id(struct view m)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (m.len == strlen(methods[i].name) && memcmp(m.data, methods[i].name, m.len) == 0)
			return methods[i].id;
	return HTTP_M_OTHER;
}

/* The next line of the head (without its CRLF). */
static struct view next_line(struct reader *r)
{
	struct view rest;
	size_t left = reader_left(r), n = 0;
	if (!view_tail(r->v, r->pos, &rest))
		return view_make(NULL, 0);
	while (n + 1 < left && !(rest.data[n] == '\r' && rest.data[n + 1] == '\n'))
		n++;
	rest.len = n;
	reader_skip(r, n + 2 <= left ? n + 2 : left);
	return rest;
}

/* "HTTP/" DIGIT "." DIGIT: 10 or 11 (1.x, x > 1, answered as 1.1), 0 for a
 * malformed version (400), -1 for another major version (505). */
static int parse_version(struct view v)
{
	if (v.len != 8 || memcmp(v.data, "HTTP/", 5) != 0 || v.data[6] != '.' ||
	    v.data[5] < '0' || v.data[5] > '9' || v.data[7] < '0' || v.data[7] > '9')
		return 0;
	if (v.data[5] != '1')
		return -1;
	return v.data[7] == '0' ? 10 : 11;
}

static int parse_target(struct http_message *m)
{
	struct view t = m->target, path = t;
	size_t i;
	for (i = 0; i < t.len; i++)
		if (t.data[i] < 0x21 || t.data[i] > 0x7e || t.data[i] == '#')
			return 400;
	if (t.data[0] != '/') {
		/* absolute-form (RFC 9112 3.2.2): take the path after the
		 * authority; the Host field still has to be there. */
		size_t s = 0;
		if (t.len > 7 && http_lower(t.data[0]) == 'h') {
			while (s + 2 < t.len && !(t.data[s] == ':' && t.data[s + 1] == '/' &&
						  t.data[s + 2] == '/'))
				s++;
		}
		if (s == 0 || s + 2 >= t.len)
			return 400; /* asterisk- and authority-form are not served */
		for (s += 3; s < t.len && t.data[s] != '/' && t.data[s] != '?'; s++)
			;
		if (s == t.len || t.data[s] != '/')
			path = view_make("/", 1);
		else
			view_tail(t, s, &path);
	}
	m->path = path;
	m->query = view_make(path.data + path.len, 0);
	for (i = 0; i < path.len; i++)
		if (path.data[i] == '?') {
			view_tail(path, i + 1, &m->query);
			m->path.len = i;
			break;
		}
	return 0;
}

static int parse_request_line(struct http_message *m, struct view line)
{
	size_t i = 0, start;
	int v;
	while (i < line.len && http_tchar(line.data[i]))
		i++;
	if (i == 0 || i >= line.len || line.data[i] != ' ')
		return 400;
	m->method = view_make(line.data, i);
	m->method_id = method_id(m->method);
	start = ++i;
	while (i < line.len && line.data[i] != ' ')
		i++;
	if (i == start || i >= line.len)
		return 400;
	m->target = view_make(line.data + start, i - start);
	view_tail(line, i + 1, &line);
	v = parse_version(line);
	if (v == 0)
		return 400;
	if (v < 0)
		return 505;
	m->version = v;
	return parse_target(m);
}

static int parse_status_line(struct http_message *m, struct view line)
{
	struct view ver;
	int v;
	if (!view_sub(line, 0, 8, &ver) || line.len < 12 || line.data[8] != ' ')
		return 502;
	v = parse_version(ver);
	if (v <= 0)
		return 502;
	m->version = v;
	m->status = 0;
	for (int i = 9; i < 12; i++) {
		if (line.data[i] < '0' || line.data[i] > '9')
			return 502;
		m->status = m->status * 10 + (line.data[i] - '0');
	}
	if (m->status < 100)
		return 502;
	if (line.len > 12 && line.data[12] != ' ')
		return 502;
	m->reason = view_make(line.data + 12, 0);
	if (line.len > 13)
		view_tail(line, 13, &m->reason);
	return 0;
}

static int parse_field(struct http_message *m, struct view line, int bad)
{
	size_t i = 0, end;
	struct http_field *f;
	if (line.data[0] == ' ' || line.data[0] == '\t')
		return bad; /* obs-fold (RFC 9112 5.2) */
	while (i < line.len && http_tchar(line.data[i]))
		i++;
	if (i == 0 || i >= line.len || line.data[i] != ':')
		return bad; /* includes whitespace before the colon (5.1) */
	if (m->nfields == HTTP_MAX_FIELDS)
		return 431;
	f = &m->fields[m->nfields++];
	f->name = view_make(line.data, i);
	for (i++; i < line.len && (line.data[i] == ' ' || line.data[i] == '\t'); i++)
		;
	for (end = line.len; end > i && (line.data[end - 1] == ' ' || line.data[end - 1] == '\t');
	     end--)
		;
	for (size_t j = i; j < end; j++) {
		uint8_t c = line.data[j];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return bad; /* field-vchar / obs-text only (RFC 9110 5.5) */
	}
	f->value = view_make(line.data + i, end - i);
	return 0;
}

/* Walk a comma-separated list field value: the next element (trimmed) into
 * *el, advancing *pos; false at the end. Empty elements are skipped as RFC
 * 9110 5.6.1 requires. */
static int list_next(struct view v, size_t *pos, struct view *el)
{
	while (*pos < v.len) {
		size_t s = *pos, e;
		while (*pos < v.len && v.data[*pos] != ',')
			(*pos)++;
		e = *pos;
		if (*pos < v.len)
			(*pos)++;
		while (s < e && (v.data[s] == ' ' || v.data[s] == '\t'))
			s++;
		while (e > s && (v.data[e - 1] == ' ' || v.data[e - 1] == '\t'))
			e--;
		if (e > s) {
			*el = view_make(v.data + s, e - s);
			return 1;
		}
	}
	return 0;
}

/* Host = uri-host [ ":" port ] (RFC 9112 3.2, RFC 3986 3.2.2): an
 * IP-literal in brackets, or reg-name / IPv4address characters (unreserved,
 * sub-delims, pct-encoded), then an optional port of digits. Empty is
 * allowed (a target without an authority). */
static int host_valid(struct view v)
{
	size_t i = 0;
	if (v.len && v.data[0] == '[') {
		while (i < v.len && v.data[i] != ']') {
			uint8_t c = v.data[i];
			if (i && !(http_hexval(c) >= 0 || c == ':' || c == '.' || c == 'v' || c == 'V'))
				return 0;
			i++;
		}
		if (i == v.len)
			return 0;
		i++;
	} else {
		for (; i < v.len && v.data[i] != ':'; i++) {
			uint8_t c = v.data[i];
			if (c == '%') {
				if (i + 2 >= v.len || http_hexval(v.data[i + 1]) < 0 ||
				    http_hexval(v.data[i + 2]) < 0)
					return 0;
				i += 2;
			} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				     (c >= '0' && c <= '9') || (c && strchr("-._~!$&'()*+,;=", c)))) {
				return 0;
			}
		}
	}
	if (i < v.len) {
		if (v.data[i] != ':')
			return 0;
		for (i++; i < v.len; i++)
			if (v.data[i] < '0' || v.data[i] > '9')
				return 0;
	}
	return 1;
}

/* Content-Length, Transfer-Encoding, Connection, Host, Expect (RFC 9112
 * 6.1-6.3, 9.3; RFC 9110 7.2, 10.1.1). */
static int framing(struct http_parser *p)
{
	struct http_message *m = &p->msg;
	int req = p->kind == HTTP_REQUEST, bad = req ? 400 : 502;
	int hosts = 0, have_cl = 0, te = 0, chunked_last = 0, chunked_count = 0, other = 0;
	uint64_t cl = 0;
	int close = 0, keep = 0, expect = 0;
	for (size_t i = 0; i < m->nfields; i++) {
		struct view n = m->fields[i].name, v = m->fields[i].value, el;
		size_t pos = 0;
		if (http_ieq(n, "host")) {
			hosts++;
			if (req && !host_valid(v))
				return 400;
		} else if (http_ieq(n, "content-length")) {
			int any = 0;
			while (list_next(v, &pos, &el)) {
				uint64_t x = 0;
				for (size_t j = 0; j < el.len; j++) {
					if (el.data[j] < '0' || el.data[j] > '9')
						return bad;
					/* Saturate: 20+ digits is "too large" (413),
					 * not a wrap-around to a small length. */
					x = x > (UINT64_MAX - 9) / 10 ? UINT64_MAX
								       : x * 10 + (el.data[j] - '0');
				}
				if (have_cl && x != cl)
					return bad;
				cl = x, have_cl = 1, any = 1;
			}
			if (!any)
				return bad;
		} else if (http_ieq(n, "transfer-encoding")) {
			te = 1;
			while (list_next(v, &pos, &el)) {
				size_t k = 0;
				while (k < el.len && http_tchar(el.data[k]))
					k++;
				if (k == 0)
					return bad;
				/* Only OWS ";" parameters may follow the token
				 * (RFC 9112 7, RFC 9110 10.1.4): "chunked x" and
				 * "chunked\x85" are not chunked. */
				for (size_t j = k; j < el.len && el.data[j] != ';'; j++)
					if (el.data[j] != ' ' && el.data[j] != '\t')
						return bad;
				/* Parameters (";q=...") may follow; the name decides. */
				if (http_ieq(view_make(el.data, k), "chunked")) {
					chunked_count++;
					chunked_last = 1;
				} else {
					other = 1;
					chunked_last = 0;
				}
			}
		} else if (http_ieq(n, "connection")) {
			while (list_next(v, &pos, &el)) {
				if (http_ieq(el, "close"))
					close = 1;
				else if (http_ieq(el, "keep-alive"))
					keep = 1;
			}
		} else if (req && http_ieq(n, "expect")) {
			if (!http_ieq(v, "100-continue"))
				return 417;
			expect = 1;
		}
	}
	if (req && (hosts > 1 || (m->version == 11 && hosts == 0)))
		return 400;
	m->keep_alive = !close && (m->version == 11 || keep);
	m->expect_continue = expect && m->version == 11;
	m->framing = HTTP_BODY_NONE;
	if (te) {
		if (req && (have_cl || m->version == 10))
			return 400; /* smuggling vector (RFC 9112 6.1, 6.3 item 3) */
		if (chunked_count > 1 || (req && !chunked_last))
			return bad;
		if (other)
			return req ? 501 : 502;
		m->framing = chunked_last ? HTTP_BODY_CHUNKED : HTTP_BODY_CLOSE;
		if (!req && have_cl)
			m->keep_alive = 0; /* RFC 9112 6.3 item 3: TE wins, then close */
	} else if (have_cl) {
		m->content_length = cl;
		if (cl > p->max_body)
			return req ? 413 : 502;
		m->framing = cl ? HTTP_BODY_LENGTH : HTTP_BODY_NONE;
	} else if (!req) {
		m->framing = HTTP_BODY_CLOSE;
	}
	if (!req && (p->no_body || m->status / 100 == 1 || m->status == 204 || m->status == 304))
		m->framing = HTTP_BODY_NONE; /* RFC 9112 6.3 item 1 */
	if (m->framing == HTTP_BODY_CLOSE)
		m->keep_alive = 0;
	return 0;
}

int http_head_parse(struct http_parser *p, size_t head_len)
{
	struct http_message *m = &p->msg;
	struct reader r = reader_make(view_make(p->head, head_len));
	struct view line = next_line(&r);
	int req = p->kind == HTTP_REQUEST, rc;
	memset(m, 0, sizeof(*m));
	rc = req ? parse_request_line(m, line) : parse_status_line(m, line);
	if (rc)
		return rc;
	for (size_t guard = 0; guard <= HTTP_MAX_FIELDS + 1; guard++) {
		line = next_line(&r);
		if (line.len == 0)
			return framing(p);
		rc = parse_field(m, line, req ? 400 : 502);
		if (rc)
			return rc;
	}
	return 431;
}
