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
	(void)src; /* always our address: TCP answers on the address it was reached at */
	ipv4_output(&n->ip, IPV4_PROTO_TCP, dst, pb, kiln_clock_monotonic());
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
	tcp_stack_attach_loop(s);
	return s;
}

void net_tcp_close(struct net *n, struct tcp_stack *s)
{
	/* ipv4.h has no unregister: a slot whose fn is NULL is free (ipv4.c). */
	for (unsigned i = 0; i < IPV4_MAX_HANDLERS; i++)
		if (n->ip.handlers[i].fn == tcp_from_ip && n->ip.handlers[i].ctx == s)
			n->ip.handlers[i].fn = NULL;
	tcp_stack_free(s);
}
