/* fixture_test.c: end to end: lib/kv/tests/fixture baked by kiln-crunch
 * (tools/crunch/build.mk), served by http_static_handler, every file fetched
 * over one keep-alive connection and compared byte for byte with the file
 * on disk; then revalidated with its ETag (304). */
#include "harness.h"
#include "mem_io.h"

#include <stdio.h>
#include <stdlib.h>

KV_BAKED_DECLARE(kv_fixture);
extern const char *const kv_fixture_expect[][2];
extern const size_t kv_fixture_expect_count;

static struct http_static files = {&kv_fixture, NULL};
static const struct http_route routes[] = {{"GET", "/", http_static_handler, &files}};
static struct http_server srv = {routes, 1, "kiln", NULL, {0}, 0, {0}};
static struct http_conn conn;
static struct mem_io io;
static char reqs[16384];

/* Percent-encode what a client would (the space). */
static size_t encode(const char *key, char *out)
{
	size_t n = 0;
	for (; *key; key++) {
		if (*key == ' ')
			n += (size_t)sprintf(out + n, "%%20");
		else
			out[n++] = *key;
	}
	out[n] = 0;
	return n;
}

static char *read_file(const char *key, long *len)
{
	const char *file = __FILE__, *slash = strrchr(file, '/');
	char path[512];
	snprintf(path, sizeof(path), "%.*s/../../kv/tests/fixture/%s", (int)(slash - file), file, key);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	char *buf = malloc(*len + 1);
	if (fread(buf, 1, *len, f) != (size_t)*len)
		*len = -1;
	fclose(f);
	return buf;
}

TEST(every_baked_file_over_http_byte_exact)
{
	size_t n = 0;
	for (size_t i = 0; i < kv_fixture_expect_count; i++) {
		char enc[256];
		encode(kv_fixture_expect[i][0], enc);
		n += (size_t)snprintf(reqs + n, sizeof(reqs) - n, "GET /%s HTTP/1.1\r\nHost: x\r\n\r\n", enc);
	}
	mem_init(&io, reqs, n, 100);
	http_conn_init(&conn, &srv, &mem_ops, &io, NULL, 0);
	CHECK_EQ(http_conn_serve(&conn), 0);
	CHECK_EQ(srv.stats.responses_2xx, kv_fixture_expect_count);
	/* Walk the responses in order. */
	const char *p = io.out, *end = io.out + io.out_len;
	for (size_t i = 0; i < kv_fixture_expect_count; i++) {
		const char *key = kv_fixture_expect[i][0];
		char want_tag[64];
		long len;
		char *file = read_file(key, &len);
		CHECK(file != NULL && len >= 0);
		CHECK(strncmp(p, "HTTP/1.1 200 OK\r\n", 17) == 0);
		const char *hend = strstr(p, "\r\n\r\n");
		CHECK(hend != NULL);
		snprintf(want_tag, sizeof(want_tag), "ETag: \"%.32s\"\r\n", kv_fixture_expect[i][1]);
		CHECK(memmem(p, hend - p, want_tag, strlen(want_tag)) != NULL);
		const char *cl = memmem(p, hend - p, "Content-Length: ", 16);
		CHECK(cl != NULL);
		CHECK_EQ(strtol(cl + 16, NULL, 10), len);
		const char *body = hend + 4;
		CHECK(body + len <= end);
		CHECK(len == 0 || memcmp(body, file, len) == 0);
		free(file);
		p = body + len;
	}
	CHECK(p == end);
}

TEST(revalidation_with_baked_etag_is_304)
{
	char req[256];
	int n = snprintf(req, sizeof(req), "GET /css/site.css HTTP/1.1\r\nHost: x\r\nIf-None-Match: W/\"x\", \"");
	for (size_t i = 0; i < kv_fixture_expect_count; i++)
		if (strcmp(kv_fixture_expect[i][0], "css/site.css") == 0)
			n += snprintf(req + n, sizeof(req) - n, "%.32s\"\r\n\r\n", kv_fixture_expect[i][1]);
	mem_init(&io, req, (size_t)n, 0);
	http_conn_init(&conn, &srv, &mem_ops, &io, NULL, 0);
	CHECK_EQ(http_conn_serve(&conn), 0);
	io.out[io.out_len] = 0;
	CHECK(strncmp(io.out, "HTTP/1.1 304 Not Modified\r\n", 27) == 0);
	CHECK(strstr(io.out, "Content-Length") == NULL);
	CHECK(strcmp(io.out + io.out_len - 4, "\r\n\r\n") == 0);
}
