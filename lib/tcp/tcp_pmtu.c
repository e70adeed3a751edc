/* tcp_pmtu.c: path MTU discovery from ICMP "fragmentation needed" (RFC 1191 6.2, RFC 5927 4.1). */
#include "tcp_priv.h"

/* The smallest MTU believed: RFC 1191 (and RFC 791's 576-byte datagram
 * every host takes) puts the floor at 68; Linux's min_pmtu is 552. A
 * smaller report is taken as 552, so a forged ICMP cannot shrink segments
 * to nothing (the attack RFC 5927 5.3 describes). */
#define TCP_PMTU_MIN 552u

void tcp_icmp_too_big(struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		      uint16_t rport, uint32_t seq, uint32_t mtu, kiln_time_t now)
{
	struct tcp_conn *c = tcp_table_find(s, laddr, lport, raddr, rport);
	uint32_t mss;

	/* Only about a segment in flight (RFC 5927 4.1): a blind attacker
	 * must guess the sequence space. */
	if (!c || c->state == TCP_LISTEN || c->state == TCP_SYN_SENT ||
	    SEQ_LT(seq, c->snd_una) || !SEQ_LT(seq, c->snd_max)) {
		s->st.pmtu_ignored++;
		return;
	}
	if (mtu < TCP_PMTU_MIN)
		mtu = TCP_PMTU_MIN;
	mss = mtu - 40; /* IPv4 and TCP headers */
	if (c->flags & TF_TS)
		mss -= 12;
	if (mss >= c->snd_mss) {
		s->st.pmtu_ignored++; /* no news: we already fit */
		return;
	}
	s->st.pmtu_updates++;
	c->snd_mss = (uint16_t)mss;
	/* What was sent at the old size is lost: send it again, smaller, now
	 * (RFC 1191 6.5; not a congestion signal, so cwnd stays). */
	c->snd_nxt = c->snd_una;
	c->flags &= ~TF_RTT;
	s->st.retransmits++;
	tcp_output(c, now);
}
