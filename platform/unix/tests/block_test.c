/* block_test.c: block devices on a file and the device table
 * (platform/unix/block.c, device.c; platform.h). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "unix.h"

static char path[64];
static char err[512];

/* A 3-block file plus 100 bytes, attached as handle 5 named "disk". */
static int attach(void)
{
	static const struct kiln_device md = {.name = "disk", .type = KILN_DEVICE_BLOCK};
	snprintf(path, sizeof path, "/tmp/kiln-unix-block-test-%d", (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 3 * 512 + 100) < 0)
		return -1;
	close(fd);
	int r = kiln_unix_block_attach(&md, 5, path, err, sizeof err);
	unlink(path);
	return r;
}

TEST(attach_acquire_read_write)
{
	static uint8_t out[512], in[512];
	struct kiln_block_info info;
	kiln_handle_t h;

	CHECK_EQ(attach(), 0);
	CHECK_EQ(kiln_block_acquire("disk", &h, &info), KILN_OK);
	CHECK_EQ(h, 5);
	CHECK_EQ(info.capacity, 3 * 512);
	CHECK_EQ(info.block_size, 512);
	CHECK_EQ(kiln_block_acquire("other", &h, &info), KILN_EINVAL);
	CHECK_EQ(kiln_net_acquire("disk", &h, NULL), KILN_EINVAL); /* not a net device */
	for (unsigned i = 0; i < sizeof out; i++)
		out[i] = (uint8_t)(i ^ 0x5a);
	CHECK_EQ(kiln_block_write(5, 1024, out, 512), KILN_OK);
	CHECK_EQ(kiln_block_read(5, 1024, in, 512), KILN_OK);
	CHECK_MEM(in, out, 512);
	CHECK_EQ(kiln_block_read(5, 0, in, 512), KILN_OK);
	CHECK_EQ(in[0], 0); /* untouched block reads as zeros */
}

TEST(einval_cases)
{
	static uint8_t buf[1024];
	CHECK_EQ(attach(), 0);
	CHECK_EQ(kiln_block_read(5, 3 * 512, buf, 512), KILN_EINVAL);  /* at capacity */
	CHECK_EQ(kiln_block_write(5, 3 * 512, buf, 512), KILN_EINVAL);
	CHECK_EQ(kiln_block_read(5, 1, buf, 512), KILN_EINVAL);        /* misaligned */
	CHECK_EQ(kiln_block_read(5, 0, buf, 511), KILN_EINVAL);        /* short */
	CHECK_EQ(kiln_block_read(5, 0, buf, 1024), KILN_EINVAL);       /* two blocks */
	CHECK_EQ(kiln_block_read(5, UINT64_MAX - 511, buf, 512), KILN_EINVAL);
	CHECK_EQ(kiln_block_read(4, 0, buf, 512), KILN_EINVAL);        /* no device */
	CHECK_EQ(kiln_block_read(0, 0, buf, 512), KILN_EINVAL);
	CHECK_EQ(kiln_block_read(64, 0, buf, 512), KILN_EINVAL);
	CHECK_EQ(kiln_block_read(UINT64_MAX, 0, buf, 512), KILN_EINVAL);
	CHECK_EQ(kiln_block_read(5, 0, NULL, 512), KILN_EINVAL);
	CHECK_EQ(kiln_block_read(5, 2 * 512, buf, 512), KILN_OK);       /* the last block */
}

TEST(attach_errors)
{
	static const struct kiln_device md = {.name = "disk", .type = KILN_DEVICE_BLOCK};
	CHECK_EQ(kiln_unix_block_attach(&md, 6, "/nonexistent/file", err, sizeof err), -1);
	CHECK_STR(err, "--block:disk=/nonexistent/file: cannot open: No such file or directory");
	CHECK_EQ(kiln_unix_block_attach(&md, 6, "/tmp", err, sizeof err), -1);
	CHECK(strstr(err, "cannot open") != NULL || strstr(err, "not a regular file") != NULL);
}
