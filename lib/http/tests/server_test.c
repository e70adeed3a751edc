/* server_test.c: the server engine over an in-memory transport: keep-alive,
 * pipelining, chunked both ways, HEAD, 304, 404/405, error closes, all
 * compared byte for byte. */
#include "harness.h"
#include "mem_io.h"

#include <stdio.h>

static uint64_t fixed_now(void)
{
	return 784111777ull * 1000000000ull; /* Sun, 06 Nov 1994 08:49:37 GMT */
}

static int h_hello(struct http_request *req, struct http_response *resp)
{
	(void)req;
	http_response_field(resp, "Content-Type", "text/plain");
	http_response_body(resp, view_make("hello\n", 6));
	return 0;
}

static int h_echo(struct http_request *req, struct http_response *resp)
{
	http_response_body(resp, req->body);
	return 0;
}

static int h_stream(struct http_request *req, struct http_response *resp)
{
	(void)req;
	if (http_response_write(resp, "abc", 3) < 0 || http_response_write(resp, "defgh", 5) < 0)
		return -1;
	return 0;
}

static int h_tag(struct http_request *req, struct http_response *resp)
{
	(void)req;
	http_response_etag(resp, "\"v1\"");
	http_response_body(resp, view_make("tagged", 6));
	return 0;
}

static int h_teapot(struct http_request *req, struct http_response *resp)
{
	(void)req, (void)resp;
	return 403;
}

static const struct http_route routes[] = {
	{"GET", "/hello", h_hello, NULL},
	{"POST", "/echo", h_echo, NULL},
	{"PUT", "/echo", h_echo, NULL},
	{"GET", "/stream", h_stream, NULL},
	{"GET", "/tag", h_tag, NULL},
	{NULL, "/deny/", h_teapot, NULL},
};

static struct http_server srv;
static struct http_conn conn;
static struct mem_io io;
static uint8_t body_store[64];

/* Serve in (in pieces of `piece` bytes); returns http_conn_serve's value. */
static int serve(const char *in, size_t piece)
{
	memset(&srv, 0, sizeof(srv));
	srv.routes = routes;
	srv.nroutes = sizeof(routes) / sizeof(routes[0]);
	srv.name = "kiln";
	srv.now = fixed_now;
	mem_init(&io, in, strlen(in), piece);
	http_conn_init(&conn, &srv, &mem_ops, &io, body_store, sizeof(body_store));
	int rc = http_conn_serve(&conn);
	io.out[io.out_len] = 0;
	return rc;
}

#define HEAD_200 "HTTP/1.1 200 OK\r\nServer: kiln\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
#define HELLO HEAD_200 "Content-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n"

