/* block.c: a file as a block device: attach, BLOCK_READ and BLOCK_WRITE
 * (docs/hvt-abi.md sections 2 and 5). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tender.h"

/* O_DSYNC: a BLOCK_WRITE is on stable storage before the hypercall returns,
 * which is what kiln_block_flush() promises on hvt (docs/hvt-abi.md,
 * "Durability"); the Solo5 ABI has no flush call to do it later. */
int tender_block_attach(struct mft_entry *e, const char *path, unsigned block_size)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_DSYNC);
	if (fd < 0)
		tender_die("block device %s: cannot open %s: %s", e->name, path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0)
		tender_die("block device %s: %s: %s", e->name, path, strerror(errno));
	off_t size = st.st_size;
	if (S_ISBLK(st.st_mode))
		size = lseek(fd, 0, SEEK_END);
	else if (!S_ISREG(st.st_mode))
		tender_die("block device %s: %s is not a regular file or block device", e->name, path);
	/* Solo5's words, where the condition is the same. */
	if (size < 0 || size % block_size != 0)
		tender_die("block device %s: %s: Backing storage size must be block aligned (%u "
			   "bytes): its size %lld is not a multiple of it", e->name, path, block_size,
			   (long long)size);
	e->u.block_basic.capacity = (uint64_t)size;
	e->u.block_basic.block_size = (uint16_t)block_size;
	return fd;
}

void tender_hc_block(struct tender_vm *vm, struct mft *m, struct hvt_hc_block_io *io, bool write)
{
	uint64_t h = io->handle;
	if (h >= m->entries || m->e[h].type != MFT_DEV_BLOCK_BASIC || !m->e[h].attached) {
		io->ret = HVT_EINVAL;
		return;
	}
	const struct mft_block_basic *bb = &m->e[h].u.block_basic;
	int fd = (int)m->e[h].b;
	/* The buffer is checked first: a bad pointer is a fault whatever else
	 * is wrong with the request. */
	void *buf = write ? tender_gpa(&vm->mem, io->data, io->len, "BLOCK_WRITE data")
			  : tender_gpa_w(&vm->mem, io->data, io->len, "BLOCK_READ buffer");
	/* One block per call, aligned, inside the device (no overflow: offset
	 * is compared against capacity - len, and len == block_size). */
	if (io->len != bb->block_size || io->offset % bb->block_size != 0 ||
	    bb->capacity < bb->block_size || io->offset > bb->capacity - bb->block_size) {
		io->ret = HVT_EINVAL;
		return;
	}
	ssize_t r;
	do
		r = write ? pwrite(fd, buf, io->len, (off_t)io->offset)
			  : pread(fd, buf, io->len, (off_t)io->offset);
	while (r < 0 && errno == EINTR);
	io->ret = r == (ssize_t)io->len ? HVT_OK : HVT_EUNSPEC;
}
