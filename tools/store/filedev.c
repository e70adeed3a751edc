/* filedev.c: a file as a store device (512-byte blocks), for the host tool. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiln_store.h"

static int fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	int fd = (int)(intptr_t)ctx;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int fd_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	int fd = (int)(intptr_t)ctx;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int fd_flush(void *ctx)
{
	return fdatasync((int)(intptr_t)ctx) ? -1 : 0;
}

int filedev_open(const char *path, bool create, uint64_t size, struct store_dev *dev)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || (create && st.st_size < (off_t)size && ftruncate(fd, (off_t)size) < 0) ||
	    fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	dev->capacity = (uint64_t)st.st_size / 512 * 512;
	dev->block_size = 512;
	dev->read = fd_read;
	dev->write = fd_write;
	dev->flush = fd_flush;
	dev->ctx = (void *)(intptr_t)fd;
	return 0;
}

void filedev_close(struct store_dev *dev)
{
	close((int)(intptr_t)dev->ctx);
}
