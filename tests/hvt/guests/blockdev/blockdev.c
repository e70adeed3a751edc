/* blockdev.c: an hvt test guest for the block calls: acquire by name, write and
 * read back a block, and the EINVAL cases (tests/hvt/devices.sh). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <kiln/platform.h>

static int fails;

static void expect(const char *what, int got, int want)
{
	printf("%s: %s (%d)\n", got == want ? "ok" : "WRONG", what, got);
	fails += got != want;
}

int kiln_main(int argc, char **argv)
{
	static uint8_t out[512], in[512];
	struct kiln_block_info info;
	kiln_handle_t h, net;

	(void)argc, (void)argv;
	expect("acquire disk", kiln_block_acquire("disk", &h, &info), KILN_OK);
	printf("capacity %" PRIu64 " block_size %" PRIu64 " handle %" PRIu64 "\n",
	       info.capacity, info.block_size, (uint64_t)h);
	expect("acquire an undeclared name", kiln_block_acquire("nope", &net, &info), KILN_EINVAL);
	expect("acquire a block device as net", kiln_net_acquire("disk", &net, NULL), KILN_EINVAL);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 1);
	expect("write block 3", kiln_block_write(h, 3 * 512, out, 512), KILN_OK);
	expect("read block 3", kiln_block_read(h, 3 * 512, in, 512), KILN_OK);
	expect("same bytes", memcmp(in, out, 512), 0);
	expect("read block 0 (from the host)", kiln_block_read(h, 0, in, 512), KILN_OK);
	printf("block0 %.16s\n", (const char *)in);
	expect("unaligned offset", kiln_block_read(h, 100, in, 512), KILN_EINVAL);
	expect("short size", kiln_block_read(h, 0, in, 100), KILN_EINVAL);
	expect("past the end", kiln_block_read(h, info.capacity, in, 512), KILN_EINVAL);
	expect("bad handle", kiln_block_read(h + 5, 0, in, 512), KILN_EINVAL);
	expect("reserved handle 0", kiln_block_read(0, 0, in, 512), KILN_EINVAL);
	printf("blockdev: %d wrong\n", fails);
	return fails == 0 ? 0 : 1;
}
