/* eth.c: the Ethernet layer: address filter and ethertype dispatch (see eth.h). */
#include <kiln/eth.h>

#include <string.h>

void eth_init(struct eth *e, const uint8_t mac[ETH_ADDR_LEN], const struct eth_dev *dev)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->mac, mac, ETH_ADDR_LEN);
	e->dev = *dev;
}

bool eth_register(struct eth *e, uint16_t type, eth_handler_fn fn, void *ctx)
{
	for (int i = 0; i < ETH_MAX_HANDLERS; i++) {
		if (e->handlers[i].fn && e->handlers[i].type == type)
			return false;
		if (!e->handlers[i].fn) {
			e->handlers[i].type = type;
			e->handlers[i].fn = fn;
			e->handlers[i].ctx = ctx;
			return true;
		}
	}
	return false;
}

void eth_input(struct eth *e, struct view frame, kiln_time_t now)
{
	eth_input_ex(e, frame, 0, now);
}

void eth_input_ex(struct eth *e, struct view frame, unsigned rx_flags, kiln_time_t now)
{
	struct eth_hdr h;
	struct view payload;

	e->counters.rx_frames++;
	if (!eth_decode(frame, &h, &payload)) {
		e->counters.rx_truncated++;
		return;
	}
	h.rx_flags = rx_flags;
	/* We join no multicast group, so only our address and broadcast. */
	if (memcmp(h.dst, e->mac, ETH_ADDR_LEN) != 0 &&
	    memcmp(h.dst, eth_broadcast, ETH_ADDR_LEN) != 0) {
		e->counters.rx_not_for_us++;
		return;
	}
	for (int i = 0; i < ETH_MAX_HANDLERS; i++)
		if (e->handlers[i].fn && e->handlers[i].type == h.type) {
			e->handlers[i].fn(e->handlers[i].ctx, &h, payload, now);
			return;
		}
	e->counters.rx_unknown_type++;
}

bool eth_output(struct eth *e, const uint8_t dst[ETH_ADDR_LEN], uint16_t type,
		struct pbuf *pb)
{
	if (!eth_push(pb, dst, e->mac, type)) {
		e->counters.tx_no_headroom++;
		pbuf_free(pb);
		return false;
	}
	if (!e->dev.send(e->dev.ctx, pb)) {
		e->counters.tx_device_refused++;
		return false;
	}
	e->counters.tx_frames++;
	return true;
}
