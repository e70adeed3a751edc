/* tcp_listen.c: listeners, the SYN queue, SYN cookies and the accept queue (RFC 9293 3.10.7.2, RFC 4987 3.6). */
#include "tcp_priv.h"

#include <string.h>

uint8_t tcp_rcv_wscale_for(const struct tcp_stack *s)
{
	uint8_t ws = 0;
	if (s->cfg.no_wscale)
		return 0;
	while (ws < TCP_WSCALE_MAX && (s->cfg.rcvbuf >> ws) > 0xffff)
		ws++;
	return ws;
}

int tcp_listen(struct tcp_stack *s, uint16_t port, unsigned backlog, struct tcp_listener **out)
{
	struct tcp_listener *l;

	if (port == 0 || !out)
		return -TCP_EINVAL;
	if (tcp_listener_find(s, port))
		return -TCP_EADDRINUSE;
	l = tcp_mem_alloc(s, sizeof(*l));
	if (!l)
		return -TCP_ENOMEM;
	memset(l, 0, sizeof(*l));
	l->stack = s;
	l->port = port;
	l->backlog = backlog < 1 ? 1 : backlog > TCP_BACKLOG_MAX ? TCP_BACKLOG_MAX : backlog;
	l->next = s->listeners;
	s->listeners = l;
	s->nlisteners++;
	*out = l;
	return 0;
}

struct tcp_conn *tcp_accept_nb(struct tcp_listener *l)
{
	struct tcp_conn *c = l->aq_head;
	if (!c)
		return NULL;
	l->aq_head = c->qnext;
	if (!l->aq_head)
		l->aq_tail = NULL;
	l->accept_count--;
	c->qnext = NULL;
	c->listener = NULL;
	c->flags = (c->flags & ~(uint32_t)TF_ACCEPTQ) | TF_APP;
	return c;
}

void tcp_listener_close(struct tcp_listener *l)
{
	struct tcp_stack *s = l->stack;
	struct tcp_conn *c, *next;

	for (c = s->all; c; c = next) {
		next = c->anext; /* closing c frees only c */
		if (c->listener != l)
			continue;
		tcp_send_reset(s, c->laddr, c->lport, c->raddr, c->rport, c->snd_max, c->rcv_nxt,
			       true);
		tcp_conn_closed(c, -TCP_ECONNABORTED);
	}
	for (struct tcp_listener **p = &s->listeners; *p; p = &(*p)->next)
		if (*p == l) {
			*p = l->next;
			break;
		}
	s->nlisteners--;
	tcp_mem_free(s, l, sizeof(*l));
}

/* The third segment of a handshake we answered with a cookie. */
static void cookie_ack(struct tcp_stack *s, struct tcp_listener *l, uint32_t src, uint32_t dst,
		       const struct tcp_seg *sg, kiln_time_t now)
{
	const struct tcp_hdr *h = &sg->h;
	uint16_t mss = tcp_cookie_check(s, dst, h->dport, src, h->sport, h->seq - 1, h->ack - 1, now);
	struct tcp_conn *c;

	if (!mss) {
		s->st.syn_cookies_bad++;
		tcp_send_reset(s, dst, h->dport, src, h->sport, h->ack, 0, false);
		return;
	}
	if (l->accept_count >= l->backlog) {
		s->st.drop_listen_overflow++;
		return;
	}
	c = tcp_conn_new(s, dst, h->dport, src, h->sport);
	if (!c) {
		/* No room for the connection the client believes open: say so
		 * (a silent drop would leave it waiting). Counted by
		 * tcp_conn_new. */
		tcp_send_reset(s, dst, h->dport, src, h->sport, h->ack, 0, false);
		return;
	}
	s->st.syn_cookies_ok++;
	c->flags |= TF_PASSIVE | TF_COOKIE;
	c->listener = l;
	l->syn_count++; /* tcp_accept_enqueue moves it to the accept queue */
	c->iss = h->ack - 1;
	c->snd_una = c->snd_nxt = c->snd_max = c->recover = h->ack;
	c->irs = h->seq - 1;
	c->rcv_nxt = c->rcv_adv = h->seq;
	c->ts_offset = tcp_isn(s, dst, h->dport, src, h->sport, 0);
	tcp_conn_init_send(c, mss);
	c->snd_wnd = c->max_snd_wnd = h->wnd; /* no scaling: not in the cookie */
	c->snd_wl1 = h->seq;
	c->snd_wl2 = h->ack;
	c->last_rcv = now;
	tcp_set_state(c, TCP_ESTABLISHED);
	tcp_table_insert(s, c);
	tcp_accept_enqueue(c);
	tcp_input_conn(c, sg, now); /* it may carry data */
}

