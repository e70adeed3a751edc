/* tcp_api.c: the non-blocking socket calls: connect, read, write, shutdown, close, abort (RFC 9293 3.10.1-3.10.5). */
#include "tcp_priv.h"

#include <string.h>

int tcp_connect_nb(struct tcp_stack *s, uint32_t src, uint32_t dst, uint16_t port,
		   struct tcp_conn **out)
{
	kiln_time_t now = tcp_now(s);
	uint16_t lport = 0;
	struct tcp_conn *c;
	uint32_t base;

	if (!port || !out)
		return -TCP_EINVAL;
	/* RFC 6056 3.3.3: a keyed offset per destination plus a counter. */
	base = tcp_isn(s, src, 0, dst, port, 0) + s->port_seq++;
	for (uint32_t i = 0; i < TCP_PORT_TRIES; i++) {
		uint16_t p = (uint16_t)(49152 + (base + i) % 16384);
		if (!tcp_table_find(s, src, p, dst, port)) {
			lport = p;
			break;
		}
	}
	if (!lport)
		return -TCP_EADDRINUSE;
	c = tcp_conn_new(s, src, lport, dst, port);
	if (!c)
		return -TCP_ENOMEM;
	c->flags |= TF_APP;
	c->iss = tcp_isn(s, src, lport, dst, port, now);
	c->snd_una = c->snd_nxt = c->snd_max = c->recover = c->iss;
	c->rcv_wscale = tcp_rcv_wscale_for(s);
	c->ts_offset = tcp_isn(s, src, lport, dst, port, 0);
	c->rt_time = now;
	tcp_set_state(c, TCP_SYN_SENT);
	tcp_table_insert(s, c);
	tcp_send_syn(c, now);
	tcp_timer_update(c);
	*out = c;
	return 0;
}

int tcp_conn_status(const struct tcp_conn *c)
{
	if (c->err)
		return c->err;
	switch (c->state) {
	case TCP_SYN_SENT: case TCP_SYN_RECEIVED: return -TCP_EINPROGRESS;
	default: return 0;
	}
}

/* The peer's FIN has been received (all its data is in the buffer). */
static bool at_eof(const struct tcp_conn *c)
{
	return c->state == TCP_CLOSE_WAIT || c->state == TCP_LAST_ACK ||
	       c->state == TCP_CLOSING || c->state == TCP_TIME_WAIT ||
	       (c->state == TCP_CLOSED && !c->err);
}

long tcp_read_nb(struct tcp_conn *c, void *buf, size_t len)
{
	uint32_t n;

	if (c->rcv.len && len) {
		n = len < c->rcv.len ? (uint32_t)len : c->rcv.len;
		tcp_ring_read_at(&c->rcv, 0, buf, n);
		tcp_ring_consume(&c->rcv, n);
		tcp_rcv_after_read(c);
		return n;
	}
	if (c->err)
		return c->err;
	if (at_eof(c))
		return 0;
	return -TCP_EAGAIN;
}

long tcp_peek_nb(struct tcp_conn *c, struct view *v)
{
	*v = view_make(NULL, 0);
	if (c->rcv.len) {
		uint32_t run = c->rcv.cap - c->rcv.head;
		*v = view_make(c->rcv.buf + c->rcv.head, run < c->rcv.len ? run : c->rcv.len);
		return (long)v->len;
	}
	if (c->err)
		return c->err;
	if (at_eof(c))
		return 0;
	return -TCP_EAGAIN;
}

void tcp_consume(struct tcp_conn *c, size_t n)
{
	if (n > c->rcv.len)
		n = c->rcv.len; /* more than was there: a caller's bug, not a crash */
	if (!n)
		return;
	tcp_ring_consume(&c->rcv, (uint32_t)n);
	tcp_rcv_after_read(c);
}

/* The send buffer a connection may fill now: twice its congestion window
 * (a window in flight and one queued behind it), at least TCP_SNDBUF_FLOOR,
 * at most cfg.sndbuf. A fast path gets the whole sndbuf; a slow or lossy
 * one does not make the stack hold it for every connection (Linux's send
 * buffer autotuning, reduced to its rule). */
static uint32_t snd_limit(const struct tcp_conn *c)
{
	uint32_t max = c->stack->cfg.sndbuf;
	uint32_t want = c->cwnd > UINT32_MAX / 2 ? UINT32_MAX : 2 * c->cwnd;

	if (want < TCP_SNDBUF_FLOOR)
		want = TCP_SNDBUF_FLOOR;
	return want < max ? want : max;
}

long tcp_write_nb(struct tcp_conn *c, const void *buf, size_t len)
{
	struct tcp_stack *s = c->stack;
	uint32_t limit, space, n;

	if (c->err)
		return c->err == -TCP_ECONNRESET ? -TCP_EPIPE : c->err;
	if (c->flags & TF_FIN_QUEUED)
		return -TCP_EPIPE;
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED)
		return -TCP_EAGAIN;
	if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return -TCP_EPIPE;
	if (!len)
		return 0;
	limit = snd_limit(c);
	space = limit > c->snd.len ? limit - c->snd.len : 0;
	if (!space)
		return -TCP_EAGAIN;
	n = len < space ? (uint32_t)len : space;
	if (!tcp_ring_reserve(s, &c->snd, c->snd.len + n, s->cfg.sndbuf)) {
		if (c->snd.cap <= c->snd.len) {
			s->st.drop_memory++;
			return -TCP_ENOMEM;
		}
		n = c->snd.cap - c->snd.len; /* what fits without growing */
	}
	tcp_ring_write_at(&c->snd, c->snd.len, buf, n);
	c->snd.len += n;
	if (!tcp_output_can_wait(c))
		tcp_output(c, tcp_now(s));
	return n;
}

