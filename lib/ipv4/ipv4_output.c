/* ipv4_output.c: sending datagrams: route, header, hand to the link
 * (RFC 791 3.2, RFC 1122 3.3). */
#include "ipv4_impl.h"

int ipv4_link_send(struct ipv4 *ip, uint32_t next_hop, struct pbuf *pb, kiln_time_t now)
{
	if (!ip->link.output(ip->link.ctx, next_hop, pb, now)) {
		ip->counters.tx_link_dropped++;
		return IPV4_EDROPPED;
	}
	ip->counters.tx_packets++;
	return IPV4_OK;
}

/* An unpredictable identification: xorshift32 over a state seeded from
 * next_id (which the platform fills from kiln_entropy() at open), so IDs
 * tell an observer neither how much we send nor to whom (RFC 7739). */
static uint16_t ipv4_next_id(struct ipv4 *ip)
{
	uint32_t x = ip->id_state ? ip->id_state : (uint32_t)ip->next_id << 16 | 0x9e37u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	ip->id_state = x;
	return (uint16_t)(x >> 16 ^ x);
}

int ipv4_output_ex(struct ipv4 *ip, const struct ipv4_tx *tx, struct pbuf *pb, kiln_time_t now)
{
	struct ipv4_hdr h = {0};
	uint32_t next_hop;

	if (!ipv4_route(ip, tx->dst, &next_hop)) {
		ip->counters.tx_no_route++;
		pbuf_free(pb);
		return IPV4_ENOROUTE;
	}
	/* A TSO super-packet is cut to the MTU by the device, not fragmented. */
	bool tso = pb->offload.seg_size != 0;

	if (pb->len > IPV4_MAX_LEN - IPV4_HDR_LEN ||
	    (tx->df && !tso && pb->len + IPV4_HDR_LEN > ip->link.mtu)) {
		ip->counters.tx_too_big++;
		pbuf_free(pb);
		return IPV4_ETOOBIG;
	}
	h.tos = tx->tos;
	/* Identification (RFC 6864, RFC 7739): a DF datagram is atomic, never
	 * reassembled, so its ID means nothing: 0 (and nothing for an observer
	 * to count). One that may be fragmented gets an unpredictable ID. A
	 * TSO super-packet's segments are numbered h.id, h.id + 1, ... */
	h.id = tx->df ? 0 : ipv4_next_id(ip);
	h.df = tx->df;
	h.ttl = tx->ttl ? tx->ttl : IPV4_DEFAULT_TTL;
	h.proto = tx->proto;
	h.src = ipv4_source(ip, tx->dst);
	h.dst = tx->dst;
	if (!tso && pb->len + IPV4_HDR_LEN > ip->link.mtu) {
		/* No device sees the whole datagram again to finish its sum. */
		pbuf_finish_checksum(pb);
		return ipv4_fragment(ip, &h, pb, next_hop, now);
	}
	if (!ipv4_push(pb, &h)) {
		ip->counters.tx_no_memory++;
		pbuf_free(pb);
		return IPV4_ENOMEM;
	}
	return ipv4_link_send(ip, next_hop, pb, now);
}

int ipv4_output(struct ipv4 *ip, uint8_t proto, uint32_t dst, struct pbuf *pb, kiln_time_t now)
{
	struct ipv4_tx tx = {.proto = proto, .dst = dst};
	return ipv4_output_ex(ip, &tx, pb, now);
}
