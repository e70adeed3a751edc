/* icmp_error.c: sending ICMP errors, with RFC 1122 3.2.2's restrictions and a
 * token-bucket rate limit (RFC 1812 4.3.2.8). */
#include <kiln/icmp.h>

#include <string.h>

/* Take one token, refilling the bucket for the time passed since the last
 * refill. False if the bucket is empty. */
static bool take_token(struct icmp *ic, kiln_time_t now)
{
	if (now > ic->refilled_at) {
		kiln_time_t n = (now - ic->refilled_at) / ICMP_ERR_INTERVAL_NS;
		if (n >= ICMP_ERR_BURST || ic->tokens + n >= ICMP_ERR_BURST) {
			ic->tokens = ICMP_ERR_BURST;
			ic->refilled_at = now;
		} else {
			ic->tokens += (unsigned)n;
			ic->refilled_at += n * ICMP_ERR_INTERVAL_NS;
		}
	}
	if (!ic->tokens)
		return false;
	ic->tokens--;
	return true;
}

/* RFC 1122 3.2.2: no error about an ICMP error, a broadcast or multicast, or
 * a datagram whose source is not one host. (Nor about a non-first fragment:
 * IPv4 hands up only whole datagrams, so that case cannot arise here.) */
static bool may_answer(const struct ipv4_packet *orig)
{
	uint8_t type;

	if (orig->to_broadcast || orig->src == 0 || orig->src == IPV4_BROADCAST ||
	    (orig->src >> 28) == 0xe || (orig->dst >> 28) == 0xe)
		return false;
	if (orig->proto == IPV4_PROTO_ICMP) {
		if (!view_u8(orig->payload, 0, &type))
			return false;
		/* The error types of RFC 792 and RFC 1122 3.2.2. */
		if (type == ICMP_DEST_UNREACH || type == 4 || type == 5 ||
		    type == ICMP_TIME_EXCEEDED || type == 12)
			return false;
	}
	return true;
}

/* Send an error of type and code about orig, if allowed; true if sent. */
static bool send_error(struct icmp *ic, const struct ipv4_packet *orig, uint8_t type,
		       uint8_t code, kiln_time_t now)
{
	size_t quote = orig->payload.len < ICMP_ERR_QUOTE ? orig->payload.len : ICMP_ERR_QUOTE;
	struct pbuf *pb;

	if (!may_answer(orig)) {
		ic->counters.tx_suppressed++;
		return false;
	}
	if (!take_token(ic, now)) {
		ic->counters.tx_rate_limited++;
		return false;
	}
	pb = pbuf_alloc(PBUF_HEADROOM, orig->header.len + quote);
	if (!pb) {
		ic->counters.tx_failed++;
		return false;
	}
	memcpy(pb->data, orig->header.data, orig->header.len);
	memcpy(pb->data + orig->header.len, orig->payload.data, quote);
	icmp_push(pb, type, code, 0);
	if (ipv4_output(ic->ip, IPV4_PROTO_ICMP, orig->src, pb, now) != IPV4_OK) {
		ic->counters.tx_failed++;
		return false;
	}
	return true;
}

void icmp_send_unreachable(void *ctx, const struct ipv4_packet *orig, uint8_t code,
			   kiln_time_t now)
{
	struct icmp *ic = ctx;
	if (send_error(ic, orig, ICMP_DEST_UNREACH, code, now))
		ic->counters.tx_unreachable++;
}

void icmp_send_time_exceeded(void *ctx, const struct ipv4_packet *orig, uint8_t code,
			     kiln_time_t now)
{
	struct icmp *ic = ctx;
	if (send_error(ic, orig, ICMP_TIME_EXCEEDED, code, now))
		ic->counters.tx_time_exceeded++;
}