TEST(one_request_byte_exact)
{
	CHECK_EQ(serve("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 0), 0);
	CHECK_STR(io.out, HELLO);
	CHECK_EQ(srv.stats.requests, 1);
	CHECK_EQ(srv.stats.responses_2xx, 1);
}

static const char pipelined[] =
	"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
	"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping"
	"PUT /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nch\r\n4;x=y\r\nunks\r\n0\r\nT: 1\r\n\r\n"
	"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"
	"HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"
	"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	"GET /never HTTP/1.1\r\nHost: x\r\n\r\n";

static const char pipelined_out[] =
	HELLO
	HEAD_200 "Content-Length: 4\r\n\r\nping"
	HEAD_200 "Content-Length: 6\r\n\r\nchunks"
	HEAD_200 "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n5\r\ndefgh\r\n0\r\n\r\n"
	HEAD_200 "Content-Type: text/plain\r\nContent-Length: 6\r\n\r\n"
	"HTTP/1.1 200 OK\r\nServer: kiln\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	"Content-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n";

TEST(pipelined_requests_answered_in_order_byte_exact_any_split)
{
	for (size_t piece = 1; piece <= sizeof(pipelined); piece += (piece < 40 ? 1 : 37)) {
		CHECK_EQ(serve(pipelined, piece), 0);
		CHECK_STR(io.out, pipelined_out);
		CHECK_EQ(srv.stats.requests, 6);
	}
	/* All at once: the six responses leave in one write (coalesced). */
	CHECK_EQ(serve(pipelined, 0), 0);
	CHECK_EQ(io.writes, 1);
	/* Partial writes by the transport still deliver every byte in order. */
	memset(&io, 0, sizeof(io));
	io.wpiece = 7;
	memset(&srv, 0, sizeof(srv));
	srv.routes = routes, srv.nroutes = 6, srv.name = "kiln", srv.now = fixed_now;
	io.in = pipelined, io.in_len = strlen(pipelined);
	http_conn_init(&conn, &srv, &mem_ops, &io, body_store, sizeof(body_store));
	CHECK_EQ(http_conn_serve(&conn), 0);
	io.out[io.out_len] = 0;
	CHECK_STR(io.out, pipelined_out);
}

TEST(keep_alive_rules)
{
	/* HTTP/1.0 without keep-alive: answered, then closed. */
	CHECK_EQ(serve("GET /hello HTTP/1.0\r\n\r\nGET /hello HTTP/1.0\r\n\r\n", 0), 0);
	CHECK_STR(io.out, HEAD_200 "Content-Type: text/plain\r\nContent-Length: 6\r\n"
			  "Connection: close\r\n\r\nhello\n");
	/* HTTP/1.0 keep-alive: stays open and says so. */
	CHECK_EQ(serve("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
		       "GET /hello HTTP/1.0\r\n\r\n", 0), 0);
	CHECK_STR(io.out, HEAD_200 "Content-Type: text/plain\r\nContent-Length: 6\r\n"
			  "Connection: keep-alive\r\n\r\nhello\n"
			  HEAD_200 "Content-Type: text/plain\r\nContent-Length: 6\r\n"
			  "Connection: close\r\n\r\nhello\n");
}

TEST(http10_streaming_is_close_delimited)
{
	CHECK_EQ(serve("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0), 0);
	CHECK_STR(io.out, HEAD_200 "Connection: close\r\n\r\nabcdefgh");
}

TEST(head_of_streamed_response_has_no_body)
{
	CHECK_EQ(serve("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 0), 0);
	CHECK_STR(io.out, HEAD_200 "Transfer-Encoding: chunked\r\n\r\n" HELLO);
}

TEST(conditional_get_304)
{
	const char *tag200 = HEAD_200 "ETag: \"v1\"\r\nContent-Length: 6\r\n\r\ntagged";
	const char *tag304 = "HTTP/1.1 304 Not Modified\r\nServer: kiln\r\n"
			     "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nETag: \"v1\"\r\n\r\n";
	CHECK_EQ(serve("GET /tag HTTP/1.1\r\nHost: x\r\n\r\n", 0), 0);
	CHECK_STR(io.out, tag200);
	CHECK_EQ(serve("GET /tag HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"v1\"\r\n\r\n", 0), 0);
	CHECK_STR(io.out, tag304);
	CHECK_EQ(serve("HEAD /tag HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"a\", W/\"v1\"\r\n\r\n", 0), 0);
	CHECK_STR(io.out, tag304);
	CHECK_EQ(serve("GET /tag HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n", 0), 0);
	CHECK_STR(io.out, tag304);
	CHECK_EQ(serve("GET /tag HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"v2\"\r\n\r\n", 0), 0);
	CHECK_STR(io.out, tag200);
	CHECK_EQ(srv.stats.responses_2xx, 1);
}

TEST(not_found_and_method_not_allowed)
{
	CHECK_EQ(serve("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 0), 0);
	CHECK_STR(io.out, "HTTP/1.1 404 Not Found\r\nServer: kiln\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
			  "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\n\r\n404 Not Found\n");
	CHECK_EQ(serve("DELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n", 0), 0);
	CHECK(strstr(io.out, "HTTP/1.1 405 Method Not Allowed\r\n") == io.out);
	CHECK(strstr(io.out, "\r\nAllow: POST, PUT\r\n") != NULL);
	CHECK_EQ(serve("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 0), 0);
	CHECK(strstr(io.out, "\r\nAllow: GET, HEAD\r\n") != NULL);
	/* "/hello" does not take "/hellox"; "/hello/x" it does. */
	CHECK_EQ(serve("GET /hellox HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/x HTTP/1.1\r\nHost: x\r\n\r\n", 0), 0);
	CHECK(strstr(io.out, "HTTP/1.1 404") == io.out);
	CHECK(strstr(io.out, HELLO) != NULL);
	/* A handler's own error status; unknown method 501. */
	CHECK_EQ(serve("GET /deny/x HTTP/1.1\r\nHost: x\r\n\r\nBREW /hello HTTP/1.1\r\nHost: x\r\n\r\n", 0), 0);
	CHECK(strstr(io.out, "HTTP/1.1 403 Forbidden\r\n") == io.out);
	CHECK(strstr(io.out, "HTTP/1.1 501 Not Implemented\r\n") != NULL);
}

TEST(parse_errors_answer_and_close)
{
	static const struct {
		const char *req;
		int status;
	} cases[] = {
		{"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
		{"GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505},
		{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n", 413},
		{"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
		{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
		{"GET /%2e%2e/etc HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[64], req[256];
		/* A valid request after the bad one is never answered. */
		snprintf(req, sizeof(req), "%sGET /hello HTTP/1.1\r\nHost: x\r\n\r\n", cases[i].req);
		CHECK_EQ(serve(req, 0), 0);
		snprintf(want, sizeof(want), "HTTP/1.1 %d %s\r\n", cases[i].status,
			 http_reason(cases[i].status));
		CHECK(strstr(io.out, want) == io.out);
		CHECK(strstr(io.out, "Connection: close\r\n") != NULL);
		CHECK(strstr(io.out, "hello\n") == NULL);
	}
	{
		static char big[HTTP_MAX_HEAD + 200];
		int n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: x\r\n");
		for (int i = 0; n < HTTP_MAX_HEAD + 50; i++)
			n += snprintf(big + n, sizeof(big) - n, "X-%d: %090d\r\n", i, 0);
		CHECK_EQ(serve(big, 0), 0);
		CHECK(strstr(io.out, "HTTP/1.1 431 Request Header Fields Too Large\r\n") == io.out);
	}
}

TEST(expect_100_continue)
{
	CHECK_EQ(serve("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok", 0), 0);
	CHECK_STR(io.out, "HTTP/1.1 100 Continue\r\n\r\n" HEAD_200 "Content-Length: 2\r\n\r\nok");
}

TEST(cut_short_and_io_errors)
{
	/* The peer leaves mid-request: no answer, clean return. */
	CHECK_EQ(serve("GET /hello HTTP/1.1\r\nHost:", 0), 0);
	CHECK_EQ(io.out_len, 0);
	/* A transport that fails writes: -1 and counted. */
	static char huge[200000];
	size_t n = 0;
	while (n + 40 < sizeof(huge))
		n += (size_t)snprintf(huge + n, sizeof(huge) - n, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_EQ(serve(huge, 0), -1);
	CHECK(srv.stats.io_errors >= 1);
}

static int h_fields(struct http_request *req, struct http_response *resp)
{
	(void)req;
	/* Refused: server-managed fields, bad names, injected lines. */
	if (http_response_field(resp, "Content-Length", "1") != -1 ||
	    http_response_field(resp, "connection", "close") != -1 ||
	    http_response_field(resp, "Bad Name", "x") != -1 ||
	    http_response_field(resp, "X", "a\r\nSet-Cookie: evil") != -1 ||
	    http_response_field(resp, "", "x") != -1)
		return 500;
	http_response_status(resp, 201);
	http_response_field(resp, "X-Ok", "yes");
	return 0;
}

static int h_overflow(struct http_request *req, struct http_response *resp)
{
	static char big[HTTP_MAX_RESPONSE_FIELDS];
	(void)req;
	memset(big, 'v', sizeof(big) - 1);
	http_response_field(resp, "X-Big", big); /* does not fit: the response becomes 500 */
	http_response_body(resp, view_make("unseen", 6));
	return 0;
}

static int h_short(struct http_request *req, struct http_response *resp)
{
	(void)req;
	http_response_length(resp, 10);
	return http_response_write(resp, "abc", 3);
}

static const struct http_route more_routes[] = {
	{"GET", "/fields", h_fields, NULL},
	{"GET", "/overflow", h_overflow, NULL},
	{"GET", "/short", h_short, NULL},
};

static int serve_more(const char *in)
{
	memset(&srv, 0, sizeof(srv));
	srv.routes = more_routes;
	srv.nroutes = 3;
	mem_init(&io, in, strlen(in), 0);
	http_conn_init(&conn, &srv, &mem_ops, &io, NULL, 0);
	int rc = http_conn_serve(&conn);
	io.out[io.out_len] = 0;
	return rc;
}

TEST(response_field_rules)
{
	CHECK_EQ(serve_more("GET /fields HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK_STR(io.out, "HTTP/1.1 201 Created\r\nX-Ok: yes\r\nContent-Length: 0\r\n\r\n");
	CHECK_EQ(serve_more("GET /overflow HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(strncmp(io.out, "HTTP/1.1 500 Internal Server Error\r\n", 36) == 0);
	CHECK(strstr(io.out, "unseen") == NULL);
	/* A declared length not met: the connection closes after the response,
	 * so the next request is not answered on a broken framing. */
	CHECK_EQ(serve_more("GET /short HTTP/1.1\r\nHost: x\r\n\r\nGET /fields HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK_STR(io.out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
}

TEST(return_when_idle_frees_nothing_needed)
{
	static const char in[] = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"; /* 32 bytes */
	static char two[128];
	snprintf(two, sizeof(two), "%s%s", in, in);
	memset(&srv, 0, sizeof(srv));
	srv.routes = routes, srv.nroutes = 6, srv.name = "kiln", srv.now = fixed_now;
	/* Each read delivers one whole request: after answering it the
	 * connection is idle, and serve returns instead of reading again. */
	mem_init(&io, two, strlen(two), strlen(in));
	int idles = 0, rc;
	for (int round = 0; round < 5; round++) {
		static struct http_conn fresh;
		memset(&fresh, 0xa5, sizeof(fresh)); /* nothing carried over */
		http_conn_init(&fresh, &srv, &mem_ops, &io, NULL, 0);
		fresh.return_when_idle = 1;
		rc = http_conn_serve(&fresh);
		if (rc != HTTP_CONN_IDLE)
			break;
		idles++;
	}
	CHECK_EQ(rc, 0); /* the peer's close, on the third round */
	CHECK_EQ(idles, 2);
	io.out[io.out_len] = 0;
	CHECK_EQ(io.out_len, 2 * strlen(HELLO));
	CHECK_MEM(io.out, HELLO HELLO, io.out_len);
	/* Mid-request (half a request read) it does not return idle. */
	mem_init(&io, in, strlen(in), 10);
	http_conn_init(&conn, &srv, &mem_ops, &io, NULL, 0);
	conn.return_when_idle = 1;
	CHECK_EQ(http_conn_serve(&conn), HTTP_CONN_IDLE);
	CHECK_EQ(io.reads, 4);
	CHECK_EQ(io.out_len, strlen(HELLO));
}

static int h_typed_tag(struct http_request *req, struct http_response *resp)
{
	(void)req;
	http_response_field(resp, "Content-Type", "text/html");
	http_response_field(resp, "X-Kept", "1");
	http_response_etag(resp, "\"t\"");
	http_response_body(resp, view_make("<p>", 3));
	return 0;
}

TEST(not_modified_has_no_content_type)
{
	static const struct http_route r[] = {{"GET", "/t", h_typed_tag, NULL}};
	memset(&srv, 0, sizeof(srv));
	srv.routes = r, srv.nroutes = 1;
	const char *in = "GET /t HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"t\"\r\n\r\n";
	mem_init(&io, in, strlen(in), 0);
	http_conn_init(&conn, &srv, &mem_ops, &io, NULL, 0);
	CHECK_EQ(http_conn_serve(&conn), 0);
	io.out[io.out_len] = 0;
	/* RFC 9110 15.4.5: no representation metadata beyond the validators. */
	CHECK_STR(io.out, "HTTP/1.1 304 Not Modified\r\nETag: \"t\"\r\nX-Kept: 1\r\n\r\n");
}

TEST(body_to_get_only_path_is_405_not_413)
{
	/* The body is over body_cap (64), but the path takes no POST at all:
	 * routing decides first (405 with Allow), as it would for a small body. */
	CHECK_EQ(serve("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", 0), 0);
	CHECK(strstr(io.out, "HTTP/1.1 405 Method Not Allowed\r\n") == io.out);
	CHECK(strstr(io.out, "\r\nAllow: GET, HEAD\r\n") != NULL);
	CHECK(strstr(io.out, "Connection: close\r\n") != NULL);
	CHECK_EQ(serve("POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", 0), 0);
	CHECK(strstr(io.out, "HTTP/1.1 404 Not Found\r\n") == io.out);
	CHECK_EQ(serve("POST /hello HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
		       "ffff\r\n", 0), 0);
	CHECK(strstr(io.out, "HTTP/1.1 405 Method Not Allowed\r\n") == io.out);
	/* Where POST is routed, too large stays 413. */
	CHECK_EQ(serve("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", 0), 0);
	CHECK(strstr(io.out, "HTTP/1.1 413 ") == io.out);
}

/* A representation with both validators (Last-Modified 1994-11-06). */
static int h_dated(struct http_request *req, struct http_response *resp)
{
	(void)req;
	http_response_field(resp, "Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
	http_response_etag(resp, "\"d\"");
	http_response_body(resp, view_make("0123456789", 10));
	return 0;
}

static const char *cond(const char *fields)
{
	static const struct http_route r[] = {{"GET", "/d", h_dated, NULL}};
	static char in[512];
	snprintf(in, sizeof(in), "GET /d HTTP/1.1\r\nHost: x\r\n%s\r\n", fields);
	memset(&srv, 0, sizeof(srv));
	srv.routes = r, srv.nroutes = 1;
	mem_init(&io, in, strlen(in), 0);
	http_conn_init(&conn, &srv, &mem_ops, &io, NULL, 0);
	http_conn_serve(&conn);
	io.out[io.out_len] = 0;
	return io.out;
}

#define STARTS(s, p) CHECK(strncmp((s), (p), strlen(p)) == 0)

TEST(preconditions_if_match_and_dates)
{
	STARTS(cond(""), "HTTP/1.1 200 ");
	/* If-Match: strong comparison; "*" matches a present representation. */
	STARTS(cond("If-Match: \"x\"\r\n"), "HTTP/1.1 412 Precondition Failed\r\n");
	STARTS(cond("If-Match: W/\"d\"\r\n"), "HTTP/1.1 412 ");
	STARTS(cond("If-Match: \"x\", \"d\"\r\n"), "HTTP/1.1 200 ");
	STARTS(cond("If-Match: *\r\n"), "HTTP/1.1 200 ");
	/* If-Unmodified-Since: 412 if modified after; any date form. */
	STARTS(cond("If-Unmodified-Since: Sun, 06 Nov 1994 08:49:36 GMT\r\n"), "HTTP/1.1 412 ");
	STARTS(cond("If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"), "HTTP/1.1 200 ");
	STARTS(cond("If-Unmodified-Since: Sunday, 06-Nov-94 08:49:36 GMT\r\n"), "HTTP/1.1 412 ");
	STARTS(cond("If-Unmodified-Since: yesterday\r\n"), "HTTP/1.1 200 ");
	/* If-Match takes precedence over If-Unmodified-Since. */
	STARTS(cond("If-Match: \"d\"\r\nIf-Unmodified-Since: Sun, 06 Nov 1994 08:00:00 GMT\r\n"),
	       "HTTP/1.1 200 ");
	/* If-Modified-Since against the handler's own Last-Modified. */
	STARTS(cond("If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"), "HTTP/1.1 304 ");
	STARTS(cond("If-Modified-Since: Sun Nov  6 09:00:00 1994\r\n"), "HTTP/1.1 304 ");
	STARTS(cond("If-Modified-Since: Sun, 06 Nov 1994 08:49:36 GMT\r\n"), "HTTP/1.1 200 ");
	STARTS(cond("If-Modified-Since: garbage\r\n"), "HTTP/1.1 200 ");
	/* If-None-Match present: If-Modified-Since is not looked at. */
	STARTS(cond("If-None-Match: \"x\"\r\nIf-Modified-Since: Sun, 06 Nov 1994 09:00:00 GMT\r\n"),
	       "HTTP/1.1 200 ");
}

TEST(range_requests)
{
	const char *o = cond("Range: bytes=2-4\r\n");
	STARTS(o, "HTTP/1.1 206 Partial Content\r\n");
	CHECK(strstr(o, "\r\nContent-Range: bytes 2-4/10\r\nContent-Length: 3\r\n\r\n234") != NULL);
	o = cond("Range: bytes=-3\r\n");
	CHECK(strstr(o, "Content-Range: bytes 7-9/10\r\n") && strstr(o, "\r\n\r\n789"));
	o = cond("Range: bytes=10-\r\n");
	STARTS(o, "HTTP/1.1 416 Range Not Satisfiable\r\n");
	CHECK(strstr(o, "\r\nContent-Range: bytes */10\r\n") != NULL);
	/* Several ranges: the whole representation, 200. */
	o = cond("Range: bytes=0-1,4-5\r\n");
	STARTS(o, "HTTP/1.1 200 ");
	CHECK(strstr(o, "\r\n\r\n0123456789") != NULL);
	/* If-Range: the range only while the validator is current. */
	STARTS(cond("Range: bytes=2-4\r\nIf-Range: \"d\"\r\n"), "HTTP/1.1 206 ");
	STARTS(cond("Range: bytes=2-4\r\nIf-Range: \"old\"\r\n"), "HTTP/1.1 200 ");
	STARTS(cond("Range: bytes=2-4\r\nIf-Range: W/\"d\"\r\n"), "HTTP/1.1 200 ");
	STARTS(cond("Range: bytes=2-4\r\nIf-Range: Sun, 06 Nov 1994 08:49:37 GMT\r\n"), "HTTP/1.1 206 ");
	STARTS(cond("Range: bytes=2-4\r\nIf-Range: Sun, 06 Nov 1994 08:49:38 GMT\r\n"), "HTTP/1.1 200 ");
	/* A 304 wins over a range. */
	STARTS(cond("Range: bytes=2-4\r\nIf-None-Match: \"d\"\r\n"), "HTTP/1.1 304 ");
}

static int h_wednesday(struct http_request *req, struct http_response *resp)
{
	(void)req;
	http_response_field(resp, "Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT");
	http_response_body(resp, view_make("0123456789", 10));
	return 0;
}

TEST(if_range_date_on_a_wednesday_is_a_date)
{
	/* "Wed, ..." starts with W but is no weak entity-tag. */
	static const struct http_route r[] = {{"GET", "/w", h_wednesday, NULL}};
	const char *in = "GET /w HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n"
			 "If-Range: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n";
	memset(&srv, 0, sizeof(srv));
	srv.routes = r, srv.nroutes = 1;
	mem_init(&io, in, strlen(in), 0);
	http_conn_init(&conn, &srv, &mem_ops, &io, NULL, 0);
	http_conn_serve(&conn);
	io.out[io.out_len] = 0;
	STARTS(io.out, "HTTP/1.1 206 ");
}
