/* tcp_output.c: building and sending segments: data, SYN, ACK, RST, probes (RFC 9293 3.8.6, 3.7.4 Nagle). */
#include "tcp_priv.h"

#include <kiln/checksum.h>
#include <string.h>

void tcp_send_raw(struct tcp_stack *s, uint32_t laddr, uint32_t raddr, const struct tcp_hdr *h,
		  const uint8_t *payload, uint32_t len)
{
	unsigned hlen = tcp_hdr_len(h);
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, len);
	uint8_t *p;

	if (!pb) {
		s->st.drop_memory++;
		return;
	}
	if (len)
		memcpy(pb->data, payload, len);
	p = pbuf_push(pb, hlen);
	tcp_hdr_encode(h, p);
	tcp_seg_checksum_set(p, hlen + len, laddr, raddr);
	s->st.segs_out++;
	s->st.bytes_out += len;
	if (h->flags & TCP_RST)
		s->st.rst_sent++;
	s->cfg.ip->output(s->cfg.ip_ctx, laddr, raddr, pb);
}

void tcp_send_reset(struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		    uint16_t rport, uint32_t seq, uint32_t ack, bool with_ack)
{
	struct tcp_hdr h;
	memset(&h, 0, sizeof(h));
	h.sport = lport;
	h.dport = rport;
	h.seq = seq;
	h.ack = with_ack ? ack : 0;
	h.flags = TCP_RST | (with_ack ? TCP_ACK : 0);
	tcp_send_raw(s, laddr, raddr, &h, NULL, 0);
}

/* The common header of a connection's segment. */
static void conn_hdr(struct tcp_conn *c, struct tcp_hdr *h, uint8_t flags, uint32_t seq,
		     kiln_time_t now)
{
	memset(h, 0, sizeof(*h));
	h->sport = c->lport;
	h->dport = c->rport;
	h->seq = seq;
	h->flags = flags;
	if (flags & TCP_ACK)
		h->ack = c->rcv_nxt;
	if (flags & TCP_SYN) {
		/* RFC 7323 2.2: the window of a SYN is never scaled. */
		uint32_t w = tcp_rcv_window(c);
		h->wnd = w > 0xffff ? 0xffff : (uint16_t)w;
		if (SEQ_GT(c->rcv_nxt + h->wnd, c->rcv_adv))
			c->rcv_adv = c->rcv_nxt + h->wnd;
	} else {
		h->wnd = tcp_rcv_wnd_field(c);
	}
	if ((c->flags & TF_TS) && !(flags & TCP_RST)) {
		h->opts.has |= TCP_HAS_TS;
		h->opts.tsval = tcp_ts_now(c, now);
		h->opts.tsecr = c->ts_recent;
	}
	if ((flags & (TCP_ACK | TCP_SYN | TCP_RST)) == TCP_ACK)
		tcp_sack_fill(c, &h->opts);
}

/* The payload a segment of c with a hlen-byte header may carry and fit the
 * MTU: snd_mss allows for timestamps only; more options (SACK blocks on a
 * data segment) take their room from the payload. */
static uint32_t payload_fits(const struct tcp_conn *c, unsigned hlen)
{
	unsigned base = TCP_HDR_MIN + ((c->flags & TF_TS) ? 12 : 0);
	return c->snd_mss - (hlen > base ? hlen - base : 0);
}

/* Leave the checksum of the segment in pb (a hlen-byte header, len bytes
 * of payload) to the device: the field holds the pseudo-header's sum, as
 * virtio and Linux's GSO expect (for a super-segment, of its whole length;
 * the device adjusts it per segment). With TSO, a segment longer than fits
 * one MTU is a super-segment for the device to cut: into snd_mss pieces,
 * or less when the header carries more than snd_mss allows for (SACK
 * blocks on a data segment), so that every piece fits the MTU. */
