/* tcp_cc.c: congestion control and fast recovery: NewReno (RFC 5681 3, RFC 6582 3.2), with SACK the pipe (RFC 6675) over RACK's losses (RFC 8985). */
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
	c->flags |= TF_RTO_RECOVERY;
	c->recover = c->snd_max; /* RFC 6582 4.1: no fast retransmit for this window */
	c->sb_n = 0;             /* resend everything; the peer may renege (RFC 2018 8) */
	tcp_rack_timeout(c);
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

/* SACK recovery (RFC 6675 5 (C)): while the pipe leaves a segment's
 * room in cwnd, send by NextSeg's rules: what RACK deems lost and was not
 * resent (rule 1), else new data (rule 2). Several per ACK, so that a
 * burst of losses is repaired in one round trip, not one hole per ACK.
 * Rule 3 (holes not yet deemed lost) is RACK's reorder timer's now. */
static void sack_recovery_send(struct tcp_conn *c, kiln_time_t now)
{
	for (int n = 0; n < TCP_OUTPUT_BURST; n++) {
		if (tcp_sack_pipe(c) + c->snd_mss > c->cwnd)
			break;
		if (tcp_rack_rtx_lost(c, now))
			continue;
		if (!send_one(c, now))
			break;
	}
}

/* With SACK and RACK's log, losses are RACK's to find (tcp_cc_sack_check
 * after every ACK); without, NewReno's duplicate ACKs. */
static bool sack_recovery(const struct tcp_conn *c)
{
	return (c->flags & TF_SACK) && c->rack;
}

static void enter_recovery(struct tcp_conn *c, kiln_time_t now)
{
	c->stack->st.fast_retransmits++;
	loss_window(c);
	c->recover = c->snd_max;
	c->flags |= TF_RECOVERY;
	if (sack_recovery(c)) {
		c->cwnd = c->ssthresh; /* RFC 6675 5 (4.2): the pipe, not inflation */
		/* The first lost range whatever the pipe (RFC 6675 5 (4.3)). */
		if (!tcp_rack_rtx_lost(c, now))
			retransmit_first(c, now);
		sack_recovery_send(c, now);
		return;
	}
	retransmit_first(c, now);
	c->cwnd = c->ssthresh + 3u * c->snd_mss;
	tcp_output(c, now);
}

void tcp_cc_dupack(struct tcp_conn *c, kiln_time_t now)
{
	if (c->flags & TF_RECOVERY) {
		if (sack_recovery(c))
			return; /* tcp_cc_sack_check sends, by the pipe */
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
	if (sack_recovery(c)) {
		/* Duplicates that SACK nothing (a peer that negotiated SACK
		 * and sends no blocks): DupThresh says snd_una is lost. With
		 * blocks, RACK decides, with its reordering window. */
		if (!c->sb_n) {
			tcp_rack_mark_first(c);
			enter_recovery(c, now);
		}
		return;
	}
	/* RFC 6582 3.2 step 2: only if this loss is past the last recovery
	 * (after a timeout, duplicates may echo the go-back resends). */
	if (SEQ_LT(c->snd_una, c->recover))
		return;
	enter_recovery(c, now);
}

void tcp_cc_ack(struct tcp_conn *c, uint32_t acked, kiln_time_t now)
{
	c->dupacks = 0;
	c->flags &= ~TF_TLP_SENT;
	c->tlp_sent = 0;
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
		/* Partial ACK. With SACK, cwnd stays ssthresh and the pipe
		 * shrank by what was acked: tcp_cc_sack_check sends. Else
		 * the next hole is lost too; resend it and deflate by what
		 * was acked (step 4). */
		if (sack_recovery(c))
			return;
		retransmit_first(c, now);
		tcp_rtx_arm(c, now);
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
	if (!sack_recovery(c) || c->snd_una == c->snd_max || c->state == TCP_TIME_WAIT)
		return;
	/* Nothing SACKed and no recovery: what was delivered is all below
	 * snd_una, nothing sent before it is left (resends after a timeout
	 * aside, which the probe and the RTO cover as before). The common
	 * case of a clean path costs no walk of the log. */
	if (!c->sb_n && !(c->flags & TF_RECOVERY) && c->rack->reo_at == KILN_TIME_NEVER)
		return;
	tcp_rack_detect(c, now);
	if (c->flags & TF_RECOVERY)
		sack_recovery_send(c, now);
	else if (tcp_rack_lost_bytes(c))
		enter_recovery(c, now);
	tcp_rack_arm(c);
}

/* RFC 8985 7.3: new data if the peer's window lets it out (whatever cwnd
 * says; two segments, see below), else the last segment sent. Its ACK, with SACK,
 * shows what is missing: RACK deems lost what was sent before it,
 * resent holes too (a lost retransmission). */
void tcp_cc_tail_probe(struct tcp_conn *c, kiln_time_t now)
{
	uint32_t len, end;

	if (c->snd_una == c->snd_max)
		return;
	c->stack->st.tail_loss_probes++;
	if (c->snd_nxt == c->snd_max && c->snd.len > tcp_flight(c) &&
	    tcp_flight(c) + c->snd_mss <= c->snd_wnd && send_one(c, now)) {
		/* Two if there are: a receiver ACKs every second full
		 * segment at once (RFC 5681 4.2) but may hold the ACK of a
		 * lone one in order for its delayed-ACK timer (Linux: up to
		 * 40 ms), where the tail's ACK was lost, not its data. */
		if (c->snd.len > tcp_flight(c) && tcp_flight(c) + c->snd_mss <= c->snd_wnd)
			send_one(c, now);
		return;
	}
	/* The last segment of data sent (not a FIN alone). */
	end = c->snd_una + (c->snd.len < tcp_flight(c) ? c->snd.len : tcp_flight(c));
	len = end - c->snd_una < c->snd_mss ? end - c->snd_una : c->snd_mss;
	if (!len)
		return;
	/* SACKed already, its resend would tell nothing new: the holes
	 * below were resent and lost again, with nothing sent after them
	 * that RACK could see delivered. The first hole then: its ACK
	 * moves snd_una (Linux sends no probe in recovery: a timeout). */
	if (tcp_sack_sacked(c, end - len, end) == len) {
		retransmit_first(c, now);
		return;
	}
	c->stack->st.retransmits++;
	c->flags &= ~TF_RTT; /* Karn */
	tcp_send_data(c, end - len, len, false, now);
}
