/* store_platform.c: the platform's block device (platform.h) as a store
 * device; its own archive member, so code that never names a platform
 * device (tests, fuzzers, host tools) does not link platform.h. */
#include "store_int.h"

#include <kiln/platform.h>

/* --- The platform's device: one block per call, as platform.h wants. ------ */

static int plat_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t bs = (size_t)((uintptr_t)ctx >> 48);
	for (size_t i = 0; i < len; i += bs)
		if (kiln_block_read((kiln_handle_t)((uintptr_t)ctx & 0xffffffffffffu), off + i,
				    p + i, bs) != KILN_OK)
			return STORE_EIO;
	return 0;
}

static int plat_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t bs = (size_t)((uintptr_t)ctx >> 48);
	for (size_t i = 0; i < len; i += bs)
		if (kiln_block_write((kiln_handle_t)((uintptr_t)ctx & 0xffffffffffffu), off + i,
				     p + i, bs) != KILN_OK)
			return STORE_EIO;
	return 0;
}

static int plat_flush(void *ctx)
{
	return kiln_block_flush((kiln_handle_t)((uintptr_t)ctx & 0xffffffffffffu)) == KILN_OK
		       ? 0 : STORE_EIO;
}

int store_dev_platform(const char *name, struct store_dev *dev)
{
	kiln_handle_t h;
	struct kiln_block_info info;
	if (kiln_block_acquire(name, &h, &info) != KILN_OK)
		return STORE_EINVAL;
	/* The handle and the block size travel in ctx: handles are small
	 * numbers, block sizes below 2^16. */
	if ((uint64_t)h >> 48 || info.block_size < 512 || info.block_size >= (1u << 16) ||
	    (info.block_size & (info.block_size - 1)))
		return STORE_EINVAL;
	dev->capacity = info.capacity / info.block_size * info.block_size;
	dev->block_size = (uint32_t)info.block_size;
	dev->read = plat_read;
	dev->write = plat_write;
	dev->flush = plat_flush;
	dev->ctx = (void *)(uintptr_t)((uint64_t)info.block_size << 48 | (uint64_t)h);
	return STORE_OK;
}
