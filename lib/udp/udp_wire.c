/* udp_wire.c: the UDP header and checksum on the wire (RFC 768). */
#include <kiln/checksum.h>
#include <kiln/udp.h>

enum udp_decode_result udp_decode(struct view seg, uint32_t src, uint32_t dst,
				  struct udp_hdr *h, struct view *data)
{
	return udp_decode_ex(seg, src, dst, true, h, data);
}

enum udp_decode_result udp_decode_ex(struct view seg, uint32_t src, uint32_t dst, bool verify,
				     struct udp_hdr *h, struct view *data)
{
	struct reader r = reader_make(seg);
	struct view dgram;

	h->src_port = reader_be16(&r);
	h->dst_port = reader_be16(&r);
	h->len = reader_be16(&r);
	h->checksum = reader_be16(&r);
	if (!reader_ok(&r))
		return UDP_DECODE_TRUNCATED;
	/* Bytes past the length field (IP padding) are not the datagram's. */
	if (h->len < UDP_HDR_LEN || !view_sub(seg, 0, h->len, &dgram))
		return UDP_DECODE_BAD_LENGTH;
	/* Zero: the sender computed no checksum (RFC 768), allowed over IPv4. */
	if (verify && h->checksum &&
	    checksum_fold(checksum_add(checksum_pseudo_ipv4(src, dst, 17, h->len),
				       dgram.data, dgram.len)) != 0)
		return UDP_DECODE_BAD_CHECKSUM;
	view_tail(dgram, UDP_HDR_LEN, data);
	return UDP_DECODE_OK;
}

bool udp_push(struct pbuf *pb, uint32_t src, uint32_t dst, uint16_t src_port,
	      uint16_t dst_port)
{
	size_t len = pb->len + UDP_HDR_LEN;
	uint8_t *p;
	uint16_t sum;

	if (len > 0xffff || !(p = pbuf_push(pb, UDP_HDR_LEN)))
		return false;
	store_be16(p, src_port);
	store_be16(p + 2, dst_port);
	store_be16(p + 4, (uint16_t)len);
	store_be16(p + 6, 0);
	sum = checksum_fold(checksum_add(checksum_pseudo_ipv4(src, dst, 17, (uint16_t)len),
					 pb->data, len));
	/* A computed 0 is sent as all ones; 0 means "no checksum". */
	store_be16(p + 6, sum ? sum : 0xffff);
	return true;
}
