/* request.c: libFuzzer harness for the request parser and the server
 * engine: the input is a byte stream (pipelined, chunked, anything) fed
 * in pieces whose size the first byte picks. */
#include <kiln/http.h>
#include <stdlib.h>
#include <string.h>

struct fio {
	const uint8_t *in;
	size_t len, off, piece;
	size_t out;
};

static long fread_(void *ctx, void *buf, size_t len)
{
	struct fio *f = ctx;
	size_t n = f->len - f->off;
	if (n > len)
		n = len;
	if (n > f->piece)
		n = f->piece;
	memcpy(buf, f->in + f->off, n);
	f->off += n;
	return (long)n;
}

static long fwrite_(void *ctx, const void *buf, size_t len)
{
	struct fio *f = ctx;
	(void)buf;
	f->out += len;
	return (long)len;
}

static int h_echo(struct http_request *req, struct http_response *resp)
{
	http_response_field(resp, "Content-Type", "text/plain");
	if (req->body.len)
		return http_response_write(resp, req->body.data, req->body.len);
	http_response_etag(resp, "\"e\"");
	http_response_body(resp, view_make(req->path, strlen(req->path)));
	return 0;
}

static const uint8_t page[] = "<p>x</p>";
static const struct kv_baked_entry entries[] = {
	{"a/index.html", 12, page, 8, 0, {0}, "\"p\""},
	{"index.html", 10, page, 8, 0, {0}, "\"p\""},
};
static const struct kv_baked table = {entries, 2};
static const struct kv_store store = {&kv_baked_ops, &table};
static struct http_static files = {&store, NULL};
static const struct http_route routes[] = {
	{"POST", "/echo", h_echo, NULL},
	{NULL, "/any/", h_echo, NULL},
	{"GET", "/", http_static_handler, &files},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_parser p;
	static struct http_conn c;
	static uint8_t body[256];
	struct http_server srv = {routes, 3, "kiln", NULL, {0}, 0, {0}};
	struct fio f;
	size_t piece;
	if (size < 1)
		return 0;
	piece = data[0] % 64 + 1;
	data++, size--;
	/* The parser alone, in pieces. */
	http_parser_init(&p, HTTP_REQUEST, 1000);
	for (size_t off = 0; off < size;) {
		size_t n = size - off < piece ? size - off : piece, used = 0;
		int stop = 0;
		for (int guard = 0; guard < 100000 && !stop; guard++) {
			enum http_event ev;
			struct view b, rest = view_make(data + off + used, n - used);
			size_t u = http_parser_push(&p, rest, &ev, &b);
			if (u > rest.len || (ev == HTTP_EV_BODY && (b.data < rest.data ||
								    b.data + b.len > rest.data + rest.len)))
				abort();
			used += u;
			if (ev == HTTP_EV_MORE)
				break;
			if (ev == HTTP_EV_ERROR)
				stop = 2;
		}
		if (stop == 2)
			break;
		off += n;
	}
	/* The whole server over a transport handing out those pieces. */
	f = (struct fio){data, size, 0, piece, 0};
	http_conn_init(&c, &srv, &(struct http_io){fread_, fwrite_, NULL}, &f, body, sizeof(body));
	http_conn_serve(&c);
	return 0;
}
