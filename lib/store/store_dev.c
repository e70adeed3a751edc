/* store_dev.c: byte-addressed reads over a whole-block device. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>


int store_dev_pread(const struct store_dev *d, uint64_t off, void *buf, size_t len)
{
	uint8_t *out = buf, *bounce = NULL;
	uint32_t bs = d->block_size;
	if (off > d->capacity || len > d->capacity - off)
		return STORE_EIO;
	while (len) {
		uint64_t blk = off / bs * bs;
		size_t in = (size_t)(off - blk);
		if (in == 0 && len >= bs) {
			size_t n = len / bs * bs;
			if (n > (1u << 20))
				n = 1u << 20;
			if (d->read(d->ctx, off, out, n)) {
				free(bounce);
				return STORE_EIO;
			}
			out += n, off += n, len -= n;
			continue;
		}
		if (!bounce && !(bounce = malloc(bs)))
			return STORE_ENOMEM;
		if (d->read(d->ctx, blk, bounce, bs)) {
			free(bounce);
			return STORE_EIO;
		}
		size_t n = bs - in < len ? bs - in : len;
		memcpy(out, bounce + in, n);
		out += n, off += n, len -= n;
	}
	free(bounce);
	return STORE_OK;
}
