/* net_memlink.c: an in-memory Ethernet link between two stacks, with seeded
 * loss, duplication and reordering (MirageOS's vnetif idea; see net.h). */
#include <kiln/net.h>

#include <string.h>

void net_memlink_init(struct net_memlink *l, size_t mtu, const struct net_memlink_impair *impair)
{
	memset(l, 0, sizeof(*l));
	l->mtu = mtu;
	if (impair)
		l->impair = *impair;
	l->rng = l->impair.seed ? l->impair.seed : 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 2; i++) {
		l->sides[i].link = l;
		l->sides[i].side = i;
	}
}

/* xorshift64*: reproducible, good enough to pick frames. */
static unsigned roll(struct net_memlink *l)
{
	l->rng ^= l->rng >> 12;
	l->rng ^= l->rng << 25;
	l->rng ^= l->rng >> 27;
	return (unsigned)((l->rng * 0x2545f4914f6cdd1dull) >> 33) % 100;
}

static bool enqueue(struct net_memlink *l, int to, struct pbuf *pb)
{
	if (l->count == NET_MEMLINK_QUEUE) {
		l->stats.overflow++;
		pbuf_free(pb);
		return false;
	}
	size_t i = (l->head + l->count++) % NET_MEMLINK_QUEUE;
	l->q[i].pb = pb;
	l->q[i].to = to;
	return true;
}

static bool memlink_send(void *ctx, struct pbuf *frame)
{
	struct net_memlink_side *end = ctx;
	struct net_memlink *l = end->link;
	int from = end->side, to = !from;

	l->stats.sent++;
	if (frame->len > l->mtu + ETH_HDR_LEN) {
		pbuf_free(frame);
		return false; /* as the platform refuses an oversize frame */
	}
	if (l->filter && !l->filter(l->filter_ctx, from, pbuf_view(frame))) {
		l->stats.filtered++;
		pbuf_free(frame);
		return true; /* lost on the wire: the sender cannot tell */
	}
	if (l->impair.loss_pct && roll(l) < l->impair.loss_pct) {
		l->stats.lost++;
		pbuf_free(frame);
		return true;
	}
	if (l->impair.dup_pct && roll(l) < l->impair.dup_pct) {
		struct pbuf *copy = pbuf_from_view(pbuf_view(frame));
		if (copy && enqueue(l, to, copy))
			l->stats.duplicated++;
	}
	if (!enqueue(l, to, frame))
		return true;
	if (l->impair.reorder_pct && l->count >= 2 && roll(l) < l->impair.reorder_pct) {
		size_t a = (l->head + l->count - 1) % NET_MEMLINK_QUEUE;
		size_t b = (l->head + l->count - 2) % NET_MEMLINK_QUEUE;
		__typeof__(l->q[0]) t = l->q[a];
		l->q[a] = l->q[b];
		l->q[b] = t;
		l->stats.reordered++;
	}
	return true;
}

struct eth_dev net_memlink_dev(struct net_memlink *l, int side)
{
	struct eth_dev d = {&l->sides[side & 1], memlink_send};
	return d;
}

void net_memlink_attach(struct net_memlink *l, int side, struct net *n)
{
	l->ends[side & 1] = n;
}

size_t net_memlink_pump(struct net_memlink *l, kiln_time_t now, size_t max)
{
	size_t done = 0;

	while (l->count && done < max) {
		struct pbuf *pb = l->q[l->head].pb;
		int to = l->q[l->head].to;
		l->head = (l->head + 1) % NET_MEMLINK_QUEUE;
		l->count--;
		if (l->ends[to])
			net_input(l->ends[to], pbuf_view(pb), now);
		pbuf_free(pb);
		l->stats.delivered++;
		done++;
	}
	return done;
}

void net_memlink_destroy(struct net_memlink *l)
{
	while (l->count) {
		pbuf_free(l->q[l->head].pb);
		l->head = (l->head + 1) % NET_MEMLINK_QUEUE;
		l->count--;
	}
}
