/* response.c: libFuzzer harness for the client's response reading: the
 * input is what a server sends, handed out in pieces the first byte picks;
 * its second byte picks GET or HEAD. */
#include <kiln/http.h>
#include <string.h>

struct fio {
	const uint8_t *in;
	size_t len, off, piece;
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
	(void)ctx, (void)buf;
	return (long)len;
}

static int sink(void *arg, struct view chunk)
{
	size_t *total = arg;
	*total += chunk.len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_client cl;
	struct http_client_request rq = {"GET", "h", "/", NULL, {0}, 0};
	struct fio f;
	size_t total = 0;
	if (size < 2)
		return 0;
	f = (struct fio){data + 2, size - 2, 0, data[0] % 64 + 1};
	if (data[1] & 1)
		rq.method = "HEAD";
	http_client_init(&cl, &(struct http_io){fread_, fwrite_, NULL}, &f, 4096);
	/* Up to three responses on one connection. */
	for (int i = 0; i < 3 && cl.reusable; i++)
		if (http_client_exchange(&cl, &rq, sink, &total) < 0)
			break;
	return 0;
}
