/* tcp_timer.c: the timer heap and timers: RTO (RFC 6298), delayed ACK, persist (RFC 9293 3.8.6.1), keepalive (3.8.4), TIME_WAIT. */
#include "tcp_priv.h"

#define US 1000ull /* ns per microsecond */

/* --- A binary min-heap of connections on their earliest deadline -------- */

static void heap_set(struct tcp_stack *s, uint32_t i, struct tcp_conn *c)
{
	s->heap[i] = c;
	c->heap_idx = i + 1;
}

static void heap_up(struct tcp_stack *s, uint32_t i)
{
	struct tcp_conn *c = s->heap[i];
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (s->heap[p]->deadline <= c->deadline)
			break;
		heap_set(s, i, s->heap[p]);
		i = p;
	}
	heap_set(s, i, c);
}

static void heap_down(struct tcp_stack *s, uint32_t i)
{
	struct tcp_conn *c = s->heap[i];
	for (;;) {
		uint32_t l = 2 * i + 1, m = i;
		kiln_time_t md = c->deadline;
		if (l < s->heap_len && s->heap[l]->deadline < md)
			m = l, md = s->heap[l]->deadline;
		if (l + 1 < s->heap_len && s->heap[l + 1]->deadline < md)
			m = l + 1;
		if (m == i)
			break;
		heap_set(s, i, s->heap[m]);
		i = m;
	}
	heap_set(s, i, c);
}

void tcp_timer_remove(struct tcp_conn *c)
{
	struct tcp_stack *s = c->stack;
	uint32_t i;
	struct tcp_conn *last;

	if (!c->heap_idx)
		return;
	i = c->heap_idx - 1;
	c->heap_idx = 0;
	if (i == --s->heap_len)
		return;
	last = s->heap[s->heap_len];
	heap_set(s, i, last);
	heap_up(s, i);
	heap_down(s, last->heap_idx - 1);
}

static kiln_time_t min_t(kiln_time_t a, kiln_time_t b) { return a < b ? a : b; }

void tcp_timer_update(struct tcp_conn *c)
{
	struct tcp_stack *s = c->stack;
	kiln_time_t d = min_t(min_t(min_t(c->t_rtx, c->t_delack), c->t_idle),
			      min_t(min_t(c->t_persist, c->t_keep), c->t_close));

	c->deadline = d;
	if (d == KILN_TIME_NEVER) {
		tcp_timer_remove(c);
		return;
	}
	if (!c->heap_idx) {
		/* heap_cap == max_conns and a connection is in it once. */
		heap_set(s, s->heap_len++, c);
		heap_up(s, c->heap_idx - 1);
		return;
	}
	heap_up(s, c->heap_idx - 1);
	heap_down(s, c->heap_idx - 1);
}

kiln_time_t tcp_next_deadline(const struct tcp_stack *s)
{
	return s->heap_len ? s->heap[0]->deadline : KILN_TIME_NEVER;
}

/* --- RTT and RTO (RFC 6298 2), in integer microseconds ------------------- */

void tcp_rtt_sample(struct tcp_conn *c, uint32_t r)
{
	struct tcp_stack *s = c->stack;
	uint32_t var, rto;

	if (r == 0)
		r = 1;
	if (!c->srtt) {
		c->srtt = r << 3;   /* SRTT = R */
		c->rttvar = r << 1; /* RTTVAR = R/2, kept x4 */
	} else {
		int32_t delta = (int32_t)r - (int32_t)(c->srtt >> 3);
		int32_t adelta = delta < 0 ? -delta : delta;
		c->srtt = (uint32_t)((int32_t)c->srtt + delta);             /* alpha 1/8 */
		c->rttvar = (uint32_t)((int32_t)c->rttvar + adelta - (int32_t)(c->rttvar >> 2)); /* beta 1/4 */
	}
	var = c->rttvar < 1000 ? 1000 : c->rttvar; /* G: a 1 ms clock */
	rto = (c->srtt >> 3) + var;
	if ((kiln_time_t)rto * US < s->cfg.rto_min)
		rto = (uint32_t)(s->cfg.rto_min / US);
	if ((kiln_time_t)rto * US > s->cfg.rto_max)
		rto = (uint32_t)(s->cfg.rto_max / US);
	c->rto = rto;
}

