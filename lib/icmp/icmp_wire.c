/* icmp_wire.c: ICMP message header and checksum on the wire (RFC 792). */
#include <kiln/checksum.h>
#include <kiln/icmp.h>

bool icmp_decode(struct view msg, struct icmp_hdr *h, struct view *body)
{
	struct reader r = reader_make(msg);
	h->type = reader_u8(&r);
	h->code = reader_u8(&r);
	h->checksum = reader_be16(&r);
	h->rest = reader_be32(&r);
	if (!reader_ok(&r))
		return false;
	return view_tail(msg, ICMP_HDR_LEN, body);
}

bool icmp_checksum_ok(struct view msg)
{
	return checksum_fold(checksum_add(0, msg.data, msg.len)) == 0;
}

bool icmp_push(struct pbuf *pb, uint8_t type, uint8_t code, uint32_t rest)
{
	uint8_t *p = pbuf_push(pb, ICMP_HDR_LEN);
	if (!p)
		return false;
	p[0] = type;
	p[1] = code;
	store_be16(p + 2, 0);
	store_be32(p + 4, rest);
	store_be16(p + 2, checksum_fold(checksum_add(0, pb->data, pb->len)));
	return true;
}
