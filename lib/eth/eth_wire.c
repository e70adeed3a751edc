/* eth_wire.c: the Ethernet II header on the wire (IEEE 802.3 3.1.1, RFC 894). */
#include <kiln/eth.h>

#include <string.h>

const uint8_t eth_broadcast[ETH_ADDR_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

bool eth_decode(struct view frame, struct eth_hdr *h, struct view *payload)
{
	struct reader r = reader_make(frame);
	reader_copy(&r, h->dst, ETH_ADDR_LEN);
	reader_copy(&r, h->src, ETH_ADDR_LEN);
	h->type = reader_be16(&r);
	if (!reader_ok(&r))
		return false;
	return view_tail(frame, ETH_HDR_LEN, payload);
}

bool eth_push(struct pbuf *pb, const uint8_t dst[ETH_ADDR_LEN],
	      const uint8_t src[ETH_ADDR_LEN], uint16_t type)
{
	uint8_t *p = pbuf_push(pb, ETH_HDR_LEN);
	if (!p)
		return false;
	memcpy(p, dst, ETH_ADDR_LEN);
	memcpy(p + 6, src, ETH_ADDR_LEN);
	store_be16(p + 12, type);
	return true;
}
