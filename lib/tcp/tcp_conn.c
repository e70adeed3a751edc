/* tcp_conn.c: a connection's lifetime: creation, state changes, the accept queue, freeing (RFC 9293 3.3.2). */
#include "tcp_priv.h"

#include <string.h>

/* The TIME_WAIT connection nearest its end that nobody holds, or NULL. */
static struct tcp_conn *oldest_time_wait(struct tcp_stack *s)
{
	struct tcp_conn *old = NULL;

	for (struct tcp_conn *c = s->all; c; c = c->anext)
		if (c->state == TCP_TIME_WAIT && !(c->flags & TF_APP) &&
		    (!old || c->t_close < old->t_close))
			old = c;
	return old;
}

struct tcp_conn *tcp_conn_new(struct tcp_stack *s, uint32_t laddr, uint16_t lport,
			      uint32_t raddr, uint16_t rport)
{
	struct tcp_conn *c;

	/* TIME_WAIT never keeps a new connection out: at the limit, the
	 * oldest one goes (Linux's tcp_max_tw_buckets). It only guards
	 * against a late duplicate of an old incarnation, which the ISN
	 * clock and PAWS guard against too (RFC 6191). A scan of the list:
	 * max_conns bounds it, and it runs only at the limit. */
	if (s->nconns >= s->cfg.max_conns && (c = oldest_time_wait(s))) {
		s->st.time_wait_recycled++;
		tcp_conn_free(c);
	}
	if (s->nconns >= s->cfg.max_conns) {
		s->st.drop_max_conns++;
		return NULL;
	}
	c = tcp_mem_alloc(s, sizeof(*c));
	if (!c) {
		s->st.drop_memory++;
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->stack = s;
	c->laddr = laddr;
	c->lport = lport;
	c->raddr = raddr;
	c->rport = rport;
	c->state = TCP_CLOSED;
	c->snd_mss = 536; /* RFC 9293 3.7.1: the default without an MSS option */
	c->rto = (uint32_t)(s->cfg.rto_initial / 1000);
	c->t_rtx = c->t_delack = c->t_persist = c->t_keep = c->t_close = c->t_idle = KILN_TIME_NEVER;
	c->deadline = KILN_TIME_NEVER;
	c->anext = s->all;
	if (s->all)
		s->all->aprev = c;
	s->all = c;
	s->nconns++;
	return c;
}

static void listener_detach(struct tcp_conn *c)
{
	struct tcp_listener *l = c->listener;
	if (!l)
		return;
	if (c->flags & TF_ACCEPTQ) {
		for (struct tcp_conn **p = &l->aq_head; *p; p = &(*p)->qnext)
			if (*p == c) {
				*p = c->qnext;
				break;
			}
		l->aq_tail = NULL;
		for (struct tcp_conn *q = l->aq_head; q; q = q->qnext)
			l->aq_tail = q;
		l->accept_count--;
		c->flags &= ~TF_ACCEPTQ;
	} else {
		l->syn_count--;
	}
	c->listener = NULL;
	c->qnext = NULL;
}

void tcp_conn_free(struct tcp_conn *c)
{
	struct tcp_stack *s = c->stack;

	listener_detach(c);
	tcp_table_remove(s, c);
	tcp_timer_remove(c);
	tcp_ring_release(s, &c->snd);
	tcp_ring_release(s, &c->rcv);
	tcp_rack_free(c);
	if (c->aprev)
		c->aprev->anext = c->anext;
	else
		s->all = c->anext;
	if (c->anext)
		c->anext->aprev = c->aprev;
	s->nconns--;
	tcp_mem_free(s, c, sizeof(*c));
}

void tcp_conn_closed(struct tcp_conn *c, int err)
{
	struct tcp_stack *s = c->stack;

	if (err && !c->err)
		c->err = (int16_t)err;
	c->state = TCP_CLOSED;
	tcp_table_remove(s, c);
	listener_detach(c);
	c->t_rtx = c->t_delack = c->t_persist = c->t_keep = c->t_close = c->t_idle = KILN_TIME_NEVER;
	tcp_timer_remove(c);
	tcp_ring_release(s, &c->snd);
	tcp_rack_free(c);
	c->ooo_n = 0;
	if (err) /* data received before a reset is lost (as Linux) */
		tcp_ring_release(s, &c->rcv);
	if (!(c->flags & TF_APP)) {
		tcp_conn_free(c);
		return;
	}
	tcp_wake(s, &c->rq);
	tcp_wake(s, &c->wq);
}

void tcp_set_state(struct tcp_conn *c, enum tcp_state st)
{
	c->state = (uint8_t)st;
}

void tcp_accept_enqueue(struct tcp_conn *c)
{
	struct tcp_listener *l = c->listener;
	l->syn_count--;
	l->accept_count++;
	c->flags |= TF_ACCEPTQ;
	c->qnext = NULL;
	if (l->aq_tail)
		l->aq_tail->qnext = c;
	else
		l->aq_head = c;
	l->aq_tail = c;
	c->stack->st.conns_passive++;
	tcp_wake(c->stack, &l->aq);
}

/* Sending parameters once the peer's SYN is known: MSS (RFC 9293 3.7.1,
 * RFC 6691: the option counts payload only; timestamps take 12 of it). */
void tcp_conn_init_send(struct tcp_conn *c, uint16_t peer_mss)
{
	uint32_t mss = peer_mss ? peer_mss : 536;
	if (mss > c->stack->cfg.mss)
		mss = c->stack->cfg.mss;
	if (c->flags & TF_TS)
		mss -= 12;
	if (mss < 64)
		mss = 64;
	c->snd_mss = (uint16_t)mss;
	tcp_cc_init(c);
}