static void leave_checksum(struct tcp_conn *c, struct pbuf *pb, unsigned hlen, uint32_t len)
{
	uint16_t partial = (uint16_t)~checksum_fold(
		checksum_pseudo_ipv4(c->laddr, c->raddr, 6, (uint16_t)(hlen + len)));
	uint32_t fits = payload_fits(c, hlen);

	pb->data[16] = (uint8_t)(partial >> 8);
	pb->data[17] = (uint8_t)partial;
	pb->offload.l4_len = hlen + len;
	pb->offload.csum_field = 16;
	pb->offload.l4_hdr_len = (uint8_t)hlen;
	if (len > fits && (c->stack->cfg.offloads & KILN_NET_OFFLOAD_TSO4)) {
		pb->offload.seg_size = (uint16_t)fits;
		c->stack->st.tso_sends++;
	}
}

/* The bytes of SACK blocks a data segment of c carries now (conn_hdr adds
 * them while our receive queue has holes), beyond the timestamps snd_mss
 * already allows for. */
static uint32_t sack_bytes(const struct tcp_conn *c)
{
	struct tcp_opts o = {.has = (c->flags & TF_TS) ? TCP_HAS_TS : 0};
	unsigned n = tcp_sack_fill(c, &o);
	return n ? 4 + 8 * n : 0;
}

/* The payload a segment of c may carry now and still fit the MTU: snd_mss
 * less the SACK blocks it would carry (Linux's tcp_current_mss() does the
 * same), never below half of snd_mss. */
static uint32_t data_mss(const struct tcp_conn *c)
{
	uint32_t extra = sack_bytes(c);
	return extra < c->snd_mss / 2 ? c->snd_mss - extra : c->snd_mss / 2;
}

/* The most payload one segment may carry: snd_mss, or with TSO a whole
 * number of snd_mss up to TCP_TSO_MAX_PAYLOAD. */
uint32_t tcp_seg_limit(const struct tcp_conn *c)
{
	if (!(c->stack->cfg.offloads & KILN_NET_OFFLOAD_TSO4) ||
	    !(c->stack->cfg.offloads & KILN_NET_OFFLOAD_CSUM))
		return c->snd_mss;
	uint32_t max = TCP_TSO_MAX_PAYLOAD / c->snd_mss * c->snd_mss;
	return max > c->snd_mss ? max : c->snd_mss;
}

/* Send a header and len bytes of the send ring from offset off. */
static void conn_send(struct tcp_conn *c, struct tcp_hdr *h, uint32_t off, uint32_t len)
{
	struct tcp_stack *s = c->stack;
	unsigned hlen = tcp_hdr_len(h);
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, len);
	uint8_t *p;

	if (!pb) {
		s->st.drop_memory++;
		return; /* as if lost: the retransmission timer covers it */
	}
	if (len)
		tcp_ring_read_at(&c->snd, off, pb->data, len);
	p = pbuf_push(pb, hlen);
	tcp_hdr_encode(h, p);
	if (s->cfg.offloads & KILN_NET_OFFLOAD_CSUM)
		leave_checksum(c, pb, hlen, len);
	else
		tcp_seg_checksum_set(p, hlen + len, c->laddr, c->raddr);
	if (h->flags & TCP_ACK) {
		c->last_ack_sent = c->rcv_nxt;
		c->segs_unacked = 0;
		c->t_delack = KILN_TIME_NEVER;
		c->flags &= ~TF_ACK_NOW;
	}
	s->st.segs_out++;
	s->st.bytes_out += len;
	if (h->flags & TCP_RST)
		s->st.rst_sent++;
	s->cfg.ip->output(s->cfg.ip_ctx, c->laddr, c->raddr, pb);
}

/* Control segments (a pure ACK, a RST, a challenge ACK) carry snd_max, not
 * snd_nxt: after a timeout snd_nxt has gone back, and a sequence number
 * below what the peer holds would be unacceptable to it (BSD does this). */
void tcp_send_ctl(struct tcp_conn *c, uint8_t flags, uint32_t seq, kiln_time_t now)
{
	struct tcp_hdr h;
	conn_hdr(c, &h, flags, seq, now);
	conn_send(c, &h, 0, 0);
}

