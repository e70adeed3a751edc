/* tcp_rack.c: RACK loss detection (RFC 8985 6) on the send log (tcp_rack_log.c), and the resends it calls for. */
#include "tcp_priv.h"

/* A resend was not needed: the original arrived late (a D-SACK, RFC 2883,
 * or its ACK sooner than a round trip after the resend). RFC 8985 6.2
 * step 4: the reordering window grows by a quarter RTT, once a round. */
static void spurious(struct tcp_conn *c)
{
	struct tcp_rack *r = c->rack;

	r->reordering_seen = true;
	if (r->round_valid && SEQ_LT(c->snd_una, r->round))
		return;
	r->round = c->snd_max;
	r->round_valid = true;
	if (r->reo_mult < TCP_RACK_MULT_MAX)
		r->reo_mult++;
}

/* RFC 8985 6.2 step 2 (RACK_update) for [s, e) delivered now, and step 3
 * (reordering: a range sent once delivered below the highest delivered
 * before this ACK, fack0; the blocks of one ACK come in any order). */
static void delivered(struct tcp_conn *c, uint32_t s, uint32_t e, uint32_t fack0,
		      kiln_time_t now)
{
	struct tcp_rack *r = c->rack;
	uint32_t t_now = tcp_rack_us(now);

	for (unsigned i = 0; i < r->n; i++) {
		uint32_t es = tcp_rack_start(r, i), ee = r->e[i].end, t = r->e[i].t, rtt;
		if (SEQ_GEQ(es, e))
			break; /* the ranges run in sequence order */
		if (SEQ_LEQ(ee, s))
			continue;
		if (SEQ_GT(ee, e))
			ee = e;
		rtt = TCP_T_LT(t, t_now) ? t_now - t : 0; /* a resend's time may lead */
		if (r->fl[i] & TCP_RACK_RTX) {
			/* Sooner than a round trip: the original's echo. */
			if (rtt < r->min_rtt) {
				spurious(c);
				continue;
			}
		} else {
			if (rtt && (!r->min_rtt || rtt < r->min_rtt))
				r->min_rtt = rtt;
			if (SEQ_LT(SEQ_GT(es, s) ? es : s, fack0))
				r->reordering_seen = true;
		}
		if (!r->valid || TCP_T_LT(r->xmit, t) || (t == r->xmit && SEQ_GT(ee, r->end_seq))) {
			r->xmit = t;
			r->end_seq = ee;
			r->rtt = rtt;
			r->valid = true;
		}
		if (SEQ_GT(ee, r->fack))
			r->fack = ee;
	}
}

/* The parts of [s, e) the scoreboard does not hold yet: what this ACK
 * delivers (a block repeated or grown is not news where it was). */
static void delivered_new(struct tcp_conn *c, uint32_t s, uint32_t e, uint32_t fack0,
			  kiln_time_t now)
{
	for (unsigned piece = 0; piece <= TCP_SB_MAX && SEQ_LT(s, e); piece++) {
		uint32_t end = e;
		bool moved = true;
		/* Skip SACKed blocks at s: each pass moves past one. */
		for (uint8_t pass = 0; pass <= TCP_SB_MAX && moved; pass++) {
			moved = false;
			for (uint8_t k = 0; k < c->sb_n; k++)
				if (SEQ_LEQ(c->sb[k].start, s) && SEQ_LT(s, c->sb[k].end)) {
					s = c->sb[k].end;
					moved = true;
				}
		}
		if (!SEQ_LT(s, e))
			return;
		for (uint8_t k = 0; k < c->sb_n; k++)
			if (SEQ_GT(c->sb[k].start, s) && SEQ_LT(c->sb[k].start, end))
				end = c->sb[k].start;
		delivered(c, s, end, fack0, now);
		s = end;
	}
}

