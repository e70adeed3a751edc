/* blockdev.c: an hvt test guest for the block calls: acquire by name, write and
 * read back a block, and the EINVAL cases, with the sector size the tender
 * gives (tests/hvt/devices.sh; tests/tender/sector.sh: 512 to 32768). */
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
	static uint8_t out[32768], in[32768];
	struct kiln_block_info info;
	kiln_handle_t h, net;

	expect("acquire disk", kiln_block_acquire("disk", &h, &info), KILN_OK);
	printf("capacity %" PRIu64 " block_size %" PRIu64 " handle %" PRIu64 "\n",
	       info.capacity, info.block_size, (uint64_t)h);
	size_t bs = (size_t)info.block_size;
	if (bs < 512 || bs > sizeof(out)) {
		printf("blockdev: block size %zu out of range\n", bs);
		return 1;
	}
	/* A read into its own code: the tender may not write there either (W^X),
	 * and ends the guest (tests/tender/wx.sh). */
	if (argc > 1 && strcmp(argv[1], "readintotext") == 0) {
		kiln_block_read(h, 0, (uint8_t *)(uintptr_t)&kiln_main, bs);
		printf("blockdev: read into text returned\n");
		return 1;
	}
	expect("acquire an undeclared name", kiln_block_acquire("nope", &net, &info), KILN_EINVAL);
	expect("acquire a block device as net", kiln_net_acquire("disk", &net, NULL), KILN_EINVAL);
	for (size_t i = 0; i < bs; i++)
		out[i] = (uint8_t)(i * 7 + 1);
	expect("write block 3", kiln_block_write(h, 3 * bs, out, bs), KILN_OK);
	expect("read block 3", kiln_block_read(h, 3 * bs, in, bs), KILN_OK);
	expect("same bytes", memcmp(in, out, bs), 0);
	expect("read block 0 (from the host)", kiln_block_read(h, 0, in, bs), KILN_OK);
	printf("block0 %.16s\n", (const char *)in);
	expect("unaligned offset", kiln_block_read(h, 100, in, bs), KILN_EINVAL);
	if (bs > 512) /* one 512-byte sector of a larger block: not a block */
		expect("a 512-byte part of a block", kiln_block_read(h, 512, in, 512), KILN_EINVAL);
	expect("short size", kiln_block_read(h, 0, in, 100), KILN_EINVAL);
	expect("past the end", kiln_block_read(h, info.capacity, in, bs), KILN_EINVAL);
	expect("bad handle", kiln_block_read(h + 5, 0, in, bs), KILN_EINVAL);
	expect("reserved handle 0", kiln_block_read(0, 0, in, bs), KILN_EINVAL);
	printf("blockdev: %d wrong\n", fails);
	return fails == 0 ? 0 : 1;
}
