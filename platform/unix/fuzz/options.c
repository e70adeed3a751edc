/* options.c: libFuzzer harness for the unix appliance's command line
 * (unix_options_parse, platform/unix/options.c; docs/config.md).
 *
 * Input: [manifest][arguments split at NUL bytes]. The first byte picks
 * which of four devices (net "service", net "uplink", block "disk", block
 * "logs") the appliance declares; up to 96 arguments follow argv[0]. An
 * accepted command line must satisfy what start-up relies on: first_arg
 * within argv, every device given once and declared with its type, every
 * declared device given (unless --help), counts within their arrays, and
 * the error text NUL-terminated when refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unix.h"

#define ARGS_MAX 96

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kiln_device all[4] = {
		{"service", KILN_DEVICE_NET, NULL}, {"uplink", KILN_DEVICE_NET, NULL},
		{"disk", KILN_DEVICE_BLOCK, NULL}, {"logs", KILN_DEVICE_BLOCK, NULL}};
	static char buf[65536 + 1];
	static char *argv[ARGS_MAX + 2];
	static struct unix_options o;
	static struct kiln_manifest m;
	char err[512];
	int argc = 0;

	if (size < 1 || size > sizeof buf)
		return 0;
	m.count = 0;
	for (unsigned k = 0; k < 4; k++)
		if (data[0] >> k & 1)
			m.dev[m.count++] = all[k];
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	argv[argc++] = "appliance";
	for (size_t i = 0; i < size && argc <= ARGS_MAX;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	memset(err, 0x55, sizeof err);
	if (unix_options_parse(argc, argv, &m, &o, err, sizeof err) < 0) {
		if (!memchr(err, '\0', sizeof err))
			abort();
		return 0;
	}
	if (o.first_arg < 1 || o.first_arg > argc || o.ndev > UNIX_MAX_HANDLE ||
	    o.nforward > UNIX_MAX_FORWARDS || o.nmac > UNIX_MAX_HANDLE)
		abort();
	for (unsigned j = 0; j < o.ndev; j++) {
		unsigned k;
		for (k = 0; k < m.count; k++)
			if (strlen(m.dev[k].name) == o.dev[j].name_len &&
			    memcmp(m.dev[k].name, o.dev[j].name, o.dev[j].name_len) == 0)
				break;
		if (k == m.count || m.dev[k].type != o.dev[j].type || !o.dev[j].value)
			abort();
		for (unsigned i = 0; i < j; i++)
			if (o.dev[i].name_len == o.dev[j].name_len &&
			    memcmp(o.dev[i].name, o.dev[j].name, o.dev[j].name_len) == 0)
				abort();
	}
	if (!o.help && o.ndev != m.count)
		abort();
	return 0;
}
