/* block.c: block devices on the unix target: a host file, 512-byte blocks,
 * pread/pwrite of one block per call (platform.h). kiln_unix_block_attach is
 * named by every KILN_BLOCK manifest entry (manifest.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unix.h"

/* The sector size of every disk and of hvt's default (hvt-abi.md 5). */
#define UNIX_BLOCK_SIZE 512

int kiln_unix_block_attach(const struct kiln_device *mdev, unsigned handle,
			   const char *value, char *err, size_t errlen)
{
	struct unix_device *d = &unix_devices[handle];
	struct stat st;
	int fd = open(value, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "--block:%s=%s: cannot open: %s", mdev->name, value,
			 strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "--block:%s=%s: not a regular file", mdev->name, value);
		close(fd);
		return -1;
	}
	d->name = mdev->name;
	d->type = KILN_DEVICE_BLOCK;
	d->fd = fd;
	d->block_info.block_size = UNIX_BLOCK_SIZE;
	/* A partial last block is not part of the device. */
	d->block_info.capacity = (uint64_t)st.st_size / UNIX_BLOCK_SIZE * UNIX_BLOCK_SIZE;
	d->attached = true;
	return 0;
}

enum kiln_result kiln_block_acquire(const char *name, kiln_handle_t *handle,
				    struct kiln_block_info *info)
{
	struct unix_device *d = unix_device_find(name, KILN_DEVICE_BLOCK);

	if (d == NULL || handle == NULL)
		return KILN_EINVAL;
	*handle = (kiln_handle_t)(d - unix_devices);
	if (info)
		*info = d->block_info;
	return KILN_OK;
}

/* The device, if handle, offset and size describe exactly one block in it. */
static struct unix_device *block_check(kiln_handle_t handle, uint64_t offset,
				       const void *buf, size_t size)
{
	struct unix_device *d = unix_device_get(handle, KILN_DEVICE_BLOCK);

	if (d == NULL || buf == NULL || size != d->block_info.block_size ||
	    offset % d->block_info.block_size != 0 || offset >= d->block_info.capacity)
		return NULL;
	return d;
}

enum kiln_result kiln_block_write(kiln_handle_t handle, uint64_t offset,
				  const uint8_t *buf, size_t size)
{
	struct unix_device *d = block_check(handle, offset, buf, size);

	if (d == NULL)
		return KILN_EINVAL;
	ssize_t n;
	do
		n = pwrite(d->fd, buf, size, (off_t)offset);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)size ? KILN_OK : KILN_EUNSPEC;
}

enum kiln_result kiln_block_read(kiln_handle_t handle, uint64_t offset,
				 uint8_t *buf, size_t size)
{
	struct unix_device *d = block_check(handle, offset, buf, size);

	if (d == NULL)
		return KILN_EINVAL;
	ssize_t n;
	do
		n = pread(d->fd, buf, size, (off_t)offset);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)size ? KILN_OK : KILN_EUNSPEC;
}

enum kiln_result kiln_block_flush(kiln_handle_t handle)
{
	struct unix_device *d = unix_device_get(handle, KILN_DEVICE_BLOCK);

	if (d == NULL)
		return KILN_EINVAL;
	int rc;
	do
		rc = fdatasync(d->fd);
	while (rc < 0 && errno == EINTR);
	return rc == 0 ? KILN_OK : KILN_EUNSPEC;
}
