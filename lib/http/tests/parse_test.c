/* parse_test.c: the request parser: every refusal status, smuggling
 * vectors, chunked bodies, pipelined streams split at every byte. */
#include "harness.h"

#include <kiln/http.h>
#include <stdio.h>
#include <stdlib.h>

struct result {
	int error, heads, ends;
	char body[4096];
	size_t body_len;
	struct http_message msg; /* copy at the first HEAD (views into p) */
};

static struct http_parser parser;

/* Push s through a fresh parser in pieces of `split` bytes. */
static int parse_split(const char *s, size_t len, size_t split, uint64_t max_body,
		       struct result *r)
{
	memset(r, 0, sizeof(*r));
	http_parser_init(&parser, HTTP_REQUEST, max_body);
	for (size_t off = 0; off < len || !http_parser_needs_input(&parser);) {
		size_t n = len - off < split ? len - off : split;
		struct view in = view_make(s + off, n), body;
		size_t used = 0;
		for (int guard = 0; guard < 10000; guard++) {
			enum http_event ev;
			struct view rest;
			view_tail(in, used, &rest);
			used += http_parser_push(&parser, rest, &ev, &body);
			if (ev == HTTP_EV_MORE)
				break;
			if (ev == HTTP_EV_ERROR)
				return r->error = parser.error;
			if (ev == HTTP_EV_HEAD && r->heads++ == 0)
				r->msg = parser.msg;
			if (ev == HTTP_EV_BODY && r->body_len + body.len <= sizeof(r->body)) {
				memcpy(r->body + r->body_len, body.data, body.len);
				r->body_len += body.len;
			}
			if (ev == HTTP_EV_END)
				r->ends++;
		}
		off += n;
	}
	return 0;
}

static int parse(const char *s, struct result *r)
{
	return parse_split(s, strlen(s), strlen(s) + 1, 1 << 20, r);
}

static int status_of(const char *s)
{
	struct result r;
	return parse(s, &r);
}

TEST(simple_get)
{
	struct result r;
	CHECK_EQ(parse("GET /a/b?x=1 HTTP/1.1\r\nHost: h\r\nX-Y:  v v \t\r\n\r\n", &r), 0);
	CHECK_EQ(r.heads, 1);
	CHECK_EQ(r.ends, 1);
	CHECK_EQ(r.msg.method_id, HTTP_M_GET);
	CHECK_EQ(r.msg.version, 11);
	CHECK(r.msg.keep_alive);
	CHECK_EQ(r.msg.nfields, 2);
	CHECK(r.msg.fields[1].value.len == 3 && memcmp(r.msg.fields[1].value.data, "v v", 3) == 0);
}

TEST(statuses_for_malformed_requests)
{
	/* 400: bad request line */
	CHECK_EQ(status_of("GET  / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1 \r\nHost: h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET /\r\nHost: h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / http/1.1\r\nHost: h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.10\r\nHost: h\r\n\r\n"), 400);
	CHECK_EQ(status_of("G(T / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET /a#f HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET * HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	/* 400: header syntax */
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost : h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n"), 400);
	{
		static const char nul[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";
		struct result r;
		CHECK_EQ(parse_split(nul, sizeof(nul) - 1, 64, 0, &r), 400);
	}
	/* 400: Host count */
	CHECK_EQ(status_of("GET / HTTP/1.1\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.0\r\n\r\n"), 0);
	CHECK_EQ(status_of("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"), 400);
	/* 505 */
	CHECK_EQ(status_of("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), 505);
	CHECK_EQ(status_of("GET / HTTP/0.9\r\nHost: h\r\n\r\n"), 505);
	/* 417 */
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\n\r\n"), 417);
}

TEST(higher_minor_version_is_served_as_1_1)
{
	struct result r;
	CHECK_EQ(parse("GET / HTTP/1.7\r\nHost: h\r\n\r\n", &r), 0);
	CHECK_EQ(r.msg.version, 11);
}

TEST(limits_give_414_431_413)
{
	static char buf[20000];
	size_t n;
	/* Request line over HTTP_MAX_LINE: 414, even before it ends. */
	strcpy(buf, "GET /");
	memset(buf + 5, 'a', HTTP_MAX_LINE);
	buf[5 + HTTP_MAX_LINE] = 0;
	CHECK_EQ(status_of(buf), 414);
	/* One field line too long: 431. */
	n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\nHost: h\r\nX: ");
	memset(buf + n, 'b', HTTP_MAX_LINE);
	strcpy(buf + n + HTTP_MAX_LINE, "\r\n\r\n");
	CHECK_EQ(status_of(buf), 431);
	/* Many fine lines, too many bytes in all: 431. */
	n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (int i = 0; i < 40; i++)
		n += (size_t)sprintf(buf + n, "X-%d: %0300d\r\n", i, 0);
	strcpy(buf + n, "\r\n");
	CHECK_EQ(status_of(buf), 431);
	/* Too many fields: 431. */
	n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (int i = 0; i < HTTP_MAX_FIELDS + 1; i++)
		n += (size_t)sprintf(buf + n, "X: %d\r\n", i);
	strcpy(buf + n, "\r\n");
	CHECK_EQ(status_of(buf), 431);
	/* Exactly HTTP_MAX_FIELDS is fine. */
	n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (int i = 0; i < HTTP_MAX_FIELDS - 1; i++)
		n += (size_t)sprintf(buf + n, "X: %d\r\n", i);
	strcpy(buf + n, "\r\n");
	CHECK_EQ(status_of(buf), 0);
	/* Bodies over the limit, by length or by chunks: 413. */
	struct result r;
	const char *cl = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world";
	CHECK_EQ(parse_split(cl, strlen(cl), 100, 10, &r), 413);
	CHECK_EQ(parse_split(cl, strlen(cl), 100, 11, &r), 0);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n"), 413);
	const char *ch = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
			 "6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n";
	CHECK_EQ(parse_split(ch, strlen(ch), 100, 10, &r), 413);
	CHECK_EQ(parse_split(ch, strlen(ch), 100, 11, &r), 0);
	CHECK_EQ(r.body_len, 11);
}

TEST(smuggling_vectors_refused)
{
	/* CL + TE */
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
			   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
			   "Content-Length: 0\r\n\r\n0\r\n\r\n"), 400);
	/* TE: chunked, identity (chunked not last), identity alone, gzip alone */
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
			   "Transfer-Encoding: chunked\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \"chunked\"\r\n\r\n"), 400);
	/* Unknown codings before chunked: 501 */
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity, chunked\r\n\r\n"), 501);
	/* TE in HTTP/1.0 */
	CHECK_EQ(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
	/* Duplicate CL: differing refused, identical accepted */
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\nab"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab"), 0);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nab"), 0);
	/* CL with anything but digits */
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +2\r\n\r\nab"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x2\r\n\r\nab"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2 2\r\n\r\nab"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\nab"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n"), 400);
	/* Chunk-size overflow: 2^64 + 1 would wrap to 1 */
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
			   "10000000000000001\r\nx\r\n0\r\n\r\n"), 413);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
			   "ffffffffffffffffff\r\n"), 413);
	/* Chunk framing junk */
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n;x\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n"), 400);
}

