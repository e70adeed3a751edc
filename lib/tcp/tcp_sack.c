/* tcp_sack.c: selective acknowledgment: blocks we send, the scoreboard of blocks we receive, hole retransmission (RFC 2018; recovery after RFC 6675, simplified). */
#include "tcp_priv.h"

/* --- Receiver: the blocks of an outgoing ACK ------------------------------ */

unsigned tcp_sack_fill(const struct tcp_conn *c, struct tcp_opts *o)
{
	unsigned max = (o->has & TCP_HAS_TS) ? 3 : 4, n = 0;

	if (!(c->flags & TF_SACK) || !c->ooo_n)
		return 0;
	/* RFC 2018 4: the first block holds the most recent segment. */
	for (uint8_t i = 0; i < c->ooo_n; i++)
		if (SEQ_LEQ(c->ooo[i].start, c->sack_recent) && SEQ_LT(c->sack_recent, c->ooo[i].end)) {
			o->sack[n].start = c->ooo[i].start;
			o->sack[n].end = c->ooo[i].end;
			n++;
			break;
		}
	for (uint8_t i = 0; i < c->ooo_n && n < max; i++) {
		if (n && o->sack[0].start == c->ooo[i].start)
			continue;
		o->sack[n].start = c->ooo[i].start;
		o->sack[n].end = c->ooo[i].end;
		n++;
	}
	o->nsack = (uint8_t)n;
	o->has |= TCP_HAS_SACK;
	return n;
}

/* --- Sender: the scoreboard ------------------------------------------------ */

static void sb_remove(struct tcp_conn *c, uint8_t i)
{
	c->sb[i] = c->sb[--c->sb_n];
}

/* Merge [s, e) into the scoreboard; a full board keeps what it has. */
static void sb_add(struct tcp_conn *c, uint32_t s, uint32_t e)
{
	for (uint8_t i = 0; i < c->sb_n; i++) {
		if (SEQ_LEQ(s, c->sb[i].end) && SEQ_GEQ(e, c->sb[i].start)) {
			if (SEQ_LT(c->sb[i].start, s))
				s = c->sb[i].start;
			if (SEQ_GT(c->sb[i].end, e))
				e = c->sb[i].end;
			sb_remove(c, i);
			i = (uint8_t)-1; /* start over: the union may touch others */
			if (c->sb_n == 0)
				break;
		}
	}
	if (c->sb_n < TCP_SB_MAX) {
		c->sb[c->sb_n].start = s;
		c->sb[c->sb_n].end = e;
		c->sb_n++;
	}
}

void tcp_sack_update(struct tcp_conn *c, const struct tcp_opts *o)
{
	if (!(c->flags & TF_SACK) || !(o->has & TCP_HAS_SACK))
		return;
	for (uint8_t i = 0; i < o->nsack && i < TCP_SACK_BLOCKS; i++) {
		uint32_t s = o->sack[i].start, e = o->sack[i].end;
		/* Only blocks inside what is outstanding (a lie is ignored). */
		if (!SEQ_LT(s, e) || SEQ_LEQ(e, c->snd_una) || SEQ_GT(e, c->snd_max))
			continue;
		if (SEQ_LT(s, c->snd_una))
			s = c->snd_una;
		sb_add(c, s, e);
	}
}

void tcp_sack_trim(struct tcp_conn *c)
{
	for (uint8_t i = 0; i < c->sb_n;) {
		if (SEQ_LEQ(c->sb[i].end, c->snd_una)) {
			sb_remove(c, i);
			continue;
		}
		if (SEQ_LT(c->sb[i].start, c->snd_una))
			c->sb[i].start = c->snd_una;
		i++;
	}
	if (SEQ_LT(c->rtx_next, c->snd_una))
		c->rtx_next = c->snd_una;
}

/* SACKed bytes of the scoreboard inside [a, b). */
uint32_t tcp_sack_sacked(const struct tcp_conn *c, uint32_t a, uint32_t b)
{
	uint32_t n = 0;
	for (uint8_t i = 0; i < c->sb_n; i++) {
		uint32_t s = c->sb[i].start, e = c->sb[i].end;
		if (SEQ_LT(s, a))
			s = a;
		if (SEQ_GT(e, b))
			e = b;
		if (SEQ_LT(s, e))
			n += e - s;
	}
	return n;
}

/* RFC 6675 4 IsLost, on ranges: the bytes not SACKed below the returned
 * edge have more than (DupThresh - 1) * SMSS bytes SACKed above them. The
 * blocks do not overlap (sb_add merges), so walking them from the highest
 * adds each once. snd_una when nothing is deemed lost. */
