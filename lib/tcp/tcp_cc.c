/* tcp_cc.c: congestion control, NewReno (RFC 5681 3, RFC 6582 3.2). */
#include "tcp_priv.h"

uint32_t tcp_flight(const struct tcp_conn *c)
{
	return c->snd_max - c->snd_una;
}

void tcp_cc_init(struct tcp_conn *c)
{
	/* RFC 5681 3.1 (and RFC 6928's 10 segments, as Linux does). */
	c->cwnd = 10u * c->snd_mss;
	c->ssthresh = 0x7fffffff;
	c->dupacks = 0;
	c->cwnd_acc = 0;
}

static void loss_window(struct tcp_conn *c)
{
	uint32_t half = tcp_flight(c) / 2;
	c->ssthresh = half > 2u * c->snd_mss ? half : 2u * c->snd_mss; /* eq. 4 */
}

void tcp_cc_timeout(struct tcp_conn *c)
{
	if (!(c->flags & TF_RECOVERY) || c->rtx_count <= 1)
		loss_window(c);
	c->cwnd = c->snd_mss; /* loss window: one segment (3.1) */
	c->cwnd_acc = 0;
	c->dupacks = 0;
	c->flags &= ~TF_RECOVERY;
	c->recover = c->snd_max; /* RFC 6582 4.1: no fast retransmit for this window */
	c->sb_n = 0;             /* resend everything; the peer may renege (RFC 2018 8) */
}

/* Send the first unacknowledged segment again. */
static void retransmit_first(struct tcp_conn *c, kiln_time_t now)
{
	uint32_t len = c->snd.len < c->snd_mss ? c->snd.len : c->snd_mss;
	bool fin = (c->flags & TF_FIN_QUEUED) && len == c->snd.len &&
		   SEQ_GT(c->snd_max, tcp_fin_seq(c));
	if (!len && !fin)
		return;
	c->stack->st.retransmits++;
	c->flags &= ~TF_RTT; /* Karn */
	tcp_send_data(c, c->snd_una, len, fin, now);
	c->rtx_next = c->snd_una + len;
	c->rtx_high = c->snd_max;
	tcp_rtx_arm(c, now);
}

/* RFC 3042: each of the first two duplicate ACKs lets one new segment out
 * (a segment has left the network), within the peer's window: enough
 * ACKs then come back for fast retransmit even with a small window. Not
 * while going back after a timeout (that would resend, not send new). */
static void limited_transmit(struct tcp_conn *c, kiln_time_t now)
{
	uint32_t cwnd = c->cwnd;

	if (c->snd_nxt != c->snd_max || c->snd.len <= c->snd_nxt - c->snd_una ||
	    tcp_flight(c) >= cwnd + (uint32_t)c->dupacks * c->snd_mss)
		return;
	c->cwnd = tcp_flight(c) + c->snd_mss; /* one segment, no more */
	tcp_output(c, now);
	c->cwnd = cwnd;
}

/* One segment of new data (or of the go-back after a timeout) if the
 * peer's window and Nagle let it out now. True if it went. */
static bool send_one(struct tcp_conn *c, kiln_time_t now)
{
	uint32_t cwnd = c->cwnd, nxt = c->snd_nxt;

	c->cwnd = (c->snd_nxt - c->snd_una) + c->snd_mss;
	tcp_output(c, now);
	c->cwnd = cwnd;
	return c->snd_nxt != nxt;
}

/* SACK recovery (RFC 6675 5 (C), on scoreboard ranges): while the pipe
 * leaves a segment's room in cwnd, send by NextSeg's rules: the lost
 * holes not yet resent (rule 1), new data (rule 2), then holes below the
 * highest SACK not yet deemed lost (rule 3). Several per ACK, so that a
 * burst of losses is repaired in one round trip, not one hole per ACK. */
static void sack_recovery_send(struct tcp_conn *c, kiln_time_t now)
{
	if (tcp_sack_rtx_lost(c))
		c->stack->st.lost_retransmits++;
	for (int n = 0; n < TCP_OUTPUT_BURST; n++) {
		if (tcp_sack_pipe(c) + c->snd_mss > c->cwnd)
			break;
		if (tcp_sack_rtx_hole(c, tcp_sack_lost_edge(c), now))
			continue;
		if (send_one(c, now))
			continue;
		if (!tcp_sack_rtx_hole(c, c->snd_max, now))
			break;
	}
}

static void enter_recovery(struct tcp_conn *c, kiln_time_t now);

/* SACK shows snd_una lost: RFC 6675 IsLost (more than 2 SMSS SACKed
 * above it), or a tail loss probe sent 2 SRTT after the rest came back
 * SACKed while snd_una did not (reordering that long is unlikely, RFC
 * 8985 7.4). Fast recovery needs no 3 duplicates then. */
static bool sack_lost(const struct tcp_conn *c)
{
	return (c->flags & TF_SACK) && c->sb_n &&
	       ((c->flags & TF_TLP_SENT) || SEQ_GT(tcp_sack_lost_edge(c), c->snd_una));
}

static bool sack_recovery(const struct tcp_conn *c)
{
	return (c->flags & TF_SACK) && c->sb_n;
}

