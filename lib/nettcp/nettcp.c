/* nettcp.c: lib/tcp on lib/net's IPv4: protocol 6 in, ipv4_output out (include/kiln/nettcp.h). */
#include <kiln/nettcp.h>
#include <stdio.h>

static void tcp_from_ip(void *ctx, const struct ipv4_packet *pkt, kiln_time_t now)
{
	/* TCP over broadcast is meaningless (RFC 1122 4.2.3.10): dropped. */
	if (pkt->to_broadcast)
		return;
	tcp_input_ex(ctx, pkt->src, pkt->dst, pkt->payload, pkt->l4_csum_ok, now);
}

static void ip_from_tcp(void *ctx, uint32_t src, uint32_t dst, struct pbuf *pb)
{
	struct net *n = ctx;
	/* DF on every segment: path MTU discovery (RFC 1191; the ICMP
	 * "fragmentation needed" that comes back clamps the MSS). */
	struct ipv4_tx tx = {.proto = IPV4_PROTO_TCP, .dst = dst, .df = true};

	(void)src; /* always our address: TCP answers on the address it was reached at */
	ipv4_output_ex(&n->ip, &tx, pb, kiln_clock_monotonic());
}

/* An ICMP error about a segment we sent: "fragmentation needed" lowers the
 * connection's MSS (RFC 1191). The quote is our IPv4 header and the first
 * 8 bytes of TCP: ports and sequence number. Other errors are soft (RFC
 * 1122 4.2.3.9; RFC 5927 advises against acting on them): ignored. */
static void tcp_from_icmp(void *ctx, uint8_t type, uint8_t code, uint32_t rest, uint32_t from,
			  struct view q, kiln_time_t now)
{
	uint8_t vihl = 0, proto = 0;
	uint16_t sport, dport;
	uint32_t src, dst, seq, mtu = rest & 0xffff;
	size_t ihl;

	(void)from;
	if (type != ICMP_DEST_UNREACH || code != ICMP_UNREACH_NEEDFRAG)
		return;
	if (!view_u8(q, 0, &vihl) || (vihl >> 4) != 4 || !view_u8(q, 9, &proto) ||
	    proto != IPV4_PROTO_TCP)
		return;
	ihl = (size_t)(vihl & 15) * 4;
	if (ihl < 20 || !view_be32(q, 12, &src) || !view_be32(q, 16, &dst) ||
	    !view_be16(q, ihl, &sport) || !view_be16(q, ihl + 2, &dport) ||
	    !view_be32(q, ihl + 4, &seq))
		return;
	if (mtu == 0) /* a router from before RFC 1191: assume the 576 every host takes */
		mtu = 576;
	tcp_icmp_too_big(ctx, src, sport, dst, dport, seq, mtu, now);
}

static kiln_time_t tcp_clock(void *ctx)
{
	(void)ctx;
	return kiln_clock_monotonic();
}

static const struct tcp_ip_ops ops = {ip_from_tcp};

struct tcp_stack *net_tcp_open(struct net *n, const struct tcp_config *cfg)
{
	struct tcp_config c = {0};
	struct tcp_stack *s;

	if (cfg)
		c = *cfg;
	c.ip = &ops;
	c.ip_ctx = n;
	c.clock = tcp_clock;
	c.clock_ctx = NULL;
	kiln_entropy(c.secret, sizeof(c.secret));
	c.offloads = c.no_offloads ? 0 : n->offloads;
	if (!c.mss && n->ip.link.mtu > 40 && n->ip.link.mtu - 40 < 65536)
		c.mss = (uint16_t)(n->ip.link.mtu - 40); /* IPv4 and TCP headers */
	s = tcp_stack_new(&c);
	if (!s) {
		printf("%s: TCP: out of memory\n", n->name ? n->name : "net");
		return NULL;
	}
	if (!ipv4_register(&n->ip, IPV4_PROTO_TCP, tcp_from_ip, s)) {
		printf("%s: TCP: IPv4 protocol 6 already has a handler\n",
		       n->name ? n->name : "net");
		tcp_stack_free(s);
		return NULL;
	}
	/* ICMP errors come to TCP now (path MTU discovery). */
	icmp_on_error(&n->icmp, tcp_from_icmp, s);
	tcp_stack_attach_loop(s);
	return s;
}

void net_tcp_close(struct net *n, struct tcp_stack *s)
{
	/* ipv4.h has no unregister: a slot whose fn is NULL is free (ipv4.c). */
	for (unsigned i = 0; i < IPV4_MAX_HANDLERS; i++)
		if (n->ip.handlers[i].fn == tcp_from_ip && n->ip.handlers[i].ctx == s)
			n->ip.handlers[i].fn = NULL;
	if (n->icmp.on_error == tcp_from_icmp && n->icmp.error_ctx == s)
		icmp_on_error(&n->icmp, NULL, NULL);
	tcp_stack_free(s);
}
