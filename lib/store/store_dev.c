/* store_dev.c: byte-addressed reads over a whole-block device, through a
 * small cache of 16 KiB windows. Opening a store reads its log sequentially
 * in pieces of 40 bytes to 64 KiB; without the cache each piece was read
 * again block by block (on hvt one VM exit per 512-byte block, which made a
 * 4,000-object store take over a minute to open). */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define WIN (16u << 10)
#define NWIN 4

static struct window {
	const void *ctx; /* the device's; NULL: empty */
	uint64_t off, len, stamp;
	uint8_t data[WIN];
} windows[NWIN];
static uint64_t clock_;

void store_dev_invalidate(const struct store_dev *d)
{
	for (int i = 0; i < NWIN; i++)
		if (windows[i].ctx == d->ctx)
			windows[i].ctx = NULL;
}

static struct window *window_for(const struct store_dev *d, uint64_t off)
{
	uint64_t at = off / WIN * WIN;
	struct window *w = NULL;
	for (int i = 0; i < NWIN; i++) {
		if (windows[i].ctx == d->ctx && windows[i].off == at) {
			windows[i].stamp = ++clock_;
			return &windows[i];
		}
		if (!w || !windows[i].ctx || (w->ctx && windows[i].stamp < w->stamp))
			w = &windows[i];
	}
	uint64_t len = d->capacity - at < WIN ? d->capacity - at : WIN;
	len = len / d->block_size * d->block_size;
	w->ctx = NULL;
	if (len == 0 || d->read(d->ctx, at, w->data, (size_t)len))
		return NULL;
	w->ctx = d->ctx;
	w->off = at;
	w->len = len;
	w->stamp = ++clock_;
	return w;
}

int store_dev_pread(const struct store_dev *d, uint64_t off, void *buf, size_t len)
{
	uint8_t *out = buf;
	if (off > d->capacity || len > d->capacity - off || WIN % d->block_size)
		return STORE_EIO;
	while (len) {
		struct window *w = window_for(d, off);
		if (!w || off - w->off >= w->len)
			return STORE_EIO;
		size_t in = (size_t)(off - w->off), n = (size_t)w->len - in;
		if (n > len)
			n = len;
		memcpy(out, w->data + in, n);
		out += n, off += n, len -= n;
	}
	return STORE_OK;
}

int store_dev_pwrite(const struct store_dev *d, uint64_t off, const void *buf, size_t len)
{
	for (int i = 0; i < NWIN; i++)
		if (windows[i].ctx == d->ctx && windows[i].off < off + len &&
		    off < windows[i].off + windows[i].len)
			windows[i].ctx = NULL;
	return d->write(d->ctx, off, buf, len) ? STORE_EIO : STORE_OK;
}
