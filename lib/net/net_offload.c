/* net_offload.c: a frame's offload request for the device (platform.h
 * struct kiln_net_offload, from pbuf.h's struct pbuf_offload). */
#include <kiln/net.h>

bool net_offload_request(const struct pbuf *frame, struct kiln_net_offload *o)
{
	const struct pbuf_offload *f = &frame->offload;
	size_t start;

	*o = (struct kiln_net_offload){0};
	if (!f->l4_len)
		return true;
	if (f->l4_len + ETH_HDR_LEN > frame->len || frame->len > KILN_NET_TSO_MAX_FRAME ||
	    (size_t)f->csum_field + 2 > f->l4_len)
		return false;
	start = frame->len - f->l4_len;
	o->csum_start = (uint16_t)start;
	o->csum_offset = f->csum_field;
	if (f->seg_size) {
		if (!f->l4_hdr_len || f->l4_hdr_len >= f->l4_len)
			return false;
		o->seg_size = f->seg_size;
		o->hdr_len = (uint16_t)(start + f->l4_hdr_len);
	}
	return true;
}
