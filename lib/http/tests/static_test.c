/* static_test.c: the static-file handler over a baked kv store: bytes,
 * Content-Type, ETag and 304, index files, directory redirects, escapes. */
#include "harness.h"
#include "mem_io.h"

static const uint8_t idx[] = "<p>home</p>\n", css[] = "p{}\n", png[] = {0x89, 'P', 'N', 'G', 0, 1};
static const uint8_t docidx[] = "docs\n", sp[] = "space\n";
static const struct kv_baked_entry entries[] = {
	{"docs/index.html", 15, docidx, 5, 0, {0}, "\"d0c5\""},
	{"img/a.png", 9, png, 6, 0, {0}, "\"1mg\""},
	{"index.html", 10, idx, 12, 1000000000000000000ull, {0}, "\"1dx\""},
	{"site.css", 8, css, 4, 0, {0}, "\"c55\""},
	{"space name.txt", 14, sp, 6, 0, {0}, "\"5p\""},
};
static const struct kv_baked table = {entries, 5};
static const struct kv_store store = {&kv_baked_ops, &table};
static struct http_static files = {&store, NULL};
static const struct http_route routes[] = {{"GET", "/", http_static_handler, &files}};
static struct http_server srv = {routes, 1, NULL, NULL, {0}, 0, {0}};
static struct http_conn conn;
static struct mem_io io;

static const char *get(const char *req)
{
	mem_init(&io, req, strlen(req), 0);
	http_conn_init(&conn, &srv, &mem_ops, &io, NULL, 0);
	http_conn_serve(&conn);
	io.out[io.out_len] = 0;
	return io.out;
}

TEST(serves_files_with_type_etag_and_last_modified)
{
	CHECK_STR(get("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		  "HTTP/1.1 200 OK\r\nETag: \"1dx\"\r\nContent-Type: text/html; charset=utf-8\r\n"
		  "Last-Modified: Sun, 09 Sep 2001 01:46:40 GMT\r\nAccept-Ranges: bytes\r\nContent-Length: 12\r\n\r\n<p>home</p>\n");
	CHECK_STR(get("GET /site.css HTTP/1.1\r\nHost: x\r\n\r\n"),
		  "HTTP/1.1 200 OK\r\nETag: \"c55\"\r\nContent-Type: text/css; charset=utf-8\r\n"
		  "Accept-Ranges: bytes\r\nContent-Length: 4\r\n\r\np{}\n");
	get("GET /img/a.png HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK(strstr(io.out, "Content-Type: image/png\r\nAccept-Ranges: bytes\r\nContent-Length: 6\r\n\r\n") != NULL);
	CHECK_MEM(io.out + io.out_len - 6, png, 6);
	CHECK(strstr(get("GET /space%20name.txt HTTP/1.1\r\nHost: x\r\n\r\n"), "\r\n\r\nspace\n") != NULL);
	CHECK(strstr(get("GET /docs/ HTTP/1.1\r\nHost: x\r\n\r\n"), "\r\n\r\ndocs\n") != NULL);
	CHECK(strstr(get("GET /img/../site.css?v=2 HTTP/1.1\r\nHost: x\r\n\r\n"), "\r\n\r\np{}\n") != NULL);
}

TEST(head_and_304)
{
	CHECK_STR(get("HEAD /site.css HTTP/1.1\r\nHost: x\r\n\r\n"),
		  "HTTP/1.1 200 OK\r\nETag: \"c55\"\r\nContent-Type: text/css; charset=utf-8\r\n"
		  "Accept-Ranges: bytes\r\nContent-Length: 4\r\n\r\n");
	CHECK_STR(get("GET /site.css HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"c55\"\r\n\r\n"),
		  "HTTP/1.1 304 Not Modified\r\nETag: \"c55\"\r\n\r\n");
}

TEST(directory_redirect_and_misses)
{
	CHECK_STR(get("GET /docs HTTP/1.1\r\nHost: x\r\n\r\n"),
		  "HTTP/1.1 301 Moved Permanently\r\nLocation: /docs/\r\nContent-Length: 0\r\n\r\n");
	CHECK(strstr(get("GET /img/ HTTP/1.1\r\nHost: x\r\n\r\n"), "HTTP/1.1 404 ") == io.out);
	CHECK(strstr(get("GET /nope.html HTTP/1.1\r\nHost: x\r\n\r\n"), "HTTP/1.1 404 ") == io.out);
	CHECK(strstr(get("GET /../index.html HTTP/1.1\r\nHost: x\r\n\r\n"), "HTTP/1.1 400 ") == io.out);
	CHECK(strstr(get("GET /%2e%2e%2findex.html HTTP/1.1\r\nHost: x\r\n\r\n"), "HTTP/1.1 400 ") == io.out);
	CHECK(strstr(get("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), "HTTP/1.1 405 ") == io.out);
	CHECK(strstr(io.out, "Allow: GET, HEAD\r\n") != NULL);
}
