/* pair.h: two TCP stacks back to back over an in-memory link with a test clock and seeded impairment (MirageOS's vnetif idea). */
#ifndef KILN_TCP_TESTS_PAIR_H
#define KILN_TCP_TESTS_PAIR_H

#include <kiln/tcp.h>
#include <kiln/pbuf.h>
#include <kiln/checksum.h>
#include <kiln/platform.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tcp_seg.h"

#define A_ADDR 0x0a000001u
#define B_ADDR 0x0a000002u
#define MSEC 1000000ull
#define SECS (1000 * MSEC)
#define UNUSED __attribute__((unused))

struct pkt {
	struct pkt *next, *prev;
	kiln_time_t at;
	uint32_t src, dst;
	struct pbuf *pb;
};

struct pair;
/* Return false to drop the segment (inspect or lose it on purpose). */
typedef bool (*pair_filter_fn)(struct pair *p, uint32_t src, uint32_t dst, const struct tcp_seg *s);

struct pair {
	struct tcp_stack *a, *b;
	kiln_time_t now;
	kiln_time_t delay;        /* one-way latency */
	uint64_t rng;             /* xorshift state: the impairment seed */
	unsigned drop_pct, reorder_pct, dup_pct;
	struct pkt *head, *tail;  /* in flight, sorted by arrival time */
	long live;                /* pbufs in the link: 0 when idle */
	unsigned long sent, dropped, duplicated, reordered, blackholed, delivered;
	/* The device's part when a stack leaves work to it (pbuf.h offloads):
	 * segments it finished, super-segments it cut, requests that were
	 * wrong (a partial sum that is not the pseudo-header's, offsets off
	 * the segment); and segments on the wire over a 1500-byte MTU. */
	unsigned long offloaded, cut, bad_offload, oversize;
	unsigned long long cut_bytes; /* payload of the super-segments cut */
	pair_filter_fn filter;
	void *filter_ctx;
	struct tcp_ip_ops ops;
};

static UNUSED uint64_t pair_rand(struct pair *p)
{
	p->rng ^= p->rng << 13;
	p->rng ^= p->rng >> 7;
	p->rng ^= p->rng << 17;
	return p->rng;
}

static UNUSED kiln_time_t pair_clock(void *ctx) { return ((struct pair *)ctx)->now; }

static UNUSED void pair_enqueue(struct pair *p, kiln_time_t at, uint32_t src, uint32_t dst,
				struct pbuf *pb)
{
	struct pkt *k = calloc(1, sizeof(*k)), *q;
	k->at = at;
	k->src = src;
	k->dst = dst;
	k->pb = pb;
	p->live++;
	for (q = p->tail; q && q->at > at; q = q->prev)
		;
	k->prev = q;
	k->next = q ? q->next : p->head;
	if (k->next)
		k->next->prev = k;
	else
		p->tail = k;
	if (q)
		q->next = k;
	else
		p->head = k;
}

/* One segment onto the wire: filtered, impaired, queued. */
static UNUSED void pair_wire(struct pair *p, uint32_t src, uint32_t dst, struct pbuf *pb)
{
	kiln_time_t at = p->now + p->delay;

	p->sent++;
	/* Every segment fits a 1500-byte MTU behind a 20-byte IPv4 header,
	 * its options (SACK blocks) included. */
	if (pb->len > 1480)
		p->oversize++;
	if (p->filter) {
		struct tcp_seg s;
		if (tcp_seg_parse(pbuf_view(pb), src, dst, &s) != TCP_PARSE_OK ||
		    !p->filter(p, src, dst, &s)) {
			p->dropped++;
			pbuf_free(pb);
			return;
		}
	}
	if (dst != A_ADDR && dst != B_ADDR) { /* a spoofed source: nobody answers */
		p->blackholed++;
		pbuf_free(pb);
		return;
	}
	if (p->drop_pct && pair_rand(p) % 100 < p->drop_pct) {
		p->dropped++;
		pbuf_free(pb);
		return;
	}
	if (p->dup_pct && pair_rand(p) % 100 < p->dup_pct) {
		p->duplicated++;
		pair_enqueue(p, at + 1, src, dst, pbuf_from_view(pbuf_view(pb)));
	}
	if (p->reorder_pct && pair_rand(p) % 100 < p->reorder_pct) {
		p->reordered++;
		at += 1 + pair_rand(p) % (2 * p->delay + 1); /* overtaken by later ones */
	}
	pair_enqueue(p, at, src, dst, pb);
}