void tcp_rtx_arm(struct tcp_conn *c, kiln_time_t now)
{
	kiln_time_t rto = (kiln_time_t)c->rto * US;

	/* With SACK, a probe first (RFC 8985 7): at 2 SRTT it sends one
	 * segment whose SACK shows what was lost, so that a loss at the
	 * tail of a flight, or of a retransmission, is repaired by fast
	 * recovery in a few round trips instead of a timeout (>= 200 ms). */
	c->flags &= ~(TF_TLP | TF_REO);
	/* No probe in RTO recovery (RFC 8985 7.2): the timer that fired stays
	 * the timer, backed off (RFC 6298 5.5), until the data it resent from
	 * is acknowledged. */
	if ((c->flags & TF_RTO_RECOVERY) && !c->rtx_count && !SEQ_LT(c->snd_una, c->recover))
		c->flags &= ~TF_RTO_RECOVERY;
	if ((c->flags & TF_SACK) && c->tlp_sent < TCP_TLP_MAX && c->srtt &&
	    !(c->flags & TF_RTO_RECOVERY) &&
	    c->state != TCP_SYN_SENT && c->state != TCP_SYN_RECEIVED) {
		kiln_time_t pto = (kiln_time_t)(c->srtt >> 2) * US; /* 2 SRTT */
		if (pto < TCP_TLP_MIN)
			pto = TCP_TLP_MIN;
		pto <<= c->tlp_sent; /* a further probe waits twice as long */
		/* One segment out: its ACK may be delayed (RFC 8985 7.2). */
		if (c->snd_max - c->snd_una <= c->snd_mss)
			pto += TCP_TLP_DELACK;
		if (pto < rto) {
			rto = pto;
			c->flags |= TF_TLP;
		}
	}
	c->t_rtx = now + rto;
}

static void rto_backoff(struct tcp_conn *c)
{
	kiln_time_t max = c->stack->cfg.rto_max / US;
	c->rto = (kiln_time_t)c->rto * 2 > max ? (uint32_t)max : c->rto * 2; /* 5.5 */
}

void tcp_idle_arm(struct tcp_conn *c, kiln_time_t now)
{
	if (c->t_idle == KILN_TIME_NEVER && c->state != TCP_CLOSED) {
		c->t_idle = now + TCP_IDLE_RELEASE;
		tcp_timer_update(c);
	}
}

static void on_idle(struct tcp_conn *c)
{
	c->t_idle = KILN_TIME_NEVER;
	if (!c->snd.len)
		tcp_ring_release(c->stack, &c->snd);
	if (c->snd_una == c->snd_max)
		tcp_rack_free(c);
	if (!c->rcv.len && !c->ooo_n)
		tcp_ring_release(c->stack, &c->rcv);
}

void tcp_time_wait(struct tcp_conn *c, kiln_time_t now)
{
	tcp_set_state(c, TCP_TIME_WAIT);
	c->t_rtx = c->t_persist = c->t_keep = c->t_delack = KILN_TIME_NEVER;
	c->t_close = now + 2 * c->stack->cfg.msl;
	tcp_ring_release(c->stack, &c->snd);
	tcp_rack_free(c);
	if (!c->rcv.len)
		tcp_ring_release(c->stack, &c->rcv);
	tcp_timer_update(c);
}

