/* ipv4_reass.c: fragment reassembly in bounded memory and time (RFC 791 3.2
 * "reassembly", RFC 815's hole list; overlaps drop the datagram as RFC 5722
 * asks of IPv6, since overlapping fragments only serve to evade filters). */
#include "ipv4_impl.h"

#include <stdlib.h>
#include <string.h>

/* The largest payload a datagram can carry (65535 minus a minimal header). */
#define REASS_MAX_PAYLOAD (IPV4_MAX_LEN - IPV4_HDR_LEN)

void ipv4_reass_free(struct ipv4 *ip, struct ipv4_reass *r)
{
	ip->reass_bytes -= r->cap;
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/* The oldest slot in use other than keep, or NULL. */
static struct ipv4_reass *oldest(struct ipv4 *ip, const struct ipv4_reass *keep)
{
	struct ipv4_reass *o = NULL;
	for (int i = 0; i < IPV4_REASS_SLOTS; i++) {
		struct ipv4_reass *r = &ip->reass[i];
		if (r->used && r != keep && (!o || r->started < o->started))
			o = r;
	}
	return o;
}

static struct ipv4_reass *find_or_start(struct ipv4 *ip, const struct ipv4_hdr *h,
					kiln_time_t now)
{
	struct ipv4_reass *free_slot = NULL;

	for (int i = 0; i < IPV4_REASS_SLOTS; i++) {
		struct ipv4_reass *r = &ip->reass[i];
		if (r->used && r->id == h->id && r->src == h->src && r->dst == h->dst &&
		    r->proto == h->proto)
			return r;
		if (!r->used && !free_slot)
			free_slot = r;
	}
	if (!free_slot) {
		free_slot = oldest(ip, NULL);
		ip->counters.reass_evicted++;
		ipv4_reass_free(ip, free_slot);
	}
	free_slot->used = true;
	free_slot->src = h->src;
	free_slot->dst = h->dst;
	free_slot->id = h->id;
	free_slot->proto = h->proto;
	free_slot->started = now;
	free_slot->deadline = now + IPV4_REASS_TIMEOUT_NS;
	return free_slot;
}

/* Make r's buffer hold at least need bytes, within the memory bound (older
 * datagrams are evicted to make room). False if it cannot. */
static bool reserve(struct ipv4 *ip, struct ipv4_reass *r, size_t need)
{
	size_t cap, grow;
	uint8_t *buf;

	if (need <= r->cap)
		return true;
	cap = (need + IPV4_REASS_CHUNK - 1) / IPV4_REASS_CHUNK * IPV4_REASS_CHUNK;
	if (cap > REASS_MAX_PAYLOAD)
		cap = REASS_MAX_PAYLOAD;
	grow = cap - r->cap;
	while (ip->reass_bytes + grow > IPV4_REASS_MAX_BYTES) {
		struct ipv4_reass *o = oldest(ip, r);
		if (!o)
			return false;
		ip->counters.reass_evicted++;
		ipv4_reass_free(ip, o);
	}
	buf = malloc(cap);
	if (!buf)
		return false;
	if (r->cap)
		memcpy(buf, r->buf, r->cap);
	free(r->buf);
	r->buf = buf;
	r->cap = cap;
	ip->reass_bytes += grow;
	return true;
}

/* Record [start, end) in r's sorted range list. Returns 1 if added, 0 for an
 * exact duplicate, -1 for a partial overlap or too many fragments. */
static int add_range(struct ipv4 *ip, struct ipv4_reass *r, uint32_t start, uint32_t end)
{
	int i;

	for (i = 0; i < r->nranges; i++) {
		if (r->ranges[i].start == start && r->ranges[i].end == end)
			return 0;
		if (start < r->ranges[i].end && r->ranges[i].start < end) {
			ip->counters.reass_overlap++;
			return -1;
		}
		if (start < r->ranges[i].start)
			break;
	}
	if (r->nranges == IPV4_REASS_MAX_FRAGS) {
		ip->counters.reass_too_many_frags++;
		return -1;
	}
	memmove(&r->ranges[i + 1], &r->ranges[i], (size_t)(r->nranges - i) * sizeof(r->ranges[0]));
	r->ranges[i].start = start;
	r->ranges[i].end = end;
	r->nranges++;
	return 1;
}

static bool complete(const struct ipv4_reass *r)
{
	uint32_t at = 0;
	if (!r->total || !r->hdr_len)
		return false;
	for (int i = 0; i < r->nranges; i++) {
		if (r->ranges[i].start != at)
			return false;
		at = r->ranges[i].end;
	}
	return at == r->total;
}

void ipv4_reass_input(struct ipv4 *ip, const struct ipv4_hdr *h, struct view header,
		      struct view payload, bool to_broadcast, kiln_time_t now)
{
	uint32_t start = h->frag_off, end = start + (uint32_t)payload.len;
	struct ipv4_reass *r;
	struct ipv4_packet p;
	int added;

	/* Every fragment but the last carries a multiple of 8 bytes (RFC 791),
	 * none is empty, and none reaches past the largest datagram. */
	if (end > REASS_MAX_PAYLOAD || payload.len == 0 || (h->mf && payload.len % 8)) {
		ip->counters.reass_bad_fragment++;
		return;
	}
	r = find_or_start(ip, h, now);
	r->to_broadcast = to_broadcast;
	/* The last fragment fixes the length; fragments must agree with it. */
	if ((!h->mf && r->total && r->total != end) || (r->total && end > r->total) ||
	    (!h->mf && r->nranges && r->ranges[r->nranges - 1].end > end)) {
		ip->counters.reass_overlap++;
		ipv4_reass_free(ip, r);
		return;
	}
	added = add_range(ip, r, start, end);
	if (added < 0) {
		ipv4_reass_free(ip, r);
		return;
	}
	if (added == 0) {
		ip->counters.reass_duplicate++;
		return;
	}
	if (!reserve(ip, r, end)) {
		ip->counters.reass_no_memory++;
		ipv4_reass_free(ip, r);
		return;
	}
	memcpy(r->buf + start, payload.data, payload.len);
	if (!h->mf)
		r->total = end;
	if (start == 0) {
		memcpy(r->hdr, header.data, header.len);
		r->hdr_len = (uint8_t)header.len;
	}
	if (!complete(r))
		return;
	ip->counters.reass_done++;
	p.src = r->src;
	p.dst = r->dst;
	p.proto = r->proto;
	p.ttl = h->ttl;
	p.to_broadcast = to_broadcast;
	p.header = view_make(r->hdr, r->hdr_len);
	p.payload = view_make(r->buf, r->total);
	ipv4_deliver(ip, &p, now);
	ipv4_reass_free(ip, r);
}