void tcp_rack_ack(struct tcp_conn *c, uint32_t ack, const struct tcp_opts *o, kiln_time_t now)
{
	struct tcp_rack *r = c->rack;
	uint32_t fack0;

	if (!r || !r->n)
		return;
	now = tcp_rack_clock(c, now);
	if (!r->fack_valid) {
		r->fack = c->snd_una;
		r->fack_valid = true;
	}
	fack0 = r->fack;
	if (SEQ_GT(ack, c->snd_una) && SEQ_LEQ(ack, c->snd_max))
		delivered_new(c, c->snd_una, ack, fack0, now);
	if (!(o->has & TCP_HAS_SACK))
		return;
	/* A D-SACK (RFC 2883 4): the first block below the ACK or inside
	 * the second reports a segment that arrived twice. Not a sign of
	 * reordering after a tail loss probe: that may repeat the last
	 * segment on purpose (RFC 8985 7.4). */
	if (o->nsack && !c->tlp_sent && (SEQ_LEQ(o->sack[0].end, ack) ||
			 (o->nsack > 1 && SEQ_GEQ(o->sack[0].start, o->sack[1].start) &&
			  SEQ_LEQ(o->sack[0].end, o->sack[1].end))))
		spurious(c);
	for (uint8_t i = 0; i < o->nsack && i < TCP_SACK_BLOCKS; i++) {
		uint32_t s = o->sack[i].start, e = o->sack[i].end;
		if (!SEQ_LT(s, e) || SEQ_LEQ(e, c->snd_una) || SEQ_GT(e, c->snd_max))
			continue;
		delivered_new(c, SEQ_LT(s, c->snd_una) ? c->snd_una : s, e, fack0, now);
	}
}

/* RFC 8985 6.2 step 4: no reordering seen, a loss is called at once in
 * recovery or with DupThresh segments SACKed; else a quarter of the
 * least RTT (times reo_mult), at least TCP_RACK_REO_MIN, at most SRTT. */
static uint32_t reo_wnd(const struct tcp_conn *c)
{
	const struct tcp_rack *r = c->rack;
	uint32_t w = r->min_rtt * r->reo_mult / 4;

	if (!r->reordering_seen &&
	    ((c->flags & TF_RECOVERY) ||
	     tcp_sack_sacked(c, c->snd_una, c->snd_max) >= 3u * c->snd_mss))
		return 0;
	if (w < TCP_RACK_REO_MIN)
		w = TCP_RACK_REO_MIN;
	if (c->srtt && w > c->srtt >> 3)
		w = c->srtt >> 3;
	return w;
}

/* RFC 8985 6.2 step 5: a range sent before the most recently sent range
 * that was delivered, not delivered itself within RACK.rtt + reo_wnd of
 * its sending, is lost. True if it found a new loss. */
bool tcp_rack_detect(struct tcp_conn *c, kiln_time_t now)
{
	struct tcp_rack *r = c->rack;
	uint32_t t_now, reo;
	bool found = false;

	if (!r || !r->valid || !r->n)
		return false;
	now = tcp_rack_clock(c, now);
	t_now = tcp_rack_us(now);
	reo = reo_wnd(c);
	r->reo_at = KILN_TIME_NEVER;
	/* The range sent with the delivered one's end: cut there (what
	 * follows it in the same burst is not known to be late). */
	for (unsigned i = 0; i < r->n; i++)
		if (r->e[i].t == r->xmit && SEQ_LT(tcp_rack_start(r, i), r->end_seq) &&
		    SEQ_LT(r->end_seq, r->e[i].end)) {
			if (r->n == TCP_RACK_LOG)
				break; /* no room: the burst waits for a later delivery */
			tcp_rack_split(r, r->end_seq);
			break;
		}
	for (unsigned i = 0; i < r->n; i++) {
		uint32_t s = tcp_rack_start(r, i), e = r->e[i].end, t = r->e[i].t;
		int32_t left;
		if (r->fl[i] & TCP_RACK_LOST)
			continue;
		if (TCP_T_LT(r->xmit, t) || (t == r->xmit && !SEQ_LT(s, r->end_seq)) ||
		    (t == r->xmit && SEQ_GT(e, r->end_seq)))
			continue;
		if (tcp_sack_sacked(c, s, e) == e - s)
			continue;
		left = (int32_t)(t + r->rtt + reo - t_now);
		if (left > 0) {
			kiln_time_t at = now + (kiln_time_t)left * 1000;
			if (at < r->reo_at)
				r->reo_at = at;
			continue;
		}
		if (r->fl[i] & TCP_RACK_RTX)
			c->stack->st.lost_retransmits++;
		r->fl[i] |= TCP_RACK_LOST;
		found = true;
	}
	return found;
}