static void cookie_synack(struct tcp_stack *s, uint32_t src, uint32_t dst, const struct tcp_seg *sg,
			  kiln_time_t now)
{
	const struct tcp_hdr *h = &sg->h;
	uint16_t mss = (h->opts.has & TCP_HAS_MSS) ? h->opts.mss : 536;
	struct tcp_hdr r;

	if (mss > s->cfg.mss)
		mss = s->cfg.mss;
	memset(&r, 0, sizeof(r));
	r.sport = h->dport;
	r.dport = h->sport;
	r.seq = tcp_cookie_make(s, dst, h->dport, src, h->sport, h->seq, mss, now);
	r.ack = h->seq + 1;
	r.flags = TCP_SYN | TCP_ACK;
	r.wnd = s->cfg.rcvbuf > 0xffff ? 0xffff : (uint16_t)s->cfg.rcvbuf;
	r.opts.has = TCP_HAS_MSS;
	r.opts.mss = s->cfg.mss;
	s->st.syn_cookies_sent++;
	tcp_send_raw(s, dst, src, &r, NULL, 0);
}

void tcp_input_listen(struct tcp_stack *s, struct tcp_listener *l, uint32_t src, uint32_t dst,
		      const struct tcp_seg *sg, kiln_time_t now)
{
	const struct tcp_hdr *h = &sg->h;
	struct tcp_conn *c;

	if (h->flags & TCP_RST) {
		s->st.drop_state++;
		return;
	}
	if ((h->flags & (TCP_ACK | TCP_SYN)) == TCP_ACK && !s->cfg.no_syncookies) {
		cookie_ack(s, l, src, dst, sg, now);
		return;
	}
	if (h->flags & TCP_ACK) {
		s->st.drop_state++;
		tcp_send_reset(s, dst, h->dport, src, h->sport, h->ack, 0, false);
		return;
	}
	if (!(h->flags & TCP_SYN)) {
		s->st.drop_state++;
		return;
	}
	if (l->accept_count >= l->backlog) {
		s->st.drop_listen_overflow++; /* the client will retry its SYN */
		return;
	}
	c = NULL;
	if (l->syn_count < s->cfg.syn_queue)
		c = tcp_conn_new(s, dst, h->dport, src, h->sport);
	if (!c) {
		if (s->cfg.no_syncookies) {
			s->st.drop_syn_queue++;
			return;
		}
		cookie_synack(s, src, dst, sg, now); /* flood: stay stateless */
		return;
	}
	c->flags |= TF_PASSIVE;
	c->listener = l;
	l->syn_count++;
	c->irs = h->seq;
	c->rcv_nxt = c->rcv_adv = h->seq + 1;
	c->last_rcv = now;
	c->ts_offset = tcp_isn(s, dst, h->dport, src, h->sport, 0);
	if ((h->opts.has & TCP_HAS_TS) && !s->cfg.no_timestamps) {
		c->flags |= TF_TS;
		c->ts_recent = h->opts.tsval;
	}
	if ((h->opts.has & TCP_HAS_WS) && !s->cfg.no_wscale) {
		c->flags |= TF_WS;
		c->snd_wscale = h->opts.wscale;
		c->rcv_wscale = tcp_rcv_wscale_for(s);
	}
	if ((h->opts.has & TCP_HAS_SACK_OK) && !s->cfg.no_sack)
		c->flags |= TF_SACK;
	tcp_conn_init_send(c, (h->opts.has & TCP_HAS_MSS) ? h->opts.mss : 0);
	c->snd_wnd = c->max_snd_wnd = h->wnd;
	c->snd_wl1 = h->seq;
	c->iss = tcp_isn(s, dst, h->dport, src, h->sport, now);
	c->snd_una = c->snd_nxt = c->snd_max = c->recover = c->iss;
	c->snd_wl2 = c->iss;
	c->rt_time = now;
	tcp_set_state(c, TCP_SYN_RECEIVED);
	tcp_table_insert(s, c);
	tcp_send_syn(c, now);
	tcp_timer_update(c);
}