TEST(bare_lf_and_bare_cr_are_refused)
{
	/* Our choice (http.h): CRLF only, everywhere. */
	CHECK_EQ(status_of("GET / HTTP/1.1\nHost: h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: h\n\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\n\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
			   "1\nx\r\n0\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
			   "1\r\nx\n0\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
			   "1\r\nx\r\n0\r\nT: v\n\r\n"), 400);
}

static const char pipeline[] =
	"\r\nGET /one HTTP/1.1\r\nHost: h\r\n\r\n"
	"POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
	"POST /three HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	"3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: x\r\nT2: y\r\n\r\n"
	"GET /four HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";

TEST(pipelined_stream_split_at_every_size)
{
	for (size_t split = 1; split <= sizeof(pipeline); split++) {
		struct result r;
		CHECK_EQ(parse_split(pipeline, sizeof(pipeline) - 1, split, 1000, &r), 0);
		CHECK_EQ(r.heads, 4);
		CHECK_EQ(r.ends, 4);
		CHECK_EQ(r.body_len, 24);
		CHECK_MEM(r.body, "helloabc0123456789abcdef", 24);
		CHECK(http_parser_idle(&parser));
	}
}

TEST(leading_empty_lines_bounded)
{
	CHECK_EQ(status_of("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
	CHECK_EQ(status_of("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

TEST(connection_semantics)
{
	struct result r;
	CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Close\r\n\r\n", &r), 0);
	CHECK(!r.msg.keep_alive);
	CHECK_EQ(parse("GET / HTTP/1.0\r\n\r\n", &r), 0);
	CHECK(!r.msg.keep_alive);
	CHECK_EQ(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r), 0);
	CHECK(r.msg.keep_alive);
	CHECK_EQ(parse("GET http://example.com/x/y?q HTTP/1.1\r\nHost: example.com\r\n\r\n", &r), 0);
	CHECK(r.msg.path.len == 4 && memcmp(r.msg.path.data, "/x/y", 4) == 0);
	CHECK(r.msg.query.len == 1 && r.msg.query.data[0] == 'q');
	CHECK_EQ(parse("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n", &r), 0);
	CHECK(r.msg.path.len == 1 && r.msg.path.data[0] == '/');
}

TEST(truncated_stream_is_an_error_at_eof)
{
	struct result r;
	CHECK_EQ(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhel", &r), 0);
	CHECK_EQ(http_parser_eof(&parser), HTTP_EV_ERROR);
	CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
	CHECK_EQ(http_parser_eof(&parser), HTTP_EV_MORE);
}

TEST(errors_are_sticky)
{
	struct result r;
	enum http_event ev;
	struct view body;
	CHECK_EQ(parse("GET / HTTP/1.1\r\nHost : h\r\n\r\n", &r), 400);
	CHECK_EQ(http_parser_push(&parser, view_make("GET / HTTP/1.1\r\n", 16), &ev, &body), 0);
	CHECK_EQ(ev, HTTP_EV_ERROR);
	CHECK(!http_parser_needs_input(&parser));
}

TEST(host_value_and_te_elements_validated)
{
	/* Host = uri-host [ ":" port ] (RFC 9112 3.2, RFC 3986 3.2.2). */
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: u@h\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: h:8x\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: h\x80\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"), 400);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n"), 0);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n"), 0);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n"), 0);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: a-b_c~d%41\r\n\r\n"), 0);
	CHECK_EQ(status_of("GET / HTTP/1.1\r\nHost: \r\n\r\n"), 0);
	/* A transfer-coding is a token, then only OWS ";" parameters. */
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked garbage\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\x85\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\"\r\n\r\n"), 400);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked ;a=b\r\n\r\n0\r\n\r\n"), 0);
	CHECK_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 0);
}