/* What a NIC does for a segment that asks (Linux's GSO, by hand): check
 * the partial sum is the pseudo-header's, cut a super-segment into
 * seg_size pieces with their own sequence numbers (FIN and PSH on the last
 * only) and complete each checksum. */
static UNUSED void pair_device(struct pair *p, uint32_t src, uint32_t dst, struct pbuf *pb)
{
	const struct pbuf_offload o = pb->offload;
	unsigned hlen = o.l4_hdr_len;
	uint16_t partial = (uint16_t)~checksum_fold(checksum_pseudo_ipv4(src, dst, 6,
									  (uint16_t)pb->len));
	size_t seg = o.seg_size ? o.seg_size : pb->len;

	p->offloaded++;
	if (o.l4_len != pb->len || o.csum_field != 16 || hlen < 20 || hlen > pb->len ||
	    pb->data[16] != (uint8_t)(partial >> 8) || pb->data[17] != (uint8_t)partial) {
		p->bad_offload++;
		pbuf_free(pb);
		return;
	}
	if (o.seg_size) {
		p->cut++;
		p->cut_bytes += pb->len - hlen;
	}
	for (size_t off = hlen; off < pb->len || off == hlen; off += seg) {
		size_t n = pb->len - off < seg ? pb->len - off : seg;
		bool last = off + n == pb->len;
		struct pbuf *s = pbuf_alloc(PBUF_HEADROOM, hlen + n);
		uint32_t seq = ((uint32_t)pb->data[4] << 24 | (uint32_t)pb->data[5] << 16 |
			       (uint32_t)pb->data[6] << 8 | pb->data[7]) + (uint32_t)(off - hlen);

		memcpy(s->data, pb->data, hlen);
		memcpy(s->data + hlen, pb->data + off, n);
		store_be32(s->data + 4, seq);
		if (!last)
			s->data[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		tcp_seg_checksum_set(s->data, (uint32_t)(hlen + n), src, dst);
		pair_wire(p, src, dst, s);
		if (last)
			break;
	}
	pbuf_free(pb);
}

static UNUSED void pair_output(void *ctx, uint32_t src, uint32_t dst, struct pbuf *pb)
{
	struct pair *p = ctx;

	if (pb->offload.l4_len)
		pair_device(p, src, dst, pb);
	else
		pair_wire(p, src, dst, pb);
}

/* cfg_a/cfg_b: templates (may be NULL); ip and clock are filled in here. */
static UNUSED void pair_init(struct pair *p, const struct tcp_config *cfg_a,
			     const struct tcp_config *cfg_b, uint64_t seed)
{
	struct tcp_config ca, cb;
	memset(p, 0, sizeof(*p));
	p->now = 1000 * SECS;
	p->delay = 1 * MSEC;
	p->rng = seed ? seed : 88172645463325252ull;
	p->ops.output = pair_output;
	memset(&ca, 0, sizeof(ca));
	memset(&cb, 0, sizeof(cb));
	if (cfg_a)
		ca = *cfg_a;
	if (cfg_b)
		cb = *cfg_b;
	ca.ip = cb.ip = &p->ops;
	ca.ip_ctx = cb.ip_ctx = p;
	ca.clock = cb.clock = pair_clock;
	ca.clock_ctx = cb.clock_ctx = p;
	if (!ca.secret[0])
		memcpy(ca.secret, "kiln-tcp-test-A!", 16);
	if (!cb.secret[0])
		memcpy(cb.secret, "kiln-tcp-test-B!", 16);
	if (!ca.msl)
		ca.msl = 1 * SECS; /* short TIME_WAIT for tests */
	if (!cb.msl)
		cb.msl = 1 * SECS;
	p->a = tcp_stack_new(&ca);
	p->b = tcp_stack_new(&cb);
}

static UNUSED struct tcp_stack *pair_dest(struct pair *p, uint32_t dst)
{
	return dst == A_ADDR ? p->a : p->b;
}

/* One event: deliver the next due segment, else advance the clock to the
 * next arrival or timer and run the timers. False when nothing is left. */
static UNUSED bool pair_step(struct pair *p)
{
	kiln_time_t next = KILN_TIME_NEVER, d;
	if (p->head && p->head->at <= p->now) {
		struct pkt *k = p->head;
		p->head = k->next;
		if (p->head)
			p->head->prev = NULL;
		else
			p->tail = NULL;
		p->delivered++;
		static int trace = -1;
		if (trace < 0)
			trace = getenv("PAIR_TRACE") != NULL;
		if (trace) {
			struct tcp_seg s;
			if (tcp_seg_parse(pbuf_view(k->pb), k->src, k->dst, &s) == TCP_PARSE_OK)
				fprintf(stderr, "%llu %c> seq %u ack %u len %zu fl %02x wnd %u ts %u/%u sack %u\n",
					(unsigned long long)(p->now / 1000), k->src == A_ADDR ? 'A' : 'B',
					s.h.seq, s.h.ack, s.payload.len, s.h.flags, s.h.wnd,
					s.h.opts.tsval, s.h.opts.tsecr, s.h.opts.nsack);
		}
		tcp_input(pair_dest(p, k->dst), k->src, k->dst, pbuf_view(k->pb), p->now);
		pbuf_free(k->pb);
		p->live--;
		free(k);
		return true;
	}
	if (p->head)
		next = p->head->at;
	d = tcp_next_deadline(p->a);
	if (d < next)
		next = d;
	d = tcp_next_deadline(p->b);
	if (d < next)
		next = d;
	if (next == KILN_TIME_NEVER)
		return false;
	if (next > p->now)
		p->now = next;
	tcp_tick(p->a, p->now);
	tcp_tick(p->b, p->now);
	return true;
}

/* Run until cond holds, the pair is idle, or max events. */
#define PAIR_RUN_UNTIL(p, cond, max)                                           \
	do {                                                                   \
		for (long run_i_ = 0; run_i_ < (long)(max) && !(cond); run_i_++) \
			if (!pair_step(p))                                     \
				break;                                         \
	} while (0)

/* Run until nothing happens before now + dt. */
static UNUSED void pair_run_for(struct pair *p, kiln_time_t dt)
{
	kiln_time_t end = p->now + dt;
	for (long i = 0; i < 10000000; i++) {
		kiln_time_t next = p->head ? p->head->at : KILN_TIME_NEVER, d;
		d = tcp_next_deadline(p->a);
		if (d < next)
			next = d;
		d = tcp_next_deadline(p->b);
		if (d < next)
			next = d;
		if (next > end)
			break;
		pair_step(p);
	}
	if (p->now < end)
		p->now = end;
}

static UNUSED void pair_free(struct pair *p)
{
	while (p->head) {
		struct pkt *k = p->head;
		p->head = k->next;
		pbuf_free(k->pb);
		p->live--;
		free(k);
	}
	p->tail = NULL;
	tcp_stack_free(p->a);
	tcp_stack_free(p->b);
}

/* Connect a -> b:port through a listener; both ends established. */
static UNUSED bool pair_connect(struct pair *p, uint16_t port, struct tcp_listener **l,
				struct tcp_conn **ca, struct tcp_conn **cb)
{
	if (tcp_listen(p->b, port, 16, l) != 0)
		return false;
	if (tcp_connect_nb(p->a, A_ADDR, B_ADDR, port, ca) != 0)
		return false;
	*cb = NULL;
	PAIR_RUN_UNTIL(p, (*cb = tcp_accept_nb(*l)) != NULL && tcp_conn_status(*ca) == 0, 100000);
	return *cb && tcp_conn_status(*ca) == 0;
}

/* Everything freed: no connection state, no buffer, no pbuf in flight; and
 * no segment was ever too big for the MTU. */
#define CHECK_PAIR_CLEAN(p)                                                    \
	do {                                                                   \
		struct tcp_stack_info ia_, ib_;                                \
		tcp_stack_info((p)->a, &ia_);                                  \
		tcp_stack_info((p)->b, &ib_);                                  \
		CHECK_EQ(ia_.conns, 0);                                        \
		CHECK_EQ(ib_.conns, 0);                                        \
		CHECK_EQ(ia_.mem, 0);                                          \
		CHECK_EQ(ib_.mem, 0);                                          \
		CHECK_EQ((p)->live, 0);                                        \
		CHECK_EQ((p)->oversize, 0);                                    \
	} while (0)

/* End a test's connection: abort both ends, close the listener, let every
 * timer run out, check nothing is left, free the pair. */
#define PAIR_END(p, l, ca, cb)                                                 \
	do {                                                                   \
		tcp_abort(ca);                                                 \
		tcp_abort(cb);                                                 \
		tcp_listener_close(l);                                         \
		pair_run_for((p), 120 * SECS);                                 \
		CHECK_PAIR_CLEAN(p);                                           \
		pair_free(p);                                                  \
	} while (0)

/* A deterministic byte stream, so the reader can check what it gets. */
struct stream {
	uint64_t state;
	uint64_t pos;
	uint64_t hash; /* FNV-1a of every byte */
};
static UNUSED void stream_init(struct stream *s, uint64_t seed)
{
	s->state = seed * 0x9e3779b97f4a7c15ull + 1;
	s->pos = 0;
	s->hash = 0xcbf29ce484222325ull;
}
static UNUSED uint8_t stream_byte(struct stream *s)
{
	s->state = s->state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint8_t)(s->state >> 56);
}
static UNUSED void stream_fill(struct stream *s, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		b[i] = stream_byte(s);
		s->hash = (s->hash ^ b[i]) * 0x100000001b3ull;
	}
	s->pos += n;
}
static UNUSED void stream_hash(uint64_t *h, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ b[i]) * 0x100000001b3ull;
}

