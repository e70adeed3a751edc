/* ipv4_frag.c: fragmentation on send above the link MTU (RFC 791 3.2
 * "fragmentation", RFC 1122 3.3.3). */
#include "ipv4_impl.h"

#include <string.h>

int ipv4_fragment(struct ipv4 *ip, const struct ipv4_hdr *hdr, struct pbuf *pb,
		  uint32_t next_hop, kiln_time_t now)
{
	/* Payload per fragment: what fits after a 20-byte header, in 8-byte units. */
	size_t chunk = (ip->link.mtu - IPV4_HDR_LEN) & ~(size_t)7;
	int result = IPV4_OK;

	if (chunk == 0) {
		ip->counters.tx_too_big++;
		pbuf_free(pb);
		return IPV4_ETOOBIG;
	}
	ip->counters.tx_fragmented++;
	for (size_t off = 0; off < pb->len; off += chunk) {
		size_t n = pb->len - off < chunk ? pb->len - off : chunk;
		struct ipv4_hdr h = *hdr;
		struct pbuf *f = pbuf_alloc(PBUF_HEADROOM, n);
		int r;

		if (!f) {
			ip->counters.tx_no_memory++;
			result = IPV4_ENOMEM;
			break;
		}
		memcpy(f->data, pb->data + off, n);
		h.frag_off = (uint16_t)off;
		h.mf = off + n < pb->len;
		/* 160 bytes of headroom and a datagram already checked against
		 * 65535: the push cannot fail. */
		ipv4_push(f, &h);
		r = ipv4_link_send(ip, next_hop, f, now);
		if (r != IPV4_OK)
			result = r;
	}
	pbuf_free(pb);
	return result;
}
