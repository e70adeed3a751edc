/* boot_args.c: libFuzzer harness for how the hvt command line becomes
 * kiln_main's argv (hvt_split_args, platform/hvt/boot_args.c), compiled for
 * the host. The input is the command line (cut at a NUL, as the monitor
 * passes a C string), with the guest's buffer sizes; the buffers are zeroed
 * before each run as bss is at boot. Every word must be non-empty, free of
 * blanks, inside the buffer and terminated there; the words must be the
 * input's own, in order (of its first HVT_CMDLINE_SIZE - 1 bytes); argv
 * must hold them all, with argv[argc] NULL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/hvt_abi.h>

#include "boot_args.h"

static int blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char src[2 * HVT_CMDLINE_SIZE + 1];
	static char buf[HVT_CMDLINE_SIZE];
	static char *argv[HVT_CMDLINE_SIZE / 2 + 2];
	const size_t nargv = sizeof argv / sizeof argv[0];

	if (size > sizeof src - 1)
		size = sizeof src - 1;
	memcpy(src, data, size);
	src[size] = '\0';
	memset(buf, 0, sizeof buf);
	memset(argv, 0, sizeof argv);
	int argc = hvt_split_args(size & 1 && data[0] == 0xff ? NULL : src, "app", buf, sizeof buf,
				  argv);
	if (argc < 1 || (size_t)argc >= nargv || argv[argc] != NULL || strcmp(argv[0], "app") != 0)
		abort();
	/* The expected words, from the input's first sizeof buf - 1 bytes. */
	size_t n = strnlen(src, sizeof buf - 1), i = 0;
	int k = 1;
	if (size & 1 && data[0] == 0xff)
		n = 0;
	while (i < n) {
		while (i < n && blank(src[i]))
			i++;
		if (i == n)
			break;
		size_t start = i;
		while (i < n && !blank(src[i]))
			i++;
		if (k >= argc)
			abort();
		const char *w = argv[k++];
		if (w < buf || w >= buf + sizeof buf || !memchr(w, '\0', (size_t)(buf + sizeof buf - w)))
			abort();
		if (strlen(w) != i - start || memcmp(w, src + start, i - start) != 0)
			abort();
	}
	if (k != argc)
		abort();
	return 0;
}
