/* config.c: libFuzzer harness for net_config_from_args: the input, split at
 * NUL bytes, is the boot argument list. Whatever it is, the call returns 0
 * with a consistent configuration or -1 with a one-line, terminated message. */
#include "../../../tests/netstack/netstack_test.h"

#include <kiln/net.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *argv[34];
	int argc = 1;
	struct net_config cfg;
	char err[96];

	memcpy(copy, data, size);
	copy[size] = 0;
	argv[0] = "fuzz";
	for (size_t i = 0, start = 0; i <= size && argc < 33; i++)
		if (copy[i] == 0) {
			argv[argc++] = copy + start;
			start = i + 1;
		}
	argv[argc] = NULL;
	memset(err, 'x', sizeof(err));
	if (net_config_from_args(argc, argv, &cfg, err, sizeof(err)) < 0) {
		if (!memchr(err, 0, sizeof(err)) || strchr(err, '\n'))
			abort();
	} else if (cfg.have_ipv4) {
		uint32_t mask = ipv4_prefix_mask(cfg.prefix_len);
		if (cfg.prefix_len > 32 || !cfg.addr ||
		    (cfg.gateway && ((cfg.gateway ^ cfg.addr) & mask)))
			abort();
	} else if (cfg.gateway) {
		abort();
	}
	free(copy);
	return 0;
}
