/* tcp_rack_log.c: RACK's send log (RFC 8985 6.1): when each unacknowledged range was last sent, bounded, allocated while data is in flight. */
#include "tcp_priv.h"

#include <string.h>

/* The clock now. A device's frames come in batches that share the time
 * the batch was read, while the application's writes send at the time
 * they run: an ACK read in the batch could look older than the segment
 * it acknowledges, an RTT of zero that would leave RACK no reordering
 * window at all. */
kiln_time_t tcp_rack_clock(const struct tcp_conn *c, kiln_time_t now)
{
	kiln_time_t t = tcp_now(c->stack);
	return t > now ? t : now;
}

static uint32_t log_end(const struct tcp_rack *r)
{
	return r->n ? r->e[r->n - 1].end : r->start;
}

static void ent_remove(struct tcp_rack *r, unsigned i)
{
	for (unsigned k = i; k + 1 < r->n; k++) {
		r->e[k] = r->e[k + 1];
		r->fl[k] = r->fl[k + 1];
	}
	r->n--;
}

/* A full log merges the two neighbours sent closest in time, preferring
 * neighbours in the same state. The merged range takes the later time
 * (it is deemed lost no sooner than its last part) and is lost only if
 * both were: precision goes, never data, and never a spurious resend. */
void tcp_rack_compact(struct tcp_rack *r)
{
	unsigned best = 0;
	uint32_t gap = UINT32_MAX;
	bool same = false;

	for (unsigned i = 0; i + 1 < r->n; i++) {
		uint32_t a = r->e[i].t, b = r->e[i + 1].t, g = TCP_T_LT(a, b) ? b - a : a - b;
		bool s = r->fl[i] == r->fl[i + 1];
		if ((s && !same) || (s == same && g < gap)) {
			best = i;
			gap = g;
			same = s;
		}
	}
	if (TCP_T_LT(r->e[best].t, r->e[best + 1].t))
		r->e[best].t = r->e[best + 1].t;
	r->fl[best] = (uint8_t)((r->fl[best] & r->fl[best + 1] & TCP_RACK_LOST) |
				((r->fl[best] | r->fl[best + 1]) & TCP_RACK_RTX));
	r->e[best].end = r->e[best + 1].end;
	ent_remove(r, best + 1);
}

/* An entry boundary at seq (inside the log): the entry holding it is cut
 * in two with the same time and state. Needs a free slot. */
void tcp_rack_split(struct tcp_rack *r, uint32_t seq)
{
	for (unsigned i = 0; i < r->n; i++) {
		uint32_t s = tcp_rack_start(r, i);
		if (SEQ_LT(s, seq) && SEQ_LT(seq, r->e[i].end)) {
			for (unsigned k = r->n; k > i; k--) {
				r->e[k] = r->e[k - 1];
				r->fl[k] = r->fl[k - 1];
			}
			r->n++;
			r->e[i].end = seq;
			return;
		}
	}
}

/* [s, e) (inside the log) was sent at t, in state fl: one entry. */
static void assign(struct tcp_rack *r, uint32_t s, uint32_t e, uint32_t t, uint8_t fl)
{
	unsigned i, j;

	while (r->n > TCP_RACK_LOG - 2)
		tcp_rack_compact(r);
	tcp_rack_split(r, s);
	tcp_rack_split(r, e);
	for (i = 0; i < r->n && SEQ_LEQ(r->e[i].end, s); i++)
		;
	for (j = i; j < r->n && SEQ_LT(r->e[j].end, e); j++)
		;
	if (j >= r->n)
		return; /* cannot happen: e is inside the log */
	r->e[i].end = e;
	r->e[i].t = t;
	r->fl[i] = fl;
	while (j > i) {
		ent_remove(r, i + 1);
		j--;
	}
}