/* Each handler clears its own timer; false if the connection is gone. */
static bool on_rtx(struct tcp_conn *c, kiln_time_t now)
{
	struct tcp_stack *s = c->stack;

	c->t_rtx = KILN_TIME_NEVER;
	if (c->flags & TF_REO) {
		/* RACK's reorder window passed: look again (RFC 8985 6.3). */
		tcp_rtx_arm(c, now);
		tcp_cc_sack_check(c, now);
		return true;
	}
	if (c->flags & TF_TLP) {
		c->flags &= ~TF_TLP;
		c->flags |= TF_TLP_SENT;
		c->tlp_sent++;
		tcp_cc_tail_probe(c, now);
		tcp_rtx_arm(c, now); /* the next probe, or the full RTO */
		return true;
	}
	s->st.rto_expired++;
	c->rtx_count++;
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED) {
		if (c->rtx_count > s->cfg.syn_retries) {
			s->st.conns_timed_out++;
			tcp_conn_closed(c, -TCP_ETIMEDOUT);
			return false;
		}
		rto_backoff(c);
		c->flags |= TF_REXMIT_SYN;
		s->st.retransmits++;
		tcp_send_syn(c, now);
		return true;
	}
	if (c->rtx_count > s->cfg.max_retries) {
		s->st.conns_timed_out++;
		tcp_send_ctl(c, TCP_RST | TCP_ACK, c->snd_max, now);
		tcp_conn_closed(c, -TCP_ETIMEDOUT);
		return false;
	}
	tcp_cc_timeout(c);
	rto_backoff(c);
	c->flags &= ~TF_RTT;
	c->snd_nxt = c->snd_una; /* go back: resend from the first unacked byte */
	tcp_output(c, now);
	return true;
}

static void on_persist(struct tcp_conn *c, kiln_time_t now)
{
	struct tcp_stack *s = c->stack;
	kiln_time_t iv = (kiln_time_t)c->rto * US;

	c->t_persist = KILN_TIME_NEVER;
	if (c->snd_wnd != 0 || c->snd.len <= c->snd_nxt - c->snd_una) {
		tcp_output(c, now); /* the window opened meanwhile */
		return;
	}
	/* A probe below the window (Linux's tcp_xmit_probe_skb): the peer
	 * answers with an ACK that carries its current window. */
	s->st.zero_window_probes++;
	tcp_send_ctl(c, TCP_ACK, c->snd_una - 1, now);
	if (c->probes < 30)
		c->probes++;
	/* The interval after probe n is rto * 2^n (RFC 6298 5.5's doubling,
	 * as Linux's tcp_probe_timer): the first waited rto itself. */
	for (unsigned i = 0; i < c->probes && iv < s->cfg.persist_max; i++)
		iv *= 2;
	if (iv > s->cfg.persist_max)
		iv = s->cfg.persist_max;
	c->t_persist = now + iv;
}

static bool on_keepalive(struct tcp_conn *c, kiln_time_t now)
{
	struct tcp_stack *s = c->stack;

	c->t_keep = KILN_TIME_NEVER;
	if (!(c->flags & TF_KEEPALIVE) ||
	    (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT))
		return true;
	if (now < c->last_rcv + s->cfg.keep_idle) {
		c->t_keep = c->last_rcv + s->cfg.keep_idle;
		return true;
	}
	if (c->probes >= s->cfg.keep_cnt) {
		s->st.conns_timed_out++;
		tcp_send_ctl(c, TCP_RST | TCP_ACK, c->snd_max, now);
		tcp_conn_closed(c, -TCP_ETIMEDOUT);
		return false;
	}
	s->st.keepalive_probes++;
	c->probes++;
	tcp_send_ctl(c, TCP_ACK, c->snd_una - 1, now); /* RFC 9293 3.8.4 */
	c->t_keep = now + s->cfg.keep_intvl;
	return true;
}

static void run_timers(struct tcp_conn *c, kiln_time_t now)
{
	if (c->t_close <= now) {
		/* TIME_WAIT over, or an orphan FIN_WAIT_2 whose peer is silent. */
		tcp_conn_closed(c, c->state == TCP_TIME_WAIT ? 0 : -TCP_ETIMEDOUT);
		return;
	}
	if (c->t_rtx <= now && !on_rtx(c, now))
		return;
	if (c->t_persist <= now)
		on_persist(c, now);
	if (c->t_delack <= now) {
		c->stack->st.delayed_acks++;
		c->t_delack = KILN_TIME_NEVER;
		tcp_send_ctl(c, TCP_ACK, c->snd_max, now);
	}
	if (c->t_keep <= now && !on_keepalive(c, now))
		return;
	if (c->t_idle <= now)
		on_idle(c);
	tcp_timer_update(c);
}

void tcp_tick(struct tcp_stack *s, kiln_time_t now)
{
	for (int n = 0; n < TCP_TICK_MAX && s->heap_len && s->heap[0]->deadline <= now; n++)
		run_timers(s->heap[0], now);
}
