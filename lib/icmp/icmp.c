/* icmp.c: ICMP input: echo, replies and errors (RFC 792, RFC 1122 3.2.2). */
#include <kiln/icmp.h>

#include <string.h>

void icmp_init(struct icmp *ic, struct ipv4 *ip)
{
	memset(ic, 0, sizeof(*ic));
	ic->ip = ip;
	ic->tokens = ICMP_ERR_BURST;
}

void icmp_on_echo_reply(struct icmp *ic, icmp_echo_reply_fn fn, void *ctx)
{
	ic->on_echo_reply = fn;
	ic->echo_ctx = ctx;
}

void icmp_on_error(struct icmp *ic, icmp_error_fn fn, void *ctx)
{
	ic->on_error = fn;
	ic->error_ctx = ctx;
}

static void echo_reply(struct icmp *ic, const struct ipv4_packet *pkt,
		       const struct icmp_hdr *h, struct view body, kiln_time_t now)
{
	struct pbuf *pb;

	/* RFC 1122 3.2.2.6: echo requests to broadcast MAY be ignored; we do,
	 * so the appliance is no smurf amplifier. */
	if (pkt->to_broadcast) {
		ic->counters.rx_broadcast_echo++;
		return;
	}
	pb = pbuf_alloc(PBUF_HEADROOM, body.len);
	if (!pb) {
		ic->counters.tx_failed++;
		return;
	}
	if (body.len)
		memcpy(pb->data, body.data, body.len);
	icmp_push(pb, ICMP_ECHO_REPLY, 0, h->rest);
	if (ipv4_output(ic->ip, IPV4_PROTO_ICMP, pkt->src, pb, now) == IPV4_OK)
		ic->counters.tx_echo_replies++;
	else
		ic->counters.tx_failed++;
}

void icmp_input(void *ctx, const struct ipv4_packet *pkt, kiln_time_t now)
{
	struct icmp *ic = ctx;
	struct icmp_hdr h;
	struct view body;

	ic->counters.rx_messages++;
	if (!icmp_decode(pkt->payload, &h, &body)) {
		ic->counters.rx_truncated++;
		return;
	}
	if (!icmp_checksum_ok(pkt->payload)) {
		ic->counters.rx_bad_checksum++;
		return;
	}
	switch (h.type) {
	case ICMP_ECHO_REQUEST:
		ic->counters.rx_echo_requests++;
		echo_reply(ic, pkt, &h, body, now);
		break;
	case ICMP_ECHO_REPLY:
		ic->counters.rx_echo_replies++;
		if (ic->on_echo_reply)
			ic->on_echo_reply(ic->echo_ctx, pkt->src, (uint16_t)(h.rest >> 16),
					  (uint16_t)h.rest, body, now);
		break;
	case ICMP_DEST_UNREACH:
	case ICMP_TIME_EXCEEDED:
		ic->counters.rx_errors++;
		if (ic->on_error)
			ic->on_error(ic->error_ctx, h.type, h.code, h.rest, pkt->src, body, now);
		break;
	default:
		ic->counters.rx_other++;
		break;
	}
}

int icmp_send_echo_request(struct icmp *ic, uint32_t dst, uint16_t id, uint16_t seq,
			   const void *data, size_t len, kiln_time_t now)
{
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, len);
	int r;

	if (!pb) {
		ic->counters.tx_failed++;
		return IPV4_ENOMEM;
	}
	if (len)
		memcpy(pb->data, data, len);
	icmp_push(pb, ICMP_ECHO_REQUEST, 0, (uint32_t)id << 16 | seq);
	r = ipv4_output(ic->ip, IPV4_PROTO_ICMP, dst, pb, now);
	if (r == IPV4_OK)
		ic->counters.tx_echo_requests++;
	else
		ic->counters.tx_failed++;
	return r;
}