void tcp_cc_dupack(struct tcp_conn *c, kiln_time_t now)
{
	if (c->flags & TF_RECOVERY) {
		if (sack_recovery(c)) {
			sack_recovery_send(c, now);
			return;
		}
		c->cwnd += c->snd_mss; /* inflate (RFC 6582 3.2 step 3) */
		tcp_output(c, now);
		return;
	}
	if (c->dupacks < 255)
		c->dupacks++;
	if (c->dupacks < 3) {
		limited_transmit(c, now);
		return;
	}
	/* RFC 6582 3.2 step 2: only if this loss is past the last recovery
	 * (after a timeout, duplicates may echo the go-back resends). SACK
	 * blocks tell real holes from echoes: with them, recover now rather
	 * than by one timeout per lost segment (as Linux's CA_Loss does). */
	if (SEQ_LT(c->snd_una, c->recover) && !((c->flags & TF_SACK) && c->sb_n))
		return;
	enter_recovery(c, now);
}

static void enter_recovery(struct tcp_conn *c, kiln_time_t now)
{
	c->stack->st.fast_retransmits++;
	loss_window(c);
	c->recover = c->snd_max;
	c->flags |= TF_RECOVERY;
	retransmit_first(c, now);
	if (sack_recovery(c)) {
		c->cwnd = c->ssthresh; /* RFC 6675 5 (4.2): the pipe, not inflation */
		sack_recovery_send(c, now);
		return;
	}
	c->cwnd = c->ssthresh + 3u * c->snd_mss;
	tcp_output(c, now);
}

void tcp_cc_ack(struct tcp_conn *c, uint32_t acked, kiln_time_t now)
{
	c->dupacks = 0;
	c->flags &= ~TF_TLP_SENT;
	if (c->flags & TF_RECOVERY) {
		if (SEQ_GEQ(c->snd_una, c->recover)) {
			/* Full ACK: deflate (step 3, option 1). With SACK, to
			 * ssthresh (RFC 6675 5 (A)): the pipe kept the sending
			 * in check, and a cwnd of one segment after a recovery
			 * that emptied the pipe makes the next loss a timeout. */
			uint32_t f = tcp_flight(c) + c->snd_mss;
			c->cwnd = c->ssthresh < f || (c->flags & TF_SACK) ? c->ssthresh : f;
			c->flags &= ~TF_RECOVERY;
			return;
		}
		/* Partial ACK: the next hole is lost too; resend it and
		 * deflate by what was acked (step 4). With SACK, the next
		 * hole not yet resent, which may lie beyond snd_una. */
		if (!sack_recovery(c) || (SEQ_LEQ(c->rtx_next, c->snd_una) &&
					  !tcp_sack_sacked(c, c->snd_una, c->snd_una + 1)))
			retransmit_first(c, now);
		tcp_rtx_arm(c, now);
		if (sack_recovery(c)) {
			/* cwnd stays ssthresh; the pipe shrank by what was acked. */
			sack_recovery_send(c, now);
			return;
		}
		c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
		if (acked >= c->snd_mss)
			c->cwnd += c->snd_mss;
		if (c->cwnd < c->snd_mss)
			c->cwnd = c->snd_mss;
		return;
	}
	if (c->cwnd < c->ssthresh) {
		/* Slow start, byte counting with L = 2*SMSS (RFC 3465), or
		 * with TSO one super-segment: a peer acknowledging each of
		 * those at once is the rule then, not a stretch ACK to
		 * distrust, and the burst an ACK releases is one segment
		 * of the device's either way (Linux counts every segment). */
		uint32_t l = tcp_seg_limit(c);
		if (l < 2u * c->snd_mss)
			l = 2u * c->snd_mss;
		c->cwnd += acked < l ? acked : l;
	} else {
		/* Congestion avoidance: one SMSS per window acked (eq. 3). */
		c->cwnd_acc += acked;
		if (c->cwnd_acc >= c->cwnd) {
			c->cwnd_acc -= c->cwnd;
			c->cwnd += c->snd_mss;
		}
	}
	if (c->cwnd > (1u << 30))
		c->cwnd = 1u << 30;
}

void tcp_cc_sack_check(struct tcp_conn *c, kiln_time_t now)
{
	if ((c->flags & (TF_SACK | TF_RECOVERY)) != TF_SACK || !c->sb_n ||
	    c->snd_una == c->snd_max || c->state == TCP_TIME_WAIT)
		return;
	if (sack_lost(c))
		enter_recovery(c, now);
}

/* RFC 8985 7.3: one segment, new data if the peer's window lets it out
 * (whatever cwnd says), else the last segment sent. Its ACK, with SACK,
 * shows what is missing. In recovery, the lost retransmissions: the holes
 * are resent from the start again. */
void tcp_cc_tail_probe(struct tcp_conn *c, kiln_time_t now)
{
	uint32_t len, end;

	if (c->snd_una == c->snd_max)
		return;
	c->stack->st.tail_loss_probes++;
	if (c->flags & TF_RECOVERY) {
		c->rtx_next = c->snd_una;
		if (tcp_sack_rtx_hole(c, c->snd_max, now))
			return;
	}
	if (c->snd_nxt == c->snd_max && c->snd.len > tcp_flight(c) &&
	    tcp_flight(c) + c->snd_mss <= c->snd_wnd && send_one(c, now))
		return;
	/* The last segment of data sent (not a FIN alone). */
	end = c->snd_una + (c->snd.len < tcp_flight(c) ? c->snd.len : tcp_flight(c));
	len = end - c->snd_una < c->snd_mss ? end - c->snd_una : c->snd_mss;
	if (!len)
		return;
	c->stack->st.retransmits++;
	c->flags &= ~TF_RTT; /* Karn */
	tcp_send_data(c, end - len, len, false, now);
}
