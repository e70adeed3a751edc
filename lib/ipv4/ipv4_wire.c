/* ipv4_wire.c: the IPv4 header on the wire (RFC 791 3.1, checksum RFC 1071). */
#include <kiln/checksum.h>
#include <kiln/ipv4.h>

enum ipv4_decode_result ipv4_decode(struct view pkt, struct ipv4_hdr *h,
				    struct view *header, struct view *payload)
{
	struct reader r = reader_make(pkt);
	uint8_t vihl = reader_u8(&r);
	uint16_t frag;

	h->tos = reader_u8(&r);
	h->total_len = reader_be16(&r);
	h->id = reader_be16(&r);
	frag = reader_be16(&r);
	h->ttl = reader_u8(&r);
	h->proto = reader_u8(&r);
	h->checksum = reader_be16(&r);
	h->src = reader_be32(&r);
	h->dst = reader_be32(&r);
	if (!reader_ok(&r))
		return IPV4_DECODE_TRUNCATED;
	h->hdr_len = (vihl & 0x0f) * 4;
	h->df = frag & 0x4000;
	h->mf = frag & 0x2000;
	h->frag_off = (uint16_t)((frag & 0x1fff) * 8);
	if (vihl >> 4 != 4)
		return IPV4_DECODE_BAD_VERSION;
	if (h->hdr_len < IPV4_HDR_LEN || !view_sub(pkt, 0, h->hdr_len, header))
		return IPV4_DECODE_BAD_HDR_LEN;
	if (h->total_len < h->hdr_len || h->total_len > pkt.len)
		return IPV4_DECODE_BAD_TOTAL_LEN;
	/* A correct header sums to zero with its checksum field included. */
	if (checksum_fold(checksum_add(0, header->data, header->len)) != 0)
		return IPV4_DECODE_BAD_CHECKSUM;
	/* Bytes past total_len are link padding (a 60-byte minimum frame). */
	if (!view_sub(pkt, h->hdr_len, h->total_len - h->hdr_len, payload))
		return IPV4_DECODE_BAD_TOTAL_LEN;
	return IPV4_DECODE_OK;
}

bool ipv4_push(struct pbuf *pb, const struct ipv4_hdr *h)
{
	size_t total = pb->len + IPV4_HDR_LEN;
	struct writer w;
	uint8_t *p, *sum;

	if (total > IPV4_MAX_LEN || !(p = pbuf_push(pb, IPV4_HDR_LEN)))
		return false;
	w = writer_make(p, IPV4_HDR_LEN);
	writer_u8(&w, 0x45);
	writer_u8(&w, h->tos);
	writer_be16(&w, (uint16_t)total);
	writer_be16(&w, h->id);
	writer_be16(&w, (uint16_t)((h->df ? 0x4000 : 0) | (h->mf ? 0x2000 : 0) | h->frag_off / 8));
	writer_u8(&w, h->ttl);
	writer_u8(&w, h->proto);
	sum = writer_reserve(&w, 2);
	writer_be32(&w, h->src);
	writer_be32(&w, h->dst);
	store_be16(sum, 0);
	store_be16(sum, checksum_fold(checksum_add(0, p, IPV4_HDR_LEN)));
	return true;
}