/* Bytes deemed lost and not SACKed since: out of the network (SetPipe). */
uint32_t tcp_rack_lost_bytes(const struct tcp_conn *c)
{
	const struct tcp_rack *r = c->rack;
	uint32_t n = 0;

	if (!r)
		return 0;
	for (unsigned i = 0; i < r->n; i++)
		if (r->fl[i] & TCP_RACK_LOST) {
			uint32_t s = tcp_rack_start(r, i), e = r->e[i].end;
			n += (e - s) - tcp_sack_sacked(c, s, e);
		}
	return n;
}

/* Resend the first lost range not SACKed (RFC 6675 NextSeg rule 1), at
 * most one segment. False if there is none. */
bool tcp_rack_rtx_lost(struct tcp_conn *c, kiln_time_t now)
{
	struct tcp_rack *r = c->rack;

	if (!r)
		return false;
	for (unsigned i = 0; i < r->n; i++) {
		uint32_t s = tcp_rack_start(r, i), e = r->e[i].end, len, off;
		bool fin;
		if (!(r->fl[i] & TCP_RACK_LOST))
			continue;
		/* Skip SACKed blocks at s: each pass moves past one. */
		for (uint8_t pass = 0; pass <= TCP_SB_MAX; pass++) {
			bool moved = false;
			for (uint8_t k = 0; k < c->sb_n; k++)
				if (SEQ_LEQ(c->sb[k].start, s) && SEQ_LT(s, c->sb[k].end)) {
					s = c->sb[k].end;
					moved = true;
				}
			if (!moved)
				break;
		}
		if (!SEQ_LT(s, e)) {
			r->fl[i] &= (uint8_t)~TCP_RACK_LOST; /* all SACKed since */
			continue;
		}
		for (uint8_t k = 0; k < c->sb_n; k++)
			if (SEQ_GT(c->sb[k].start, s) && SEQ_LT(c->sb[k].start, e))
				e = c->sb[k].start;
		off = s - c->snd_una;
		len = e - s < c->snd_mss ? e - s : c->snd_mss;
		if (off >= c->snd.len)
			len = 0; /* the FIN alone */
		else if (len > c->snd.len - off)
			len = c->snd.len - off;
		fin = (c->flags & TF_FIN_QUEUED) && off + len == c->snd.len &&
		      SEQ_LT(tcp_fin_seq(c), e);
		if (!len && !fin) {
			r->fl[i] &= (uint8_t)~TCP_RACK_LOST;
			continue;
		}
		c->stack->st.retransmits++;
		c->stack->st.sack_retransmits++;
		c->flags &= ~TF_RTT; /* Karn */
		tcp_send_data(c, s, len, fin, now); /* tcp_rack_sent: no longer lost */
		if (c->snd_nxt == s) /* going back after a timeout: not twice */
			c->snd_nxt = s + len + (fin ? 1 : 0);
		return true;
	}
	return false;
}

/* The reorder timer (RFC 8985 6.3) shares t_rtx: it fires first. */
void tcp_rack_arm(struct tcp_conn *c)
{
	struct tcp_rack *r = c->rack;

	if (!r || r->reo_at == KILN_TIME_NEVER || r->reo_at >= c->t_rtx)
		return;
	c->t_rtx = r->reo_at;
	c->flags = (c->flags & ~TF_TLP) | TF_REO;
	tcp_timer_update(c);
}
