/* ipv4_link_record.h: for unit tests of IPv4 and the protocols on it, an
 * IPv4 link (ipv4.h struct ipv4_link) that records what it is given, in
 * order, instead of sending it: the test reads the packets and their next
 * hops, then frees them with sent_clear(). */
#ifndef KILN_TESTS_IPV4_LINK_RECORD_H
#define KILN_TESTS_IPV4_LINK_RECORD_H

#include <kiln/ipv4.h>

/* Packets past this many are refused (freed, counted by the layer as a
 * link drop). */
#define SENT_MAX 64

struct sent {
	int n;
	uint32_t next_hop[SENT_MAX];
	struct pbuf *pb[SENT_MAX];
};

static inline bool link_out(void *ctx, uint32_t next_hop, struct pbuf *pb, kiln_time_t now)
{
	struct sent *s = ctx;
	(void)now;
	if (s->n == SENT_MAX) {
		pbuf_free(pb);
		return false;
	}
	s->next_hop[s->n] = next_hop;
	s->pb[s->n++] = pb;
	return true;
}

/* Free every recorded packet. */
static inline void sent_clear(struct sent *s)
{
	for (int i = 0; i < s->n; i++)
		pbuf_free(s->pb[i]);
	s->n = 0;
}

#endif
