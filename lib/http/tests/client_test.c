/* client_test.c: the client's request bytes, its reading of responses
 * (Content-Length, chunked, close-delimited, HEAD, 1xx) and a round trip
 * through the server engine. */
#include "harness.h"
#include "mem_io.h"

#include <stdio.h>

static struct mem_io io;
static struct http_client cl;
static char got[4096];
static size_t got_len;

static int collect(void *arg, struct view chunk)
{
	(void)arg;
	if (got_len + chunk.len > sizeof(got))
		return 1;
	memcpy(got + got_len, chunk.data, chunk.len);
	got_len += chunk.len;
	return 0;
}

static int exchange(const char *response, const struct http_client_request *rq)
{
	mem_init(&io, response, strlen(response), 3);
	http_client_init(&cl, &mem_ops, &io, 1 << 20);
	got_len = 0;
	int rc = http_client_exchange(&cl, rq, collect, NULL);
	io.out[io.out_len] = 0;
	got[got_len] = 0;
	return rc;
}

static const struct http_client_request get_rq = {"GET", "example.org", "/a?b", NULL, {0}, 0};

TEST(request_bytes)
{
	struct http_client_request post = {"POST", "h:8080", "/up", "X-A: 1\r\n", {(const uint8_t *)"data", 4}, 1};
	exchange("HTTP/1.1 204 No Content\r\n\r\n", &post);
	CHECK_STR(io.out, "POST /up HTTP/1.1\r\nHost: h:8080\r\nX-A: 1\r\nContent-Length: 4\r\n"
			  "Connection: close\r\n\r\ndata");
	CHECK_EQ(exchange("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", &get_rq), 0);
	CHECK_STR(io.out, "GET /a?b HTTP/1.1\r\nHost: example.org\r\n\r\n");
	struct http_client_request bad = {"GET", "h\r\nX: y", "/", NULL, {0}, 0};
	CHECK_EQ(exchange("", &bad), -1);
	CHECK_EQ(io.out_len, 0);
	struct http_client_request bad2 = {"GET", "h", "/ HTTP/1.0", NULL, {0}, 0};
	CHECK_EQ(exchange("", &bad2), -1);
}

TEST(response_framings)
{
	CHECK_EQ(exchange("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", &get_rq), 0);
	CHECK_EQ(cl.parser.msg.status, 200);
	CHECK_STR(got, "hello");
	CHECK(cl.reusable);
	CHECK_EQ(exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			  "4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n", &get_rq), 0);
	CHECK_STR(got, "wikipedia");
	CHECK_EQ(exchange("HTTP/1.0 200 OK\r\n\r\nuntil the end", &get_rq), 0);
	CHECK_STR(got, "until the end");
	CHECK(!cl.reusable);
	CHECK_EQ(exchange("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno", &get_rq), 0);
	CHECK_EQ(cl.parser.msg.status, 404);
	CHECK_STR(got, "no");
	struct http_client_request head = {"HEAD", "h", "/", NULL, {0}, 0};
	CHECK_EQ(exchange("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", &head), 0);
	CHECK_EQ(got_len, 0);
	CHECK(cl.reusable);
	CHECK_EQ(exchange("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", &get_rq), 0);
	CHECK_EQ(got_len, 0);
}

TEST(bad_responses)
{
	CHECK_EQ(exchange("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", &get_rq), -1);
	CHECK_EQ(exchange("HTTP/1.1 2000 OK\r\n\r\n", &get_rq), -1);
	CHECK_EQ(cl.parser.error, 502);
	CHECK_EQ(exchange("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", &get_rq), -1);
	CHECK_EQ(exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", &get_rq), -1);
	CHECK(!cl.reusable);
	mem_init(&io, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 38 + 10, 0);
	http_client_init(&cl, &mem_ops, &io, 5);
	CHECK_EQ(http_client_exchange(&cl, &get_rq, collect, NULL), -1);
	CHECK_EQ(cl.parser.error, 502);
}

static int h_hi(struct http_request *req, struct http_response *resp)
{
	http_response_field(resp, "Content-Type", "text/plain");
	http_response_write(resp, "hi ", 3);
	return http_response_write(resp, req->path, strlen(req->path));
}

TEST(round_trip_through_server)
{
	static const struct http_route routes[] = {{"GET", "/", h_hi, NULL}};
	static struct http_server srv;
	static struct http_conn conn;
	static struct mem_io sio;
	srv.routes = routes, srv.nroutes = 1;
	/* The client's request bytes ... */
	exchange("", &get_rq);
	static char req[512];
	memcpy(req, io.out, io.out_len + 1);
	/* ... served ... */
	mem_init(&sio, req, strlen(req), 0);
	http_conn_init(&conn, &srv, &mem_ops, &sio, NULL, 0);
	CHECK_EQ(http_conn_serve(&conn), 0);
	sio.out[sio.out_len] = 0;
	/* ... and the answer read back. */
	CHECK_EQ(exchange(sio.out, &get_rq), 0);
	CHECK_EQ(cl.parser.msg.status, 200);
	CHECK_STR(got, "hi /a");
	CHECK(cl.reusable);
}

TEST(large_request_body_and_fields_sent_whole)
{
	static char body[3000], fields[700], want[4200];
	memset(body, 'b', sizeof(body));
	memset(fields, 'f', sizeof(fields));
	memcpy(fields, "X-Long: ", 8);
	memcpy(fields + sizeof(fields) - 3, "\r\n", 3);
	struct http_client_request put = {"PUT", "h", "/big", fields, {(const uint8_t *)body, sizeof(body)}, 0};
	CHECK_EQ(exchange("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", &put), 0);
	CHECK_EQ(cl.parser.msg.status, 201);
	int n = snprintf(want, sizeof(want), "PUT /big HTTP/1.1\r\nHost: h\r\n%sContent-Length: 3000\r\n\r\n", fields);
	CHECK_EQ(io.out_len, (size_t)n + sizeof(body));
	CHECK_MEM(io.out, want, (size_t)n);
	CHECK_MEM(io.out + n, body, sizeof(body));
}
