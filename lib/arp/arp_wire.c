/* arp_wire.c: ARP packets for Ethernet and IPv4 on the wire (RFC 826). */
#include <kiln/arp.h>

#include <string.h>

#define ARP_HTYPE_ETHERNET 1

enum arp_decode_result arp_decode(struct view v, struct arp_pkt *p)
{
	struct reader r = reader_make(v);
	uint16_t htype = reader_be16(&r), ptype = reader_be16(&r);
	uint8_t hlen = reader_u8(&r), plen = reader_u8(&r);

	p->op = reader_be16(&r);
	reader_copy(&r, p->sha, ETH_ADDR_LEN);
	p->spa = reader_be32(&r);
	reader_copy(&r, p->tha, ETH_ADDR_LEN);
	p->tpa = reader_be32(&r);
	if (!reader_ok(&r))
		return ARP_DECODE_TRUNCATED;
	if (htype != ARP_HTYPE_ETHERNET || ptype != ETH_TYPE_IPV4 || hlen != ETH_ADDR_LEN ||
	    plen != 4)
		return ARP_DECODE_UNSUPPORTED;
	if (p->op != ARP_OP_REQUEST && p->op != ARP_OP_REPLY)
		return ARP_DECODE_BAD_OP;
	return ARP_DECODE_OK;
}

struct pbuf *arp_encode(const struct arp_pkt *p)
{
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, ARP_PKT_LEN);
	struct writer w;

	if (!pb)
		return NULL;
	w = writer_make(pb->data, pb->len);
	writer_be16(&w, ARP_HTYPE_ETHERNET);
	writer_be16(&w, ETH_TYPE_IPV4);
	writer_u8(&w, ETH_ADDR_LEN);
	writer_u8(&w, 4);
	writer_be16(&w, p->op);
	writer_bytes(&w, p->sha, ETH_ADDR_LEN);
	writer_be32(&w, p->spa);
	writer_bytes(&w, p->tha, ETH_ADDR_LEN);
	writer_be32(&w, p->tpa);
	/* 28 bytes into a 28-byte buffer: cannot fail. */
	return pb;
}