void tcp_challenge_ack(struct tcp_conn *c, kiln_time_t now)
{
	/* RFC 5961 7: rate limited, so that forged RSTs and SYNs cannot make
	 * us send a flood (one per TCP_OOW_ACK_GAP per connection). */
	if (c->last_oow_ack && now - c->last_oow_ack < TCP_OOW_ACK_GAP)
		return;
	c->last_oow_ack = now;
	c->stack->st.challenge_acks++;
	tcp_send_ctl(c, TCP_ACK, c->snd_max, now);
}

void tcp_send_syn(struct tcp_conn *c, kiln_time_t now)
{
	struct tcp_stack *s = c->stack;
	struct tcp_hdr h;
	bool passive = c->state == TCP_SYN_RECEIVED;

	conn_hdr(c, &h, TCP_SYN | (passive ? TCP_ACK : 0), c->iss, now);
	h.opts.has |= TCP_HAS_MSS;
	h.opts.mss = s->cfg.mss;
	/* Active: offer what is enabled. Passive: answer what was offered. */
	if (passive ? (c->flags & TF_TS) : !s->cfg.no_timestamps) {
		h.opts.has |= TCP_HAS_TS;
		h.opts.tsval = tcp_ts_now(c, now);
		h.opts.tsecr = passive ? c->ts_recent : 0;
	}
	if (passive ? (c->flags & TF_SACK) : !s->cfg.no_sack)
		h.opts.has |= TCP_HAS_SACK_OK;
	if (passive ? (c->flags & TF_WS) : !s->cfg.no_wscale) {
		h.opts.has |= TCP_HAS_WS;
		h.opts.wscale = c->rcv_wscale;
	}
	conn_send(c, &h, 0, 0);
	c->snd_nxt = c->iss + 1;
	if (SEQ_GT(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	tcp_rtx_arm(c, now);
}

void tcp_send_data(struct tcp_conn *c, uint32_t seq, uint32_t len, bool fin, kiln_time_t now)
{
	struct tcp_hdr h;
	uint32_t off = seq - c->snd_una;
	uint8_t flags = TCP_ACK;

	if (fin)
		flags |= TCP_FIN;
	if (len && off + len == c->snd.len)
		flags |= TCP_PSH; /* the last of what the app wrote */
	conn_hdr(c, &h, flags, seq, now);
	/* A segment the device will not cut must fit the MTU: if the SACK
	 * blocks would push it over (a resend sized by snd_mss), it goes
	 * without them; pure ACKs carry them meanwhile. */
	if (len && !(c->stack->cfg.offloads & KILN_NET_OFFLOAD_TSO4) &&
	    len > payload_fits(c, tcp_hdr_len(&h)))
		h.opts.has &= ~TCP_HAS_SACK;
	conn_send(c, &h, off, len);
	tcp_rack_sent(c, seq, len + (fin ? 1 : 0), now);
}

static bool can_send_fin(const struct tcp_conn *c)
{
	return (c->flags & TF_FIN_QUEUED) &&
	       (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT ||
		c->state == TCP_FIN_WAIT_1 || c->state == TCP_CLOSING ||
		c->state == TCP_LAST_ACK);
}

/* With a super-segment's worth in flight, an ACK is due within a round
 * trip (a receiver acknowledges at least every second full segment) and
 * the tcp_output() it runs sends what the application wrote meanwhile in
 * bigger pieces: waiting costs no time and saves per-segment work on both
 * sides. Linux's tcp_tso_should_defer(), reduced to that one rule. */
bool tcp_output_can_wait(const struct tcp_conn *c)
{
	uint32_t max = tcp_seg_limit(c), flight = c->snd_nxt - c->snd_una;

	return max > c->snd_mss && flight >= max && flight <= c->snd.len &&
	       c->snd.len - flight < max;
}

void tcp_output(struct tcp_conn *c, kiln_time_t now)
{
	struct tcp_stack *s = c->stack;
	uint32_t max = tcp_seg_limit(c), top = c->snd_max, mss = data_mss(c);
	bool sent = false;

	switch (c->state) {
	case TCP_ESTABLISHED: case TCP_CLOSE_WAIT: case TCP_FIN_WAIT_1:
	case TCP_CLOSING: case TCP_LAST_ACK:
		break;
	case TCP_FIN_WAIT_2: case TCP_TIME_WAIT:
		if (c->flags & TF_ACK_NOW)
			tcp_send_ctl(c, TCP_ACK, c->snd_max, now);
		tcp_timer_update(c);
		return;
	default:
		return;
	}
	for (int burst = 0; burst < TCP_OUTPUT_BURST; burst++) {
		uint32_t off = c->snd_nxt - c->snd_una, unsent, win, usable, len;
		bool fin;

		if (off > c->snd.len)
			break; /* our FIN is out */
		unsent = c->snd.len - off;
		win = c->snd_wnd < c->cwnd ? c->snd_wnd : c->cwnd;
		usable = win > off ? win - off : 0;
		len = unsent < usable ? unsent : usable;
		/* Past one MSS (TSO), whole MSSes only: the remainder goes
		 * as its own segment, through Nagle, as without TSO. */
		if (len > mss)
			len = max <= mss ? mss : len < max ? len / mss * mss : max / mss * mss;
		fin = can_send_fin(c) && len == unsent;
		if (!len && !fin)
			break;
		if (len < mss && !fin) {
			/* Nagle: one small segment in flight at most. */
			if (!(c->flags & TF_NODELAY) && c->snd_nxt != c->snd_una)
				break;
			/* Sender SWS avoidance (RFC 9293 3.8.6.2.1). */
			if (len < unsent && len < c->max_snd_wnd / 2 &&
			    c->snd_nxt != c->snd_una)
				break;
		}
		tcp_send_data(c, c->snd_nxt, len, fin, now);
		sent = true;
		if (c->snd_nxt != c->snd_max)
			s->st.retransmits++;
		else if (!(c->flags & (TF_RTT | TF_TS)) && len) {
			c->flags |= TF_RTT; /* time this one (Karn: never a resend) */
			c->rt_seq = c->snd_nxt;
			c->rt_time = now;
		}
		c->snd_nxt += len + (fin ? 1 : 0);
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (fin && c->state == TCP_ESTABLISHED)
			tcp_set_state(c, TCP_FIN_WAIT_1);
		else if (fin && c->state == TCP_CLOSE_WAIT)
			tcp_set_state(c, TCP_LAST_ACK);
		if (c->t_rtx == KILN_TIME_NEVER)
			tcp_rtx_arm(c, now);
	}
	if (!sent && (c->flags & TF_ACK_NOW))
		tcp_send_ctl(c, TCP_ACK, c->snd_max, now);
	/* New data: the tail loss probe is due 2 SRTT after the last of it
	 * (RFC 8985 7.2). A timer armed when one segment was out is the
	 * full RTO (its ACK may be delayed), and a tail lost behind it cost
	 * a timeout each; one armed at the last ACK fires while the peer
	 * still acknowledges (74 needless probes in 256 MiB on a clean tap,
	 * against 0-13). Not over a reorder timer, nor after a probe. */
	if (SEQ_GT(c->snd_max, top) && (c->flags & TF_SACK) &&
	    !(c->flags & (TF_TLP_SENT | TF_REO)))
		tcp_rtx_arm(c, now);
	/* Zero window with data waiting and nothing in flight: probe. */
	if (c->snd_wnd == 0 && c->snd.len > c->snd_nxt - c->snd_una &&
	    c->t_rtx == KILN_TIME_NEVER && c->t_persist == KILN_TIME_NEVER) {
		kiln_time_t iv = (kiln_time_t)c->rto * 1000;
		c->t_persist = now + iv;
	}
	tcp_timer_update(c);
}
