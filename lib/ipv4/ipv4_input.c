/* ipv4_input.c: receiving datagrams: validation, the host's destination
 * filter, and dispatch to reassembly or a protocol (RFC 791 3.2, RFC 1122 3.2.1). */
#include "ipv4_impl.h"

/* Counts a decode failure under its reason. */
static void count_decode_error(struct ipv4 *ip, enum ipv4_decode_result res)
{
	switch (res) {
	case IPV4_DECODE_OK:
		break;
	case IPV4_DECODE_TRUNCATED:
		ip->counters.rx_truncated++;
		break;
	case IPV4_DECODE_BAD_VERSION:
		ip->counters.rx_bad_version++;
		break;
	case IPV4_DECODE_BAD_HDR_LEN:
		ip->counters.rx_bad_header_len++;
		break;
	case IPV4_DECODE_BAD_TOTAL_LEN:
		ip->counters.rx_bad_total_len++;
		break;
	case IPV4_DECODE_BAD_CHECKSUM:
		ip->counters.rx_bad_checksum++;
		break;
	}
}

/* Is dst one of ours? Sets *bcast for the broadcast addresses. */
static bool ipv4_for_us(const struct ipv4 *ip, uint32_t dst, bool *bcast)
{
	*bcast = false;
	if (dst == IPV4_BROADCAST) {
		*bcast = true;
		return true;
	}
	if (!ip->addr)
		return true; /* no address yet: DHCP's offer may be unicast */
	if (dst == ip->addr)
		return true;
	if (ip->prefix_len < 31 && ((dst ^ ip->addr) & ip->mask) == 0 &&
	    (dst | ip->mask) == IPV4_BROADCAST) {
		*bcast = true;
		return true;
	}
	return false;
}

void ipv4_input(struct ipv4 *ip, struct view pkt, kiln_time_t now)
{
	ipv4_input_ex(ip, pkt, false, now);
}

void ipv4_input_ex(struct ipv4 *ip, struct view pkt, bool l4_csum_ok, kiln_time_t now)
{
	struct ipv4_hdr h;
	struct view header, payload;
	enum ipv4_decode_result res;
	struct ipv4_packet p;
	bool bcast;

	ip->counters.rx_packets++;
	res = ipv4_decode(pkt, &h, &header, &payload);
	if (res != IPV4_DECODE_OK) {
		count_decode_error(ip, res);
		return;
	}
	/* TTL matters to routers only: a host MUST NOT drop a datagram for
	 * its TTL, 0 included (RFC 1122 3.2.1.7). Counted, then taken. */
	if (h.ttl == 0)
		ip->counters.rx_ttl_zero++;
	/* Sources no datagram may come from (RFC 1122 3.2.1.3): broadcast and
	 * multicast (a reply would go to many hosts), 0/8 ("this network":
	 * only a host that has no address yet sends from 0.0.0.0, and kiln
	 * answers none of those), 127/8 (loopback, never on a wire: RFC 1122
	 * 3.2.1.3(g)) and 240/4 (reserved). A host MUST NOT answer them (4.2.3.10
	 * for TCP): they are dropped here, before any layer can reply. */
	if (h.src == IPV4_BROADCAST || (h.src >> 28) >= 0xe || (h.src >> 24) == 0 ||
	    (h.src >> 24) == 127) {
		ip->counters.rx_bad_source++;
		return;
	}
	if (!ipv4_for_us(ip, h.dst, &bcast)) {
		ip->counters.rx_not_for_us++;
		return;
	}
	if (h.mf || h.frag_off) {
		ip->counters.rx_fragments++;
		ipv4_reass_input(ip, &h, header, payload, bcast, now);
		return;
	}
	p.src = h.src;
	p.dst = h.dst;
	p.proto = h.proto;
	p.ttl = h.ttl;
	p.to_broadcast = bcast;
	p.l4_csum_ok = l4_csum_ok;
	p.header = header;
	p.payload = payload;
	ipv4_deliver(ip, &p, now);
}
