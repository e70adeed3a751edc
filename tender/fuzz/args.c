/* args.c: libFuzzer harness for the tender's command line
 * (tender_args_parse, tender/args.c; docs/tender.md).
 *
 * The input is split at NUL bytes into arguments after argv[0] (at most
 * 96, so more than the 63 devices and 16 forwards the parser bounds).
 * A usage error is returned with a message (tender_args_parse never
 * exits). An accepted command line must satisfy what the rest of the
 * tender relies on: an image, device names valid and unique, counts within
 * their arrays, guest arguments inside argv; --help sets only help. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tender.h"

#define ARGS_MAX 96

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[65536 + 1];
	static char *argv[ARGS_MAX + 2];
	static struct tender_args a;
	int argc = 0;

	if (size > sizeof buf - 1)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "tender";
	for (size_t i = 0; i <= size && argc <= ARGS_MAX;) {
		char *s = buf + i;
		size_t n = strlen(s);
		argv[argc++] = s;
		i += n + 1;
	}
	argv[argc] = NULL;
	char err[600];
	memset(err, 0x55, sizeof err);
	if (tender_args_parse(&a, argc, argv, err, sizeof err) < 0) {
		if (!memchr(err, '\0', sizeof err) || !err[0])
			abort();
		return 0;
	}
	if (a.help)
		return 0;
	if (!a.image || a.ndev > TENDER_MAX_DEVICE_ARGS || a.nforward > TENDER_MAX_FORWARDS ||
	    a.nmac > TENDER_MAX_DEVICE_ARGS || a.guest_argc < 0 || a.guest_argc >= argc ||
	    a.guest_argv + a.guest_argc != argv + argc || a.mem_size < (2u << 20) ||
	    a.mem_size % (2u << 20))
		abort();
	for (unsigned i = 0; i < a.ndev; i++) {
		size_t n = strlen(a.dev[i].name);
		if (n < 1 || n > 67 || !a.dev[i].path[0])
			abort();
		for (unsigned j = 0; j < i; j++)
			if (strcmp(a.dev[i].name, a.dev[j].name) == 0)
				abort();
	}
	return 0;
}
