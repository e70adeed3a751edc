/* block.c: block devices (include/kiln/platform.h) over the BLOCK_READ/BLOCK_WRITE
 * hypercalls, one block per call. Its own archive member, like net.c. */
#include <kiln/platform.h>

#include "hvt.h"

enum kiln_result kiln_block_acquire(const char *name, kiln_handle_t *handle,
				    struct kiln_block_info *info)
{
	int h = hvt_device_find(name, MFT_DEV_BLOCK_BASIC);
	const struct mft_entry *e;

	if (h < 0)
		return KILN_EINVAL;
	e = hvt_device((uint64_t)h, MFT_DEV_BLOCK_BASIC);
	*handle = (kiln_handle_t)h;
	if (info != NULL) {
		info->capacity = e->u.block_basic.capacity;
		info->block_size = e->u.block_basic.block_size;
	}
	return KILN_OK;
}

/* The checks of platform.h, made here so a bad call costs no VM exit. */
static enum kiln_result block_io(enum hvt_hypercall nr, kiln_handle_t handle, uint64_t offset,
				 const uint8_t *buf, size_t size)
{
	const struct mft_entry *e = hvt_device(handle, MFT_DEV_BLOCK_BASIC);
	struct hvt_hc_block_io io = {0};
	uint64_t bs;

	if (e == NULL)
		return KILN_EINVAL;
	bs = e->u.block_basic.block_size;
	if (bs == 0 || size != bs || offset % bs != 0 || offset >= e->u.block_basic.capacity)
		return KILN_EINVAL;
	io.handle = handle;
	io.offset = offset;
	io.data = (uint64_t)(uintptr_t)buf;
	io.len = size;
	io.ret = HVT_EUNSPEC;
	hvt_hypercall(nr, &io);
	return hvt_result(io.ret);
}

enum kiln_result kiln_block_write(kiln_handle_t handle, uint64_t offset, const uint8_t *buf,
				  size_t size)
{
	return block_io(HVT_HYPERCALL_BLOCK_WRITE, handle, offset, buf, size);
}

enum kiln_result kiln_block_read(kiln_handle_t handle, uint64_t offset, uint8_t *buf,
				 size_t size)
{
	return block_io(HVT_HYPERCALL_BLOCK_READ, handle, offset, buf, size);
}

/* kiln's tender writes blocks O_DSYNC (platform.h): nothing to do but check. */
enum kiln_result kiln_block_flush(kiln_handle_t handle)
{
	return hvt_device(handle, MFT_DEV_BLOCK_BASIC) != NULL ? KILN_OK : KILN_EINVAL;
}
