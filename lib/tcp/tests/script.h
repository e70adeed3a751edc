/* script.h: scripted-ACK tests of the sender: A's segments are captured and lost, the test plays B by injecting ACKs. */
#ifndef KILN_TCP_TESTS_SCRIPT_H
#define KILN_TCP_TESTS_SCRIPT_H

#include "pair.h"
#include "tcp_priv.h"

/* Every data segment A sends is recorded and lost; B's segments are lost
 * too: A hears only the ACKs a test injects. */
struct capture {
	int n;
	struct { uint32_t seq, len; } seg[256];
};
static UNUSED bool capture_all(struct pair *p, uint32_t src, uint32_t dst, const struct tcp_seg *s)
{
	struct capture *cap = p->filter_ctx;
	(void)dst;
	if (src == A_ADDR && s->payload.len && cap->n < 256) {
		cap->seg[cap->n].seq = s->h.seq;
		cap->seg[cap->n].len = (uint32_t)s->payload.len;
		cap->n++;
	}
	return false;
}

/* Segments captured from index from on whose sequence is seq. */
static UNUSED int sent_at(const struct capture *cap, int from, uint32_t seq)
{
	int n = 0;
	for (int i = from; i < cap->n; i++)
		n += cap->seg[i].seq == seq;
	return n;
}

/* An ACK from B to A: ack, a window of wnd bytes, nsack blocks. */
static UNUSED void ack_to_a(struct pair *p, struct tcp_conn *ca, uint32_t ack, uint32_t wnd,
		     const struct tcp_sack_block *sack, unsigned nsack)
{
	uint8_t seg[128];
	struct tcp_hdr h;
	unsigned n;
	memset(&h, 0, sizeof(h));
	h.sport = ca->rport;
	h.dport = ca->lport;
	h.seq = ca->rcv_nxt;
	h.ack = ack;
	h.flags = TCP_ACK;
	h.wnd = (uint16_t)(wnd >> ca->snd_wscale);
	if (ca->flags & TF_TS) {
		h.opts.has |= TCP_HAS_TS;
		h.opts.tsval = ca->ts_recent + 1;
		h.opts.tsecr = 0; /* no RTT sample */
	}
	if (nsack) {
		h.opts.has |= TCP_HAS_SACK;
		h.opts.nsack = (uint8_t)nsack;
		for (unsigned i = 0; i < nsack; i++)
			h.opts.sack[i] = sack[i];
	}
	n = tcp_hdr_encode(&h, seg);
	tcp_seg_checksum_set(seg, n, B_ADDR, A_ADDR);
	tcp_input(p->a, B_ADDR, A_ADDR, view_make(seg, n), p->now);
}

/* Connected (both ends configured by cfg, may be NULL), then A writes segs
 * full segments; its first window (10 segments, RFC 6928) is out and
 * lost. */
static UNUSED void setup_cfg(struct pair *p, struct capture *cap, struct tcp_listener **l,
			     struct tcp_conn **ca, struct tcp_conn **cb, unsigned segs,
			     const struct tcp_config *cfg)
{
	static uint8_t data[100 * 1460];
	pair_init(p, cfg, cfg, 41);
	CHECK(pair_connect(p, 80, l, ca, cb));
	memset(cap, 0, sizeof(*cap));
	p->filter = capture_all;
	p->filter_ctx = cap;
	CHECK_EQ((*ca)->snd_mss, 1448); /* 1460 less the timestamp option */
	CHECK_EQ(tcp_write_nb(*ca, data, segs * (*ca)->snd_mss), (long)(segs * (*ca)->snd_mss));
	CHECK_EQ(cap->n, 10);
	/* The ACKs a test injects come a round trip later: RACK times
	 * every segment (an ACK in the same instant is no RTT sample). */
	p->now += 2 * MSEC;
}

static UNUSED void setup(struct pair *p, struct capture *cap, struct tcp_listener **l,
			 struct tcp_conn **ca, struct tcp_conn **cb, unsigned segs)
{
	setup_cfg(p, cap, l, ca, cb, segs, NULL);
}

static UNUSED void teardown(struct pair *p, struct tcp_listener *l, struct tcp_conn *ca,
		     struct tcp_conn *cb)
{
	tcp_abort(ca);
	tcp_abort(cb);
	tcp_listener_close(l);
	p->filter = NULL;
	pair_run_for(p, 10 * SECS);
	CHECK_PAIR_CLEAN(p);
	pair_free(p);
}

#endif