void tcp_rack_sent(struct tcp_conn *c, uint32_t seq, uint32_t len, kiln_time_t now)
{
	struct tcp_rack *r = c->rack;
	uint32_t t = tcp_rack_us(tcp_rack_clock(c, now)), end = seq + len, top;

	if (!(c->flags & TF_SACK) || !len)
		return;
	if (!r) {
		/* Only from an empty flight: the log must cover it all. */
		if (seq != c->snd_una || c->snd_max != c->snd_una)
			return;
		r = tcp_mem_alloc(c->stack, sizeof(*r));
		if (!r)
			return; /* recovery without RACK: NewReno (tcp_cc.c) */
		memset(r, 0, sizeof(*r));
		r->start = seq;
		r->min_rtt = c->srtt >> 3;
		r->reo_mult = 1;
		r->reo_at = KILN_TIME_NEVER;
		c->rack = r;
	}
	if (!r->n)
		r->start = c->snd_una;
	top = log_end(r);
	if (SEQ_LT(seq, r->start) || SEQ_GT(seq, top))
		return; /* outside what the log covers: no record */
	/* Times never go back, and a resend is later than all sent before
	 * it even within one microsecond: new data sent just before it and
	 * delivered first would have it deemed lost (ties go by sequence). */
	if (TCP_T_LT(t, r->last_t))
		t = r->last_t;
	if (SEQ_LT(seq, top) && t == r->last_t)
		t++;
	r->last_t = t;
	if (SEQ_LT(seq, top)) {
		assign(r, seq, SEQ_LT(end, top) ? end : top, t, TCP_RACK_RTX);
		r->tail_open = false; /* new data after it is later than it */
	}
	if (!SEQ_GT(end, top))
		return;
	seq = SEQ_GT(seq, top) ? seq : top;
	/* The same burst: new data within TCP_RACK_BURST_US of the range's
	 * first send joins it (and keeps that time), unless something was
	 * resent since, which must stay older than what follows it. */
	if (r->n && r->tail_open && r->fl[r->n - 1] == 0 &&
	    t - r->e[r->n - 1].t <= TCP_RACK_BURST_US) {
		r->e[r->n - 1].end = end;
		return;
	}
	r->tail_open = true;
	if (r->n == TCP_RACK_LOG)
		tcp_rack_compact(r);
	r->e[r->n].end = end;
	r->e[r->n].t = t;
	r->fl[r->n] = 0;
	r->n++;
}

void tcp_rack_trim(struct tcp_conn *c)
{
	struct tcp_rack *r = c->rack;
	unsigned k = 0;

	if (!r)
		return;
	while (k < r->n && SEQ_LEQ(r->e[k].end, c->snd_una))
		k++;
	if (k) {
		for (unsigned i = k; i < r->n; i++) {
			r->e[i - k] = r->e[i];
			r->fl[i - k] = r->fl[i];
		}
		r->n = (uint8_t)(r->n - k);
	}
	if (!r->n || SEQ_LT(r->start, c->snd_una))
		r->start = c->snd_una;
	if (SEQ_LT(r->fack, c->snd_una))
		r->fack = c->snd_una;
}

void tcp_rack_free(struct tcp_conn *c)
{
	if (c->rack)
		tcp_mem_free(c->stack, c->rack, sizeof(*c->rack));
	c->rack = NULL;
}

/* Only the duplicate ACKs say snd_una is lost (no SACK blocks in them):
 * RFC 6675's DupThresh rule, for its first segment. */
void tcp_rack_mark_first(struct tcp_conn *c)
{
	struct tcp_rack *r = c->rack;
	uint32_t e = c->snd_una + c->snd_mss;

	if (!r || !r->n || r->start != c->snd_una)
		return;
	if (SEQ_LT(e, r->e[0].end)) {
		while (r->n > TCP_RACK_LOG - 1)
			tcp_rack_compact(r);
		tcp_rack_split(r, e);
	}
	r->fl[0] |= TCP_RACK_LOST;
}

void tcp_rack_timeout(struct tcp_conn *c)
{
	struct tcp_rack *r = c->rack;

	if (!r)
		return;
	/* The go-back resends everything from snd_una in order. */
	for (unsigned i = 0; i < r->n; i++)
		r->fl[i] &= (uint8_t)~TCP_RACK_LOST;
	r->reo_at = KILN_TIME_NEVER;
}

