/* arp.c: ARP input (RFC 826 "packet reception"), output with resolution and
 * queueing, retries and expiry (RFC 1122 2.3.2). */
#include "arp_impl.h"

#include <string.h>

void arp_init(struct arp *a, struct eth *eth)
{
	memset(a, 0, sizeof(*a));
	a->eth = eth;
}

void arp_destroy(struct arp *a)
{
	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		if (a->cache[i].state != ARP_FREE)
			arp_cache_release(a, &a->cache[i], NULL);
}

void arp_set_ipv4(struct arp *a, uint32_t ip, kiln_time_t now)
{
	(void)now;
	a->ip = ip;
	if (!ip)
		return;
	/* A gratuitous request: sender and target are both our address. */
	arp_send_request(a, ip, NULL);
	a->counters.tx_announcements++;
}

static void arp_reply(struct arp *a, const struct arp_pkt *req)
{
	struct arp_pkt p = {.op = ARP_OP_REPLY, .spa = a->ip, .tpa = req->spa};
	struct pbuf *pb;

	memcpy(p.sha, a->eth->mac, ETH_ADDR_LEN);
	memcpy(p.tha, req->sha, ETH_ADDR_LEN);
	pb = arp_encode(&p);
	if (!pb) {
		a->counters.drop_no_memory++;
		return;
	}
	if (eth_output(a->eth, req->sha, ETH_TYPE_ARP, pb))
		a->counters.tx_replies++;
}

void arp_input(void *ctx, const struct eth_hdr *h, struct view payload, kiln_time_t now)
{
	struct arp *a = ctx;
	struct arp_pkt p;
	struct arp_entry *e;
	bool for_us;

	(void)h;
	a->counters.rx_packets++;
	switch (arp_decode(payload, &p)) {
	case ARP_DECODE_OK:
		break;
	case ARP_DECODE_TRUNCATED:
		a->counters.rx_truncated++;
		return;
	case ARP_DECODE_UNSUPPORTED:
		a->counters.rx_unsupported++;
		return;
	case ARP_DECODE_BAD_OP:
		a->counters.rx_bad_op++;
		return;
	}
	if (eth_is_multicast(p.sha)) {
		a->counters.rx_bad_sender++;
		return;
	}
	if (a->ip && p.spa == a->ip) {
		/* Someone else uses our address (or a loop reflected ours).
		 * Learning it would point our own address elsewhere. */
		if (memcmp(p.sha, a->eth->mac, ETH_ADDR_LEN) != 0)
			a->counters.rx_conflict++;
		return;
	}
	for_us = a->ip && p.tpa == a->ip;
	/* The merge rule: refresh what we already know about the sender; add
	 * it only when it talks to us. A sender of 0.0.0.0 is a probe (RFC 5227)
	 * and teaches nothing. */
	e = p.spa ? arp_cache_find(a, p.spa) : NULL;
	if (e)
		arp_cache_resolve(a, e, p.sha, now);
	else if (for_us && p.spa && (e = arp_cache_alloc(a, p.spa)))
		arp_cache_resolve(a, e, p.sha, now);
	if (!for_us) {
		a->counters.rx_not_for_us++;
		return;
	}
	if (p.op == ARP_OP_REQUEST)
		arp_reply(a, &p);
}

bool arp_output(struct arp *a, uint32_t next_hop, struct pbuf *pb, kiln_time_t now)
{
	struct arp_entry *e;

	if (next_hop == 0xffffffff)
		return eth_output(a->eth, eth_broadcast, ETH_TYPE_IPV4, pb);
	e = arp_cache_find(a, next_hop);
	if (e && e->state == ARP_RESOLVED && now < e->deadline) {
		if (!e->refreshing && e->deadline - now <= ARP_REFRESH_NS) {
			e->refreshing = 1;
			arp_send_request(a, next_hop, e->mac);
			a->counters.tx_refreshes++;
		}
		return eth_output(a->eth, e->mac, ETH_TYPE_IPV4, pb);
	}
	if (e && e->state == ARP_RESOLVED) {
		/* Expired but not yet ticked: resolve afresh. */
		memset(e, 0, sizeof(*e));
		a->counters.expired++;
		e = NULL;
	}
	if (!e) {
		e = arp_cache_alloc(a, next_hop);
		if (!e) {
			a->counters.drop_cache_full++;
			pbuf_free(pb);
			return false;
		}
		e->state = ARP_PENDING;
		e->tries = 1;
		e->deadline = now + ARP_RETRY_NS;
		arp_send_request(a, next_hop, NULL);
		a->counters.tx_requests++;
	}
	if (e->nqueued == ARP_PENDING_PER_ADDR || a->pending_total == ARP_PENDING_TOTAL) {
		a->counters.drop_queue_full++;
		pbuf_free(pb);
		return false;
	}
	e->queue[e->nqueued++] = pb;
	a->pending_total++;
	return true;
}

bool arp_lookup(const struct arp *a, uint32_t ip, uint8_t mac[ETH_ADDR_LEN], kiln_time_t now)
{
	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		const struct arp_entry *e = &a->cache[i];
		if (e->state == ARP_RESOLVED && e->ip == ip && now < e->deadline) {
			memcpy(mac, e->mac, ETH_ADDR_LEN);
			return true;
		}
	}
	return false;
}

kiln_time_t arp_next_deadline(const struct arp *a)
{
	kiln_time_t d = KILN_TIME_NEVER;
	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		if (a->cache[i].state != ARP_FREE && a->cache[i].deadline < d)
			d = a->cache[i].deadline;
	return d;
}

void arp_tick(struct arp *a, kiln_time_t now)
{
	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &a->cache[i];
		if (e->state == ARP_FREE || e->deadline > now)
			continue;
		if (e->state == ARP_RESOLVED) {
			memset(e, 0, sizeof(*e));
			a->counters.expired++;
		} else if (e->tries >= ARP_MAX_TRIES) {
			arp_cache_release(a, e, &a->counters.drop_unresolved);
			a->counters.gave_up++;
		} else {
			e->tries++;
			e->deadline = now + ARP_RETRY_NS;
			arp_send_request(a, e->ip, NULL);
			a->counters.tx_requests++;
		}
	}
}
