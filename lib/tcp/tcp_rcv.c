/* tcp_rcv.c: the receive buffer, reassembly and the advertised window (RFC 9293 3.8.6.2, 3.10.7.4; RFC 7323 2). */
#include "tcp_priv.h"

static bool ooo_touch(uint32_t s1, uint32_t e1, uint32_t s2, uint32_t e2)
{
	return SEQ_LEQ(s1, e2) && SEQ_GEQ(e1, s2);
}

/* The ranges are kept most recently changed first, the order their SACK
 * blocks are reported in (RFC 2018 4): removing one keeps the others' order. */
static void ooo_remove(struct tcp_conn *c, uint8_t i)
{
	for (; i + 1 < c->ooo_n; i++)
		c->ooo[i] = c->ooo[i + 1];
	c->ooo_n--;
}

/* Move range i to the front: it was just changed. */
static void ooo_to_front(struct tcp_conn *c, uint8_t i)
{
	uint32_t start = c->ooo[i].start, end = c->ooo[i].end;

	for (; i > 0; i--)
		c->ooo[i] = c->ooo[i - 1];
	c->ooo[0].start = start;
	c->ooo[0].end = end;
}

/* Merge ranges that touch until none do (n <= TCP_OOO_MAX: a few steps);
 * a merged range takes the place of the more recent of the two. */
static void ooo_normalize(struct tcp_conn *c)
{
	bool merged = true;
	while (merged) {
		merged = false;
		for (uint8_t a = 0; a < c->ooo_n && !merged; a++)
			for (uint8_t b = a + 1; b < c->ooo_n && !merged; b++)
				if (ooo_touch(c->ooo[a].start, c->ooo[a].end, c->ooo[b].start,
					      c->ooo[b].end)) {
					if (SEQ_LT(c->ooo[b].start, c->ooo[a].start))
						c->ooo[a].start = c->ooo[b].start;
					if (SEQ_GT(c->ooo[b].end, c->ooo[a].end))
						c->ooo[a].end = c->ooo[b].end;
					ooo_remove(c, b);
					merged = true;
				}
	}
}

/* Record [start, end) as held out of order. False if it would need a slot
 * beyond TCP_OOO_MAX. */
static bool ooo_add(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	for (uint8_t i = 0; i < c->ooo_n; i++)
		if (ooo_touch(start, end, c->ooo[i].start, c->ooo[i].end)) {
			if (SEQ_LT(start, c->ooo[i].start))
				c->ooo[i].start = start;
			if (SEQ_GT(end, c->ooo[i].end))
				c->ooo[i].end = end;
			ooo_to_front(c, i);
			ooo_normalize(c);
			return true;
		}
	if (c->ooo_n >= TCP_OOO_MAX)
		return false;
	c->ooo[c->ooo_n].start = start;
	c->ooo[c->ooo_n].end = end;
	c->ooo_n++;
	ooo_to_front(c, (uint8_t)(c->ooo_n - 1));
	return true;
}

/* Move rcv_nxt over out-of-order ranges it has reached. */
static void ooo_advance(struct tcp_conn *c)
{
	bool moved = true;
	while (moved) { /* each pass removes a range: at most TCP_OOO_MAX passes */
		moved = false;
		for (uint8_t i = 0; i < c->ooo_n; i++) {
			if (SEQ_LEQ(c->ooo[i].start, c->rcv_nxt)) {
				if (SEQ_GT(c->ooo[i].end, c->rcv_nxt)) {
					uint32_t n = c->ooo[i].end - c->rcv_nxt;
					c->rcv.len += n;
					c->rcv_nxt += n;
				}
				ooo_remove(c, i);
				moved = true;
				break;
			}
		}
	}
}

bool tcp_rcv_data(struct tcp_conn *c, uint32_t seq, struct view data)
{
	struct tcp_stack *s = c->stack;
	uint32_t n = (uint32_t)data.len;

	if (!n)
		return true;
	if (!tcp_ring_reserve(s, &c->rcv, c->rcv.len + (seq - c->rcv_nxt) + n, s->cfg.rcvbuf)) {
		s->st.drop_memory++;
		return false;
	}
	/* Trimmed by the caller to the free space: off + n <= cap. */
	tcp_ring_write_at(&c->rcv, c->rcv.len + (seq - c->rcv_nxt), data.data, n);
	if (seq == c->rcv_nxt) {
		c->rcv.len += n;
		c->rcv_nxt += n;
		if (c->ooo_n)
			ooo_advance(c);
		return true;
	}
	s->st.ooo_segments++;
	if (!ooo_add(c, seq, seq + n)) {
		s->st.drop_memory++;
		return false;
	}
	return true;
}

uint32_t tcp_rcv_window(const struct tcp_conn *c)
{
	return c->stack->cfg.rcvbuf - c->rcv.len;
}

uint16_t tcp_rcv_wnd_field(struct tcp_conn *c)
{
	uint32_t rcvbuf = c->stack->cfg.rcvbuf;
	uint32_t win = tcp_rcv_window(c), field;

	/* Receiver SWS avoidance (RFC 9293 3.8.6.2.2): do not open the window
	 * by less than min(buffer/2, MSS)... approximated, as Linux does, by
	 * offering nothing while less than that is free. */
	if (win < rcvbuf / 4 && win < c->stack->cfg.mss)
		win = 0;
	/* Never move the right edge back (RFC 9293 3.8.6.2.1). */
	if (SEQ_LT(c->rcv_nxt + win, c->rcv_adv))
		win = c->rcv_adv - c->rcv_nxt;
	field = win >> c->rcv_wscale;
	if (field > 0xffff)
		field = 0xffff;
	if (SEQ_GT(c->rcv_nxt + (field << c->rcv_wscale), c->rcv_adv))
		c->rcv_adv = c->rcv_nxt + (field << c->rcv_wscale);
	return (uint16_t)field;
}

void tcp_rcv_after_read(struct tcp_conn *c)
{
	struct tcp_stack *s = c->stack;
	uint32_t threshold = s->cfg.rcvbuf / 2, win, cap;

	if (!c->rcv.len && !c->ooo_n)
		tcp_idle_arm(c, tcp_now(s)); /* idle connections hold no buffer */
	if (c->state != TCP_ESTABLISHED && c->state != TCP_FIN_WAIT_1 &&
	    c->state != TCP_FIN_WAIT_2)
		return;
	if (threshold > 2u * s->cfg.mss)
		threshold = 2u * s->cfg.mss;
	/* A window update when the advertisable edge (what the 16-bit field
	 * can say, RFC 9293 3.8.6.2.2) can move by a useful amount; otherwise
	 * the "update" would repeat the last ACK, a duplicate ACK to the peer. */
	win = tcp_rcv_window(c);
	cap = 0xffffu << c->rcv_wscale;
	if (win > cap)
		win = cap;
	if (SEQ_GEQ(c->rcv_nxt + win, c->rcv_adv + threshold)) {
		c->flags |= TF_ACK_NOW;
		tcp_output(c, tcp_now(s));
	}
}
