/* tcp_sack.c: selective acknowledgment: blocks we send, the scoreboard of blocks we receive, the pipe (RFC 2018, RFC 6675 4). */
#include "tcp_priv.h"

/* --- Receiver: the blocks of an outgoing ACK ------------------------------ */

unsigned tcp_sack_fill(const struct tcp_conn *c, struct tcp_opts *o)
{
	unsigned max = (o->has & TCP_HAS_TS) ? 3 : 4, n = 0;

	if (!(c->flags & TF_SACK) || !c->ooo_n)
		return 0;
	/* RFC 2018 4: the first block holds the most recent segment, the
	 * others follow most recently reported first (tcp_rcv.c keeps the
	 * ranges in that order; the search below is for safety). */
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

/* RFC 6675 4 SetPipe: what is outstanding, less what was SACKed, less
 * what RACK deems lost and was not resent since (tcp_rack.c). A resent
 * range is in the network again, once. */
uint32_t tcp_sack_pipe(const struct tcp_conn *c)
{
	uint32_t flight = tcp_flight(c);
	uint32_t out = tcp_sack_sacked(c, c->snd_una, c->snd_max) + tcp_rack_lost_bytes(c);

	return flight > out ? flight - out : 0;
}
