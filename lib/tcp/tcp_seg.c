/* tcp_seg.c: segment decode and encode, options (RFC 9293 3.1-3.2, RFC 7323 2-3). */
#include "tcp_seg.h"

#include <kiln/checksum.h>
#include <string.h>

#define IPPROTO_TCP_NUM 6

/* Option list walk. Each step consumes at least one byte, so the loop is
 * bounded by the option length (at most 40). */
bool tcp_opts_parse(struct view v, struct tcp_opts *o)
{
	struct reader r = reader_make(v);

	memset(o, 0, sizeof(*o));
	while (reader_left(&r) > 0) {
		uint8_t kind = reader_u8(&r), len;
		struct view body;

		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP)
			continue;
		if (reader_left(&r) < 1)
			return false;
		len = reader_u8(&r);
		if (len < 2 || (size_t)(len - 2) > reader_left(&r))
			return false;
		body = reader_view(&r, len - 2);
		switch (kind) {
		case TCP_OPT_MSS:
			if (body.len != 2)
				return false;
			o->mss = (uint16_t)(body.data[0] << 8 | body.data[1]);
			o->has |= TCP_HAS_MSS;
			break;
		case TCP_OPT_WS:
			if (body.len != 1)
				return false;
			o->wscale = body.data[0] > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : body.data[0];
			o->has |= TCP_HAS_WS;
			break;
		case TCP_OPT_SACK_OK:
			if (body.len != 0)
				return false;
			o->has |= TCP_HAS_SACK_OK;
			break;
		case TCP_OPT_TS:
			if (body.len != 8)
				return false;
			view_be32(body, 0, &o->tsval);
			view_be32(body, 4, &o->tsecr);
			o->has |= TCP_HAS_TS;
			break;
		case TCP_OPT_SACK:
			if (body.len < 8 || body.len > 8 * TCP_SACK_BLOCKS || body.len % 8)
				return false;
			o->nsack = (uint8_t)(body.len / 8);
			for (uint8_t i = 0; i < o->nsack; i++) {
				view_be32(body, 8u * i, &o->sack[i].start);
				view_be32(body, 8u * i + 4, &o->sack[i].end);
			}
			o->has |= TCP_HAS_SACK;
			break;
		default: /* unknown options are skipped (RFC 9293 3.2) */
			break;
		}
	}
	return reader_ok(&r);
}

enum tcp_parse_result tcp_seg_parse(struct view v, uint32_t src, uint32_t dst,
				    struct tcp_seg *out)
{
	return tcp_seg_parse_ex(v, src, dst, true, out);
}

enum tcp_parse_result tcp_seg_parse_ex(struct view v, uint32_t src, uint32_t dst, bool verify,
				       struct tcp_seg *out)
{
	struct reader r = reader_make(v);
	uint8_t off_byte;
	size_t hlen;
	struct view opts;

	memset(out, 0, sizeof(*out));
	if (v.len < TCP_HDR_MIN || v.len > 65535)
		return TCP_PARSE_SHORT;
	out->h.sport = reader_be16(&r);
	out->h.dport = reader_be16(&r);
	out->h.seq = reader_be32(&r);
	out->h.ack = reader_be32(&r);
	off_byte = reader_u8(&r);
	out->h.flags = reader_u8(&r) & 0x3f;
	out->h.wnd = reader_be16(&r);
	reader_skip(&r, 2); /* checksum */
	out->h.urp = reader_be16(&r);
	hlen = (size_t)(off_byte >> 4) * 4;
	if (hlen < TCP_HDR_MIN)
		return TCP_PARSE_OFFSET;
	if (hlen > v.len)
		return TCP_PARSE_SHORT;
	if (verify && checksum_fold(checksum_add(
			      checksum_pseudo_ipv4(src, dst, IPPROTO_TCP_NUM, (uint16_t)v.len),
			      v.data, v.len)) != 0)
		return TCP_PARSE_CHECKSUM;
	if (!view_sub(v, TCP_HDR_MIN, hlen - TCP_HDR_MIN, &opts) ||
	    !tcp_opts_parse(opts, &out->h.opts))
		return TCP_PARSE_OPTION;
	view_tail(v, hlen, &out->payload);
	out->src = src;
	out->dst = dst;
	return reader_ok(&r) ? TCP_PARSE_OK : TCP_PARSE_SHORT;
}