int tcp_shutdown_write(struct tcp_conn *c)
{
	if (c->err)
		return c->err;
	if (c->flags & TF_FIN_QUEUED)
		return 0;
	switch (c->state) {
	case TCP_SYN_SENT: case TCP_SYN_RECEIVED: case TCP_ESTABLISHED: case TCP_CLOSE_WAIT:
		c->flags |= TF_FIN_QUEUED;
		tcp_output(c, tcp_now(c->stack));
		return 0;
	default:
		return -TCP_ENOTCONN;
	}
}

void tcp_abort(struct tcp_conn *c)
{
	struct tcp_stack *s = c->stack;

	c->flags &= ~TF_APP;
	switch (c->state) {
	case TCP_SYN_RECEIVED: case TCP_ESTABLISHED: case TCP_FIN_WAIT_1: case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT: case TCP_CLOSING: case TCP_LAST_ACK:
		tcp_send_ctl(c, TCP_RST | TCP_ACK, c->snd_nxt, tcp_now(s));
		break;
	default:
		break;
	}
	if (c->state == TCP_CLOSED)
		tcp_conn_free(c);
	else
		tcp_conn_closed(c, -TCP_ECONNABORTED);
}

void tcp_close(struct tcp_conn *c)
{
	struct tcp_stack *s = c->stack;
	kiln_time_t now = tcp_now(s);

	switch (c->state) {
	case TCP_CLOSED:
		tcp_conn_free(c);
		return;
	case TCP_SYN_SENT:
		c->flags &= ~TF_APP;
		tcp_conn_closed(c, 0);
		return;
	case TCP_TIME_WAIT:
		c->flags &= ~TF_APP; /* the timer frees it */
		return;
	default:
		break;
	}
	if (c->rcv.len || c->ooo_n) {
		tcp_abort(c); /* unread data: tell the peer (RFC 9293 3.10.4) */
		return;
	}
	c->flags = (c->flags & ~(uint32_t)TF_APP) | TF_ORPHAN | TF_FIN_QUEUED;
	tcp_output(c, now);
	if (c->state == TCP_FIN_WAIT_2) {
		c->t_close = now + s->cfg.fin_wait2_timeout;
		tcp_timer_update(c);
	}
}

void tcp_set_nodelay(struct tcp_conn *c, bool nodelay)
{
	if (nodelay)
		c->flags |= TF_NODELAY;
	else
		c->flags &= ~TF_NODELAY;
	if (nodelay)
		tcp_output(c, tcp_now(c->stack));
}

void tcp_set_keepalive(struct tcp_conn *c, bool on)
{
	kiln_time_t now = tcp_now(c->stack);
	if (on) {
		c->flags |= TF_KEEPALIVE;
		c->probes = 0;
		if (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT)
			c->t_keep = (c->last_rcv > now ? now : c->last_rcv) + c->stack->cfg.keep_idle;
	} else {
		c->flags &= ~TF_KEEPALIVE;
		c->t_keep = KILN_TIME_NEVER;
	}
	if (c->state != TCP_CLOSED)
		tcp_timer_update(c);
}

bool tcp_readable(const struct tcp_conn *c)
{
	return c->rcv.len || c->err || at_eof(c);
}

bool tcp_writable(const struct tcp_conn *c)
{
	if (c->err || (c->flags & TF_FIN_QUEUED))
		return true; /* write_nb returns the error at once */
	if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return c->state != TCP_SYN_SENT && c->state != TCP_SYN_RECEIVED;
	return c->snd.len < snd_limit(c);
}

void tcp_conn_info(const struct tcp_conn *c, struct tcp_conn_info *o)
{
	memset(o, 0, sizeof(*o));
	o->state = (enum tcp_state)c->state;
	o->laddr = c->laddr;
	o->raddr = c->raddr;
	o->lport = c->lport;
	o->rport = c->rport;
	o->snd_mss = c->snd_mss;
	o->snd_wscale = c->snd_wscale;
	o->rcv_wscale = c->rcv_wscale;
	o->timestamps = (c->flags & TF_TS) != 0;
	o->sack = (c->flags & TF_SACK) != 0;
	o->snd_wnd = c->snd_wnd;
	o->cwnd = c->cwnd;
	o->ssthresh = c->ssthresh;
	o->srtt_us = c->srtt >> 3;
	o->rto_us = c->rto;
	o->unacked = c->snd_nxt - c->snd_una > c->snd.len ? c->snd.len : c->snd_nxt - c->snd_una;
	o->unsent = c->snd.len - o->unacked;
	o->readable = c->rcv.len;
	o->mem = sizeof(*c) + c->snd.cap + c->rcv.cap;
}
