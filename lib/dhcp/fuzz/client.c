/* client.c: fuzz the DHCP client with arbitrary replies in every state. */
#include "../dhcp_wire.h"

#include <kiln/loop.h>
#include <stdlib.h>
#include <string.h>

static void drop(void *ctx, struct pbuf *msg, uint32_t dst) { (void)ctx; (void)dst; pbuf_free(msg); }
static void bound(void *ctx, const struct dhcp_lease *l) { (void)ctx; (void)l; }
static void lost(void *ctx) { (void)ctx; }
static const struct dhcp_ops ops = {drop, bound, lost};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_client c;
	struct dhcp_msg m;
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};

	(void)dhcp_decode(view_make(data, size), &m);
	dhcp_client_init(&c, mac, 1, &ops, NULL);
	/* The first byte picks the state the message arrives in. */
	dhcp_client_start(&c, size && (data[0] & 1) ? 0x0a000002 : 0, 0);
	if (size >= 8) { /* make the xid match so the input goes deep */
		uint8_t *copy = malloc(size);
		memcpy(copy, data, size);
		store_be32(copy + 4, c.xid);
		if (size >= 34)
			memcpy(copy + 28, mac, 6);
		dhcp_client_input(&c, view_make(copy, size), 1);
		dhcp_client_input(&c, view_make(copy, size), 2);
		dhcp_client_tick(&c, dhcp_client_next_deadline(&c));
		free(copy);
	}
	return 0;
}