uint32_t tcp_sack_lost_edge(const struct tcp_conn *c)
{
	uint32_t above = 0, top = c->snd_max;

	for (uint8_t pass = 0; pass < c->sb_n; pass++) {
		int8_t best = -1;
		for (uint8_t i = 0; i < c->sb_n; i++)
			if (SEQ_LT(c->sb[i].start, top) &&
			    (best < 0 || SEQ_GT(c->sb[i].start, c->sb[best].start)))
				best = (int8_t)i;
		if (best < 0)
			break;
		above += c->sb[best].end - c->sb[best].start;
		top = c->sb[best].start;
		if (above > 2u * c->snd_mss)
			return top;
	}
	return c->snd_una;
}

/* RFC 6675 4 SetPipe, on ranges: what is outstanding, less what was
 * SACKed, less the lost holes not yet resent (rtx_next is how far this
 * recovery has resent holes; a resent hole is in the network again). */
uint32_t tcp_sack_pipe(const struct tcp_conn *c)
{
	uint32_t edge = tcp_sack_lost_edge(c), flight = tcp_flight(c);
	uint32_t from = SEQ_GT(c->rtx_next, c->snd_una) ? c->rtx_next : c->snd_una;
	uint32_t out = tcp_sack_sacked(c, c->snd_una, c->snd_max);

	if (SEQ_LT(from, edge))
		out += (edge - from) - tcp_sack_sacked(c, from, edge);
	return flight > out ? flight - out : 0;
}

/* Resend the next hole below limit and below the highest SACKed byte
 * that this recovery has not resent yet. False if there is none. */
bool tcp_sack_rtx_hole(struct tcp_conn *c, uint32_t limit, kiln_time_t now)
{
	uint32_t s = SEQ_GT(c->rtx_next, c->snd_una) ? c->rtx_next : c->snd_una;
	uint32_t high = c->snd_una, e, len;

	if (!(c->flags & TF_SACK) || !c->sb_n)
		return false;
	for (uint8_t i = 0; i < c->sb_n; i++)
		if (SEQ_GT(c->sb[i].end, high))
			high = c->sb[i].end;
	if (SEQ_LT(limit, high))
		high = limit;
	/* Skip SACKed blocks at s: each pass moves past one (<= TCP_SB_MAX). */
	for (uint8_t pass = 0; pass <= TCP_SB_MAX; pass++) {
		bool moved = false;
		for (uint8_t i = 0; i < c->sb_n; i++)
			if (SEQ_LEQ(c->sb[i].start, s) && SEQ_LT(s, c->sb[i].end)) {
				s = c->sb[i].end;
				moved = true;
			}
		if (!moved)
			break;
	}
	if (!SEQ_LT(s, high))
		return false;
	e = high;
	for (uint8_t i = 0; i < c->sb_n; i++)
		if (SEQ_GT(c->sb[i].start, s) && SEQ_LT(c->sb[i].start, e))
			e = c->sb[i].start;
	len = e - s;
	if (len > c->snd_mss)
		len = c->snd_mss;
	if (s - c->snd_una >= c->snd.len)
		return false; /* nothing of ours there (a FIN only) */
	if (len > c->snd.len - (s - c->snd_una))
		len = c->snd.len - (s - c->snd_una);
	c->stack->st.retransmits++;
	c->stack->st.sack_retransmits++;
	c->flags &= ~TF_RTT; /* Karn */
	tcp_send_data(c, s, len, false, now);
	c->rtx_next = s + len;
	c->rtx_high = c->snd_max;
	return true;
}

/* A lost retransmission (Linux's tcp_mark_lost_retrans, RACK's idea in
 * RFC 8985 on ranges): more than 2 SMSS sent after the latest resent hole
 * have been SACKed, yet holes resent before it are not: those resends were
 * lost too. Start resending the holes again instead of waiting for the
 * timeout. True if it did. */
bool tcp_sack_rtx_lost(struct tcp_conn *c)
{
	if (!SEQ_GT(c->rtx_next, c->snd_una) || !SEQ_LT(c->rtx_high, c->snd_max) ||
	    SEQ_LT(c->rtx_high, c->snd_una) ||
	    tcp_sack_sacked(c, c->rtx_high, c->snd_max) <= 2u * c->snd_mss)
		return false;
	c->rtx_next = c->snd_una;
	c->rtx_high = c->snd_max;
	return true;
}
