/* tcp_isn.c: initial sequence numbers, ISN = M + F(4-tuple, secret) (RFC 6528 3). */
#include "tcp_priv.h"

/* Pack the 4-tuple (and an extra word) for hashing. */
static uint64_t tuple_hash(struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
			   uint16_t rport, uint32_t extra, uint8_t domain)
{
	uint8_t b[17];
	store_be32(b, laddr);
	store_be32(b + 4, raddr);
	store_be16(b + 8, lport);
	store_be16(b + 10, rport);
	store_be32(b + 12, extra);
	b[16] = domain; /* separates ISN, cookie and table uses of one key */
	return tcp_siphash(s->hash_key, b, sizeof(b));
}

uint32_t tcp_isn(struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		 uint16_t rport, kiln_time_t now)
{
	/* M: a timer ticking every 4 us (RFC 6528 3, RFC 9293 3.4.1). */
	uint32_t m = (uint32_t)(now / 4000);
	return m + (uint32_t)tuple_hash(s, laddr, lport, raddr, rport, 0, 1);
}

/* SYN cookie layout (the sequence number of our SYN-ACK):
 *   bits 31..27  t mod 32, t = now / 64 s  (a cookie lives 2 periods)
 *   bits 26..24  index of the MSS in cookie_mss[]
 *   bits 23..0   SipHash(4-tuple, peer's ISN, t) truncated
 * A forger must guess 24 bits per attempt (as Linux's cookies); the time
 * field bounds replay to about 2 minutes. Window scale, timestamps and SACK
 * are not encoded: a connection from a cookie runs without them. */
#define COOKIE_PERIOD (64ull * 1000000000ull)
static const uint16_t cookie_mss[8] = {536, 1024, 1200, 1360, 1400, 1440, 1452, 1460};

static uint32_t cookie_hash(struct tcp_stack *s, uint32_t laddr, uint16_t lport,
			    uint32_t raddr, uint16_t rport, uint32_t peer_isn, uint32_t t)
{
	uint64_t h1 = tuple_hash(s, laddr, lport, raddr, rport, peer_isn, 2);
	uint64_t h2 = tuple_hash(s, laddr, lport, raddr, rport, t, 3);
	return (uint32_t)(h1 ^ h2) & 0xffffff;
}

uint32_t tcp_cookie_make(struct tcp_stack *s, uint32_t laddr, uint16_t lport,
			 uint32_t raddr, uint16_t rport, uint32_t peer_isn, uint16_t mss,
			 kiln_time_t now)
{
	uint32_t t = (uint32_t)(now / COOKIE_PERIOD) & 31;
	uint32_t idx = 0;
	for (uint32_t i = 0; i < 8; i++)
		if (cookie_mss[i] <= mss)
			idx = i;
	return t << 27 | idx << 24 | cookie_hash(s, laddr, lport, raddr, rport, peer_isn, t);
}

uint16_t tcp_cookie_check(struct tcp_stack *s, uint32_t laddr, uint16_t lport,
			  uint32_t raddr, uint16_t rport, uint32_t peer_isn, uint32_t cookie,
			  kiln_time_t now)
{
	uint32_t t_now = (uint32_t)(now / COOKIE_PERIOD) & 31;
	uint32_t t = cookie >> 27;
	uint32_t age = (t_now - t) & 31;

	if (age > 1)
		return 0;
	if ((cookie & 0xffffff) != cookie_hash(s, laddr, lport, raddr, rport, peer_isn, t))
		return 0;
	return cookie_mss[(cookie >> 24) & 7];
}
