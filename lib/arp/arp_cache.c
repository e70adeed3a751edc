/* arp_cache.c: the neighbour cache and its pending-packet queues (RFC 826,
 * RFC 1122 2.3.2). */
#include "arp_impl.h"

#include <string.h>

struct arp_entry *arp_cache_find(struct arp *a, uint32_t ip)
{
	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		if (a->cache[i].state != ARP_FREE && a->cache[i].ip == ip)
			return &a->cache[i];
	return NULL;
}

struct arp_entry *arp_cache_alloc(struct arp *a, uint32_t ip)
{
	struct arp_entry *victim = NULL;

	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &a->cache[i];
		if (e->state == ARP_FREE) {
			victim = e;
			break;
		}
		/* Pending entries hold packets and a retry schedule: never
		 * reuse them; among resolved ones take the oldest. */
		if (e->state == ARP_RESOLVED && (!victim || e->deadline < victim->deadline))
			victim = e;
	}
	if (!victim)
		return NULL;
	if (victim->state != ARP_FREE)
		a->counters.evicted++;
	memset(victim, 0, sizeof(*victim));
	victim->ip = ip;
	return victim;
}

void arp_cache_release(struct arp *a, struct arp_entry *e, uint64_t *dropped)
{
	for (int i = 0; i < e->nqueued; i++) {
		pbuf_free(e->queue[i]);
		if (dropped)
			(*dropped)++;
	}
	a->pending_total -= e->nqueued;
	memset(e, 0, sizeof(*e));
}

void arp_cache_resolve(struct arp *a, struct arp_entry *e, const uint8_t mac[ETH_ADDR_LEN],
		       kiln_time_t now)
{
	int n = e->nqueued;

	memcpy(e->mac, mac, ETH_ADDR_LEN);
	e->state = ARP_RESOLVED;
	e->tries = 0;
	e->refreshing = 0;
	e->deadline = now + ARP_ENTRY_TTL_NS;
	e->nqueued = 0;
	a->pending_total -= n;
	a->counters.learned++;
	/* In the order they were queued. eth_output cannot re-enter ARP. */
	for (int i = 0; i < n; i++) {
		eth_output(a->eth, mac, ETH_TYPE_IPV4, e->queue[i]);
		e->queue[i] = NULL;
	}
}

void arp_send_request(struct arp *a, uint32_t target, const uint8_t dst[ETH_ADDR_LEN])
{
	struct arp_pkt p = {.op = ARP_OP_REQUEST, .spa = a->ip, .tpa = target};
	struct pbuf *pb;

	memcpy(p.sha, a->eth->mac, ETH_ADDR_LEN);
	pb = arp_encode(&p);
	if (!pb) {
		a->counters.drop_no_memory++;
		return;
	}
	eth_output(a->eth, dst ? dst : eth_broadcast, ETH_TYPE_ARP, pb);
}
