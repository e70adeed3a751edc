/* ipv4.c: the IPv4 layer's state: setup, address, handlers, timers (see ipv4.h). */
#include "ipv4_impl.h"

#include <string.h>

void ipv4_init(struct ipv4 *ip, const struct ipv4_link *link)
{
	memset(ip, 0, sizeof(*ip));
	ip->link = *link;
}

void ipv4_destroy(struct ipv4 *ip)
{
	for (int i = 0; i < IPV4_REASS_SLOTS; i++)
		if (ip->reass[i].used)
			ipv4_reass_free(ip, &ip->reass[i]);
}

bool ipv4_set_address(struct ipv4 *ip, uint32_t addr, unsigned prefix_len, uint32_t gateway)
{
	uint32_t mask = ipv4_prefix_mask(prefix_len);

	if (prefix_len > 32)
		return false;
	if (addr && gateway && ((gateway ^ addr) & mask) != 0)
		return false;
	ip->addr = addr;
	ip->mask = addr ? mask : 0;
	ip->prefix_len = addr ? (uint8_t)prefix_len : 0;
	ip->gateway = addr ? gateway : 0;
	return true;
}

bool ipv4_register(struct ipv4 *ip, uint8_t proto, ipv4_handler_fn fn, void *ctx)
{
	for (int i = 0; i < IPV4_MAX_HANDLERS; i++) {
		if (ip->handlers[i].fn && ip->handlers[i].proto == proto)
			return false;
		if (!ip->handlers[i].fn) {
			ip->handlers[i].proto = proto;
			ip->handlers[i].fn = fn;
			ip->handlers[i].ctx = ctx;
			return true;
		}
	}
	return false;
}

void ipv4_unregister(struct ipv4 *ip, uint8_t proto)
{
	for (int i = 0; i < IPV4_MAX_HANDLERS; i++)
		if (ip->handlers[i].fn && ip->handlers[i].proto == proto) {
			ip->handlers[i].fn = NULL;
			ip->handlers[i].ctx = NULL;
		}
}

void ipv4_set_unreachable(struct ipv4 *ip, ipv4_unreachable_fn fn, void *ctx)
{
	ip->unreachable = fn;
	ip->unreachable_ctx = ctx;
}

void ipv4_set_time_exceeded(struct ipv4 *ip, ipv4_unreachable_fn fn, void *ctx)
{
	ip->time_exceeded = fn;
	ip->time_exceeded_ctx = ctx;
}

/* Report a timed-out datagram whose first fragment we hold: its header and
 * the data of the first fragment, which is all an ICMP error quotes. */
static void report_timeout(struct ipv4 *ip, const struct ipv4_reass *r, kiln_time_t now)
{
	struct ipv4_packet p;

	if (!ip->time_exceeded || !r->hdr_len || !r->nranges || r->ranges[0].start != 0)
		return;
	p.src = r->src;
	p.dst = r->dst;
	p.proto = r->proto;
	p.ttl = 0;
	p.to_broadcast = r->to_broadcast;
	p.header = view_make(r->hdr, r->hdr_len);
	p.payload = view_make(r->buf, r->ranges[0].end);
	ip->time_exceeded(ip->time_exceeded_ctx, &p, 1 /* reassembly */, now);
}

void ipv4_deliver(struct ipv4 *ip, const struct ipv4_packet *pkt, kiln_time_t now)
{
	for (int i = 0; i < IPV4_MAX_HANDLERS; i++)
		if (ip->handlers[i].fn && ip->handlers[i].proto == pkt->proto) {
			ip->counters.rx_delivered++;
			ip->handlers[i].fn(ip->handlers[i].ctx, pkt, now);
			return;
		}
	ip->counters.rx_unknown_proto++;
	if (ip->unreachable)
		ip->unreachable(ip->unreachable_ctx, pkt, 2 /* protocol unreachable */, now);
}

kiln_time_t ipv4_next_deadline(const struct ipv4 *ip)
{
	kiln_time_t d = KILN_TIME_NEVER;
	for (int i = 0; i < IPV4_REASS_SLOTS; i++)
		if (ip->reass[i].used && ip->reass[i].deadline < d)
			d = ip->reass[i].deadline;
	return d;
}

void ipv4_tick(struct ipv4 *ip, kiln_time_t now)
{
	for (int i = 0; i < IPV4_REASS_SLOTS; i++)
		if (ip->reass[i].used && ip->reass[i].deadline <= now) {
			ip->counters.reass_timeout++;
			report_timeout(ip, &ip->reass[i], now);
			ipv4_reass_free(ip, &ip->reass[i]);
		}
}
