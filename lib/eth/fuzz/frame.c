/* frame.c: libFuzzer harness for Ethernet II input (eth_decode, eth_input). */
#include "../../../tests/netstack/netstack_test.h"

#include <kiln/eth.h>
#include <stdlib.h>

static void sink(void *ctx, const struct eth_hdr *h, struct view payload, kiln_time_t now)
{
	(void)ctx, (void)h, (void)now;
	fuzz_touch(payload);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = {0x56, 0x2b, 0xe5, 0x49, 0xf2, 0x91};
	struct capture cap = {0};
	struct eth_dev dev = capture_dev(&cap);
	struct eth e;
	/* Exact-size copy so any over-read hits ASan's redzone. */
	uint8_t *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	eth_init(&e, mac, &dev);
	eth_register(&e, ETH_TYPE_ARP, sink, NULL);
	eth_register(&e, ETH_TYPE_IPV4, sink, NULL);
	eth_input(&e, view_make(copy, size), 0);
	if (e.counters.rx_frames != 1)
		abort();
	free(copy);
	capture_clear(&cap);
	return 0;
}