unsigned tcp_hdr_len(const struct tcp_hdr *h)
{
	unsigned n = TCP_HDR_MIN;
	if (h->opts.has & TCP_HAS_MSS)
		n += 4;
	if (h->opts.has & TCP_HAS_TS)
		n += 12;
	if (h->opts.has & TCP_HAS_WS)
		n += 4;
	if (h->opts.has & TCP_HAS_SACK_OK)
		n += 4;
	if ((h->opts.has & TCP_HAS_SACK) && h->opts.nsack)
		n += 4 + 8u * h->opts.nsack;
	return n;
}

unsigned tcp_hdr_encode(const struct tcp_hdr *h, uint8_t *out)
{
	unsigned len = tcp_hdr_len(h);
	struct writer w = writer_make(out, len);

	writer_be16(&w, h->sport);
	writer_be16(&w, h->dport);
	writer_be32(&w, h->seq);
	writer_be32(&w, h->ack);
	writer_u8(&w, (uint8_t)(len / 4) << 4);
	writer_u8(&w, h->flags);
	writer_be16(&w, h->wnd);
	writer_be16(&w, 0);
	writer_be16(&w, h->urp);
	/* Options in the order Linux sends them on a SYN, each aligned with
	 * NOPs so that the fields are 32-bit aligned (RFC 7323 appendix A). */
	if (h->opts.has & TCP_HAS_MSS) {
		writer_u8(&w, TCP_OPT_MSS);
		writer_u8(&w, 4);
		writer_be16(&w, h->opts.mss);
	}
	if (h->opts.has & TCP_HAS_SACK_OK) {
		writer_u8(&w, TCP_OPT_NOP);
		writer_u8(&w, TCP_OPT_NOP);
		writer_u8(&w, TCP_OPT_SACK_OK);
		writer_u8(&w, 2);
	}
	if (h->opts.has & TCP_HAS_TS) {
		writer_u8(&w, TCP_OPT_NOP);
		writer_u8(&w, TCP_OPT_NOP);
		writer_u8(&w, TCP_OPT_TS);
		writer_u8(&w, 10);
		writer_be32(&w, h->opts.tsval);
		writer_be32(&w, h->opts.tsecr);
	}
	if ((h->opts.has & TCP_HAS_SACK) && h->opts.nsack) {
		writer_u8(&w, TCP_OPT_NOP);
		writer_u8(&w, TCP_OPT_NOP);
		writer_u8(&w, TCP_OPT_SACK);
		writer_u8(&w, (uint8_t)(2 + 8 * h->opts.nsack));
		for (uint8_t i = 0; i < h->opts.nsack; i++) {
			writer_be32(&w, h->opts.sack[i].start);
			writer_be32(&w, h->opts.sack[i].end);
		}
	}
	if (h->opts.has & TCP_HAS_WS) {
		writer_u8(&w, TCP_OPT_NOP);
		writer_u8(&w, TCP_OPT_WS);
		writer_u8(&w, 3);
		writer_u8(&w, h->opts.wscale);
	}
	return w.len;
}

void tcp_seg_checksum_set(uint8_t *seg, uint32_t len, uint32_t src, uint32_t dst)
{
	uint16_t c;
	seg[16] = seg[17] = 0;
	c = checksum_fold(checksum_add(checksum_pseudo_ipv4(src, dst, IPPROTO_TCP_NUM,
							     (uint16_t)len),
				       seg, len));
	store_be16(seg + 16, c);
}