/* One direction of a bulk transfer. */
struct flow {
	struct tcp_conn *from, *to;
	uint64_t total, written, read;
	struct stream gen;
	uint64_t rhash;
	uint8_t pending[16384];
	size_t pending_len, pending_off;
	bool eof;
};
static UNUSED void flow_init(struct flow *f, struct tcp_conn *from, struct tcp_conn *to,
			     uint64_t total, uint64_t seed)
{
	memset(f, 0, sizeof(*f));
	f->from = from;
	f->to = to;
	f->total = total;
	stream_init(&f->gen, seed);
	f->rhash = 0xcbf29ce484222325ull;
}
/* Push and pull what the stacks take now; true once all is read. */
static UNUSED bool flow_pump(struct flow *f)
{
	static uint8_t buf[65536];
	for (int i = 0; i < 8; i++) {
		if (f->pending_off == f->pending_len && f->written + f->pending_len < f->total) {
			size_t n = sizeof(f->pending);
			if (n > f->total - f->written)
				n = f->total - f->written;
			stream_fill(&f->gen, f->pending, n);
			f->pending_len = n;
			f->pending_off = 0;
		}
		if (f->pending_off < f->pending_len) {
			long n = tcp_write_nb(f->from, f->pending + f->pending_off,
					      f->pending_len - f->pending_off);
			if (n > 0) {
				f->pending_off += (size_t)n;
				if (f->pending_off == f->pending_len) {
					f->written += f->pending_len;
					f->pending_len = f->pending_off = 0;
				}
			}
		}
		long r = tcp_read_nb(f->to, buf, sizeof(buf));
		if (r > 0) {
			stream_hash(&f->rhash, buf, (size_t)r);
			f->read += (uint64_t)r;
		} else if (r == 0) {
			f->eof = true;
			break;
		} else {
			break;
		}
	}
	return f->read >= f->total;
}

#endif
