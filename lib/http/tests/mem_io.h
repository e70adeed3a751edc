/* mem_io.h: an in-memory struct http_io for tests: reads come from a string
 * in pieces of at most `piece` bytes, writes append to out (at most `wpiece`
 * bytes per call, to exercise partial writes). */
#ifndef KILN_HTTP_TEST_MEM_IO_H
#define KILN_HTTP_TEST_MEM_IO_H

#include <kiln/http.h>
#include <string.h>

struct mem_io {
	const char *in;
	size_t in_len, in_off, piece;
	char out[1 << 17];
	size_t out_len, wpiece;
	int reads, writes;
};

static long mem_read(void *ctx, void *buf, size_t len)
{
	struct mem_io *m = ctx;
	size_t n = m->in_len - m->in_off;
	if (n > len)
		n = len;
	if (m->piece && n > m->piece)
		n = m->piece;
	memcpy(buf, m->in + m->in_off, n);
	m->in_off += n;
	m->reads++;
	return (long)n;
}

static long mem_write(void *ctx, const void *buf, size_t len)
{
	struct mem_io *m = ctx;
	if (m->wpiece && len > m->wpiece)
		len = m->wpiece;
	if (len > sizeof(m->out) - m->out_len)
		return -1;
	memcpy(m->out + m->out_len, buf, len);
	m->out_len += len;
	m->writes++;
	return (long)len;
}

static const struct http_io mem_ops = {mem_read, mem_write, NULL};

static void mem_init(struct mem_io *m, const char *in, size_t len, size_t piece)
{
	memset(m, 0, sizeof(*m));
	m->in = in;
	m->in_len = len;
	m->piece = piece;
}

#endif
