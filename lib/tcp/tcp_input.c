/* tcp_input.c: segment arrival for synchronized connections and SYN_SENT (RFC 9293 3.10.7, RFC 5961, RFC 7323 5). */
#include "tcp_priv.h"

#define MS 1000000ull

void tcp_input(struct tcp_stack *s, uint32_t src, uint32_t dst, struct view v, kiln_time_t now)
{
	tcp_input_ex(s, src, dst, v, false, now);
}

void tcp_input_ex(struct tcp_stack *s, uint32_t src, uint32_t dst, struct view v, bool csum_ok,
		  kiln_time_t now)
{
	struct tcp_seg sg;
	struct tcp_conn *c;
	struct tcp_listener *l;
	const struct tcp_hdr *h = &sg.h;

	s->st.segs_in++;
	switch (tcp_seg_parse_ex(v, src, dst, !csum_ok, &sg)) {
	case TCP_PARSE_OK:
		break;
	case TCP_PARSE_CHECKSUM:
		s->st.drop_checksum++;
		return;
	default:
		s->st.drop_malformed++;
		return;
	}
	s->st.bytes_in += sg.payload.len;
	if (h->sport == 0 || h->dport == 0) {
		s->st.drop_malformed++; /* port 0 is reserved: never answer it */
		return;
	}
	c = tcp_table_find(s, dst, h->dport, src, h->sport);
	/* A new SYN for a connection in TIME_WAIT, beyond its old sequence
	 * space (RFC 9293 3.6.1, RFC 6191 with timestamps): end the old one
	 * and let the listener take the new one, as BSD and Linux do. */
	if (c && c->state == TCP_TIME_WAIT && (h->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
	    tcp_listener_find(s, h->dport) &&
	    (SEQ_GT(h->seq, c->rcv_nxt) ||
	     ((c->flags & TF_TS) && (h->opts.has & TCP_HAS_TS) && SEQ_GT(h->opts.tsval, c->ts_recent)))) {
		tcp_conn_closed(c, 0);
		c = NULL;
	}
	if (c) {
		tcp_input_conn(c, &sg, now);
		return;
	}
	l = tcp_listener_find(s, h->dport);
	if (l) {
		tcp_input_listen(s, l, src, dst, &sg, now);
		return;
	}
	/* CLOSED (RFC 9293 3.10.7.1): answer with a RST, never a RST to a RST. */
	s->st.drop_no_listener++;
	if (h->flags & TCP_RST)
		return;
	if (h->flags & TCP_ACK)
		tcp_send_reset(s, dst, h->dport, src, h->sport, h->ack, 0, false);
	else
		tcp_send_reset(s, dst, h->dport, src, h->sport, 0,
			       h->seq + (uint32_t)sg.payload.len + !!(h->flags & TCP_SYN) +
				       !!(h->flags & TCP_FIN),
			       true);
}

static void syn_sent_input(struct tcp_conn *c, const struct tcp_seg *sg, kiln_time_t now)
{
	struct tcp_stack *s = c->stack;
	const struct tcp_hdr *h = &sg->h;

	if ((h->flags & TCP_ACK) && (SEQ_LEQ(h->ack, c->iss) || SEQ_GT(h->ack, c->snd_max))) {
		s->st.drop_bad_ack++;
		if (!(h->flags & TCP_RST))
			tcp_send_reset(s, c->laddr, c->lport, c->raddr, c->rport, h->ack, 0, false);
		return;
	}
	if (h->flags & TCP_RST) {
		if (h->flags & TCP_ACK) { /* RFC 5961 3.2 holds: the ACK is exact */
			s->st.rst_received++;
			tcp_conn_closed(c, -TCP_ECONNREFUSED);
		} else {
			s->st.drop_state++;
		}
		return;
	}
	if (!(h->flags & TCP_SYN)) {
		s->st.drop_state++;
		return;
	}
	c->irs = h->seq;
	c->rcv_nxt = h->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->last_rcv = now;
	if ((h->opts.has & TCP_HAS_TS) && !s->cfg.no_timestamps) {
		c->flags |= TF_TS;
		c->ts_recent = h->opts.tsval;
	}
	if ((h->opts.has & TCP_HAS_WS) && !s->cfg.no_wscale) {
		c->flags |= TF_WS;
		c->snd_wscale = h->opts.wscale;
	} else {
		c->snd_wscale = c->rcv_wscale = 0; /* both or neither (RFC 7323 2.2) */
	}
	if ((h->opts.has & TCP_HAS_SACK_OK) && !s->cfg.no_sack)
		c->flags |= TF_SACK;
	tcp_conn_init_send(c, (h->opts.has & TCP_HAS_MSS) ? h->opts.mss : 0);
	c->snd_wnd = h->wnd; /* never scaled in a SYN */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = h->seq;
	c->snd_wl2 = h->ack;
	if (h->flags & TCP_ACK) {
		c->snd_una = h->ack;
		c->t_rtx = KILN_TIME_NEVER;
		c->rtx_count = 0;
		if (!(c->flags & TF_REXMIT_SYN))
			tcp_rtt_sample(c, (uint32_t)((now - c->rt_time) / 1000));
		tcp_set_state(c, TCP_ESTABLISHED);
		s->st.conns_active++;
		c->flags |= TF_ACK_NOW;
		if (c->flags & TF_KEEPALIVE)
			c->t_keep = now + s->cfg.keep_idle;
		tcp_output(c, now);
		tcp_wake(s, &c->wq);
		return;
	}
	/* Simultaneous open (RFC 9293 3.5, figure 8): SYN-ACK from the same ISS. */
	tcp_set_state(c, TCP_SYN_RECEIVED);
	c->rtx_count = 0;
	tcp_send_syn(c, now);
	tcp_timer_update(c);
}

/* RFC 9293 3.10.7.4 "first": is the segment's sequence range acceptable? */
static bool seq_acceptable(const struct tcp_conn *c, uint32_t seq, uint32_t seglen, uint32_t wnd)
{
	if (seglen == 0)
		return wnd == 0 ? seq == c->rcv_nxt
				: SEQ_LEQ(c->rcv_nxt, seq) && SEQ_LT(seq, c->rcv_nxt + wnd);
	if (wnd == 0)
		return false;
	return (SEQ_LEQ(c->rcv_nxt, seq) && SEQ_LT(seq, c->rcv_nxt + wnd)) ||
	       (SEQ_LEQ(c->rcv_nxt, seq + seglen - 1) && SEQ_LT(seq + seglen - 1, c->rcv_nxt + wnd));
}

static void fin_received(struct tcp_conn *c, kiln_time_t now)
{
	c->rcv_nxt++;
	c->flags &= ~TF_RCV_FIN;
	c->flags |= TF_ACK_NOW;
	switch (c->state) {
	case TCP_ESTABLISHED: tcp_set_state(c, TCP_CLOSE_WAIT); break;
	case TCP_FIN_WAIT_1: tcp_set_state(c, TCP_CLOSING); break;
	case TCP_FIN_WAIT_2: tcp_time_wait(c, now); break;
	default: break;
	}
	tcp_wake(c->stack, &c->rq);
}

/* The ACK field (RFC 9293 3.10.7.4 "fifth", RFC 5961 5). False: stop here
 * (the segment was dropped, or the connection is gone). */
static bool ack_input(struct tcp_conn *c, const struct tcp_seg *sg, kiln_time_t now)
{
	struct tcp_stack *s = c->stack;
	const struct tcp_hdr *h = &sg->h;
	bool window_changed = false;

	if (c->state == TCP_SYN_RECEIVED) {
		if (!SEQ_LT(c->snd_una, h->ack) || SEQ_GT(h->ack, c->snd_max)) {
			s->st.drop_bad_ack++;
			tcp_send_reset(s, c->laddr, c->lport, c->raddr, c->rport, h->ack, 0, false);
			return false;
		}
		tcp_set_state(c, TCP_ESTABLISHED);
		c->snd_wnd = (uint32_t)h->wnd << c->snd_wscale;
		c->max_snd_wnd = c->snd_wnd;
		c->snd_wl1 = h->seq;
		c->snd_wl2 = h->ack;
		if (!(c->flags & (TF_TS | TF_REXMIT_SYN)))
			tcp_rtt_sample(c, (uint32_t)((now - c->rt_time) / 1000));
		if (c->flags & TF_PASSIVE)
			tcp_accept_enqueue(c);
		else
			s->st.conns_active++;
		if (c->flags & TF_KEEPALIVE)
			c->t_keep = now + s->cfg.keep_idle;
		tcp_wake(s, &c->wq);
	}
	if (SEQ_GT(h->ack, c->snd_max)) { /* acks what we never sent */
		s->st.drop_bad_ack++;
		c->flags |= TF_ACK_NOW;
		tcp_output(c, now);
		return false;
	}
	if (SEQ_LT(h->ack, c->snd_una - c->max_snd_wnd)) { /* RFC 5961 5.2 */
		s->st.drop_bad_ack++;
		tcp_challenge_ack(c, now);
		return false;
	}
	if (SEQ_LT(c->snd_wl1, h->seq) || (c->snd_wl1 == h->seq && SEQ_LEQ(c->snd_wl2, h->ack))) {
		uint32_t w = (uint32_t)h->wnd << c->snd_wscale;
		window_changed = w != c->snd_wnd;
		c->snd_wnd = w;
		c->snd_wl1 = h->seq;
		c->snd_wl2 = h->ack;
		if (w > c->max_snd_wnd)
			c->max_snd_wnd = w;
		if (w && c->t_persist != KILN_TIME_NEVER) {
			c->t_persist = KILN_TIME_NEVER;
			c->probes = 0;
		}
	}
	tcp_rack_ack(c, h->ack, &h->opts, now);
	tcp_sack_update(c, &h->opts);
	if (SEQ_GT(h->ack, c->snd_una)) {
		uint32_t acked = h->ack - c->snd_una;
		uint32_t data = acked < c->snd.len ? acked : c->snd.len;
		bool fin_acked = (c->flags & TF_FIN_QUEUED) && acked > c->snd.len;

		if ((c->flags & TF_TS) && (h->opts.has & TCP_HAS_TS) && h->opts.tsecr) {
			uint32_t ms = tcp_ts_now(c, now) - h->opts.tsecr;
			if (ms < 60000) /* a sane echo (RFC 7323 4.1) */
				tcp_rtt_sample(c, ms ? ms * 1000 : 500);
		} else if ((c->flags & TF_RTT) && SEQ_GT(h->ack, c->rt_seq)) {
			c->flags &= ~TF_RTT;
			tcp_rtt_sample(c, (uint32_t)((now - c->rt_time) / 1000));
		}
		tcp_ring_consume(&c->snd, data);
		c->snd_una = h->ack;
		if (SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		c->rtx_count = 0;
		tcp_sack_trim(c);
		tcp_rack_trim(c);
		tcp_cc_ack(c, acked, now);
		if (c->snd_una == c->snd_max)
			c->t_rtx = KILN_TIME_NEVER;
		else
			tcp_rtx_arm(c, now);
		if (!c->snd.len)
			tcp_idle_arm(c, now); /* idle connections hold no buffer */
		tcp_wake(s, &c->wq);
		if (fin_acked) {
			switch (c->state) {
			case TCP_FIN_WAIT_1:
				tcp_set_state(c, TCP_FIN_WAIT_2);
				if (c->flags & TF_ORPHAN)
					c->t_close = now + s->cfg.fin_wait2_timeout;
				break;
			case TCP_CLOSING:
				tcp_time_wait(c, now);
				break;
			case TCP_LAST_ACK:
				tcp_conn_closed(c, 0);
				return false;
			default:
				break;
			}
		}
	} else if (h->ack == c->snd_una && sg->payload.len == 0 &&
		   !(h->flags & (TCP_SYN | TCP_FIN)) &&
		   (!window_changed || ((c->flags & TF_SACK) && (h->opts.has & TCP_HAS_SACK))) &&
		   c->snd_max != c->snd_una && c->state != TCP_TIME_WAIT) {
		/* RFC 5681 2: a duplicate ACK. One that carries SACK blocks
		 * is one whatever its window (RFC 6675 2: it reports a
		 * segment that arrived): Linux's grow their window as its
		 * application reads, and were not counted. */
		tcp_cc_dupack(c, now);
	}
	tcp_cc_sack_check(c, now);
	return true;
}

static void data_input(struct tcp_conn *c, const struct tcp_seg *sg, kiln_time_t now)
{
	struct tcp_stack *s = c->stack;
	uint32_t seq = sg->h.seq + !!(sg->h.flags & TCP_SYN);
	struct view d = sg->payload;
	uint32_t wnd = tcp_rcv_window(c);
	bool had_holes = c->ooo_n > 0;

	if (SEQ_LT(seq, c->rcv_nxt)) { /* already have the front */
		uint32_t skip = c->rcv_nxt - seq;
		if (skip >= d.len) {
			c->flags |= TF_ACK_NOW; /* a duplicate: ACK it */
			return;
		}
		view_tail(d, skip, &d);
		seq = c->rcv_nxt;
	}
	if (seq - c->rcv_nxt >= wnd) {
		c->flags |= TF_ACK_NOW;
		return;
	}
	if (d.len > wnd - (seq - c->rcv_nxt))
		d.len = wnd - (seq - c->rcv_nxt);
	if (seq != c->rcv_nxt)
		c->sack_recent = seq;
	if (seq != c->rcv_nxt || had_holes) {
		c->flags |= TF_ACK_NOW; /* out of order, or filling a hole: ACK now (RFC 5681 4.2) */
	} else if (++c->segs_unacked >= 2) {
		c->flags |= TF_ACK_NOW; /* every second full segment */
	} else if (c->t_delack == KILN_TIME_NEVER) {
		c->t_delack = now + s->cfg.delack;
	}
	tcp_rcv_data(c, seq, d);
	tcp_wake(s, &c->rq);
}

void tcp_input_conn(struct tcp_conn *c, const struct tcp_seg *sg, kiln_time_t now)
{
	struct tcp_stack *s = c->stack;
	const struct tcp_hdr *h = &sg->h;
	uint32_t len = (uint32_t)sg->payload.len;
	uint32_t seglen = len + !!(h->flags & TCP_SYN) + !!(h->flags & TCP_FIN);
	uint32_t wnd;
	bool has_data;
	struct tcp_seg tmp;

	if (c->state == TCP_SYN_SENT) {
		syn_sent_input(c, sg, now);
		return;
	}
	if (c->state == TCP_CLOSED)
		return;
	/* A retransmitted SYN while our SYN-ACK is out: answer it again. */
	if (c->state == TCP_SYN_RECEIVED && (h->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
	    h->seq == c->irs) {
		tcp_send_syn(c, now);
		tcp_timer_update(c);
		return;
	}
	/* Simultaneous open (RFC 9293 figure 8, line 6): the peer's SYN-ACK
	 * carries the SYN we already have; take it as its ACK (as BSD trims). */
	if (c->state == TCP_SYN_RECEIVED && (h->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) &&
	    h->seq == c->irs) {
		tmp = *sg;
		tmp.h.flags &= (uint8_t)~TCP_SYN;
		tmp.h.seq++;
		sg = &tmp;
		h = &tmp.h;
		seglen--;
	}
	/* RFC 5961 4.2: a SYN in a synchronized state, whatever its sequence
	 * number, gets a challenge ACK and is dropped. */
	if ((h->flags & TCP_SYN) && !(h->flags & TCP_RST)) {
		tcp_challenge_ack(c, now);
		tcp_timer_update(c);
		return;
	}
	/* PAWS (RFC 7323 5.3). */
	if ((c->flags & TF_TS) && (h->opts.has & TCP_HAS_TS) && !(h->flags & TCP_RST) &&
	    SEQ_LT(h->opts.tsval, c->ts_recent) && now - c->last_rcv < 24ull * 86400 * 1000 * MS) {
		s->st.drop_paws++;
		c->flags |= TF_ACK_NOW;
		tcp_output(c, now);
		return;
	}
	wnd = tcp_rcv_window(c);
	if (!seq_acceptable(c, h->seq, seglen, wnd)) {
		if (c->state == TCP_TIME_WAIT && (h->flags & TCP_FIN) &&
		    h->seq + len + 1 == c->rcv_nxt && !(h->flags & TCP_RST)) {
			/* The peer's FIN again: our ACK was lost. ACK it and
			 * wait 2 MSL more (RFC 9293 3.10.7.4, as Linux). */
			c->t_close = now + 2 * s->cfg.msl;
			c->flags |= TF_ACK_NOW;
			tcp_output(c, now);
			return;
		}
		/* RFC 9293: with a zero window, an exact segment's ACK still counts. */
		if (!(wnd == 0 && h->seq == c->rcv_nxt)) {
			s->st.drop_out_of_window++;
			/* An ACK in answer, except to a RST, and at most one per
			 * TCP_OOW_ACK_GAP for segments without data: two ends
			 * that disagree must not ping-pong ACKs (Linux's
			 * tcp_invalid_ratelimit; RFC 5961 10). */
			if (!(h->flags & TCP_RST) &&
			    (len || !c->last_oow_ack || now - c->last_oow_ack >= TCP_OOW_ACK_GAP)) {
				c->last_oow_ack = now;
				c->flags |= TF_ACK_NOW;
				tcp_output(c, now);
			}
			return;
		}
		if (len)
			c->flags |= TF_ACK_NOW; /* tell the sender the window is still 0 */
		len = 0; /* take the ACK, not the data */
	}
	if (h->flags & TCP_RST) { /* RFC 5961 3.2 */
		s->st.rst_received++;
		if (c->state == TCP_TIME_WAIT) {
			/* RFC 1337: a RST must not cut TIME_WAIT short (an old
			 * duplicate could then be taken by a new incarnation). */
			s->st.drop_state++;
			return;
		}
		if (h->seq != c->rcv_nxt) {
			tcp_challenge_ack(c, now);
			tcp_timer_update(c);
			return;
		}
		if (c->state == TCP_SYN_RECEIVED && (c->flags & TF_PASSIVE)) {
			tcp_conn_closed(c, 0); /* back to LISTEN: the listener stays */
			return;
		}
		s->st.conns_reset++;
		tcp_conn_closed(c, c->state == TCP_SYN_RECEIVED ? -TCP_ECONNREFUSED :
				   (c->state == TCP_CLOSING || c->state == TCP_LAST_ACK) ? 0 :
				   -TCP_ECONNRESET);
		return;
	}
	if (!(h->flags & TCP_ACK)) {
		s->st.drop_state++;
		return;
	}
	/* RFC 7323 4.3: remember the timestamp of the segment at our edge. */
	if ((c->flags & TF_TS) && (h->opts.has & TCP_HAS_TS) && SEQ_LEQ(h->seq, c->last_ack_sent))
		c->ts_recent = h->opts.tsval;
	c->last_rcv = now;
	if (c->flags & TF_KEEPALIVE) {
		c->probes = 0;
		c->t_keep = now + s->cfg.keep_idle;
	}
	if (!ack_input(c, sg, now))
		return;
	has_data = len > 0;
	if (has_data) {
		if (c->flags & TF_ORPHAN) {
			/* Nobody will read it (RFC 9293 3.10.4; Linux does the same). */
			s->st.drop_after_close++;
			tcp_send_ctl(c, TCP_RST | TCP_ACK, c->snd_max, now);
			tcp_conn_closed(c, -TCP_ECONNRESET);
			return;
		}
		if (c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
		    c->state == TCP_FIN_WAIT_2)
			data_input(c, sg, now);
		else
			c->flags |= TF_ACK_NOW; /* data after the peer's FIN: ignore */
	}
	if (h->flags & TCP_FIN) {
		uint32_t fin_seq = h->seq + len;
		if (c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
		    c->state == TCP_FIN_WAIT_2) {
			if (fin_seq == c->rcv_nxt) {
				fin_received(c, now);
			} else if (SEQ_GT(fin_seq, c->rcv_nxt)) {
				/* After a hole: taken when it fills. An out-of-order
				 * segment is ACKed at once (RFC 5681 4.2), a bare FIN
				 * too: the duplicate ACK tells the sender of the hole. */
				c->flags |= TF_RCV_FIN | TF_ACK_NOW;
				c->rcv_fin_seq = fin_seq;
			}
		} else if (c->state == TCP_TIME_WAIT) {
			c->t_close = now + 2 * s->cfg.msl; /* FIN again: restart 2 MSL */
			c->flags |= TF_ACK_NOW;
		} else {
			c->flags |= TF_ACK_NOW;
		}
	}
	if ((c->flags & TF_RCV_FIN) && c->rcv_fin_seq == c->rcv_nxt &&
	    (c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
	     c->state == TCP_FIN_WAIT_2))
		fin_received(c, now);
	tcp_output(c, now);
}
