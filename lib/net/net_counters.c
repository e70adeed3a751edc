/* net_counters.c: every layer's counters, by name, and printing them. */
#include <kiln/net.h>

#include <stdio.h>

void net_counters_foreach(const struct net *n, net_counter_fn fn, void *ctx)
{
#define NET_EACH(layer, c)                                                       \
	{                                                                        \
		const char *layer_ = layer;                                      \
		const __typeof__(c) *c_ = &(c);                                  \
		(void)c_;                                                        \
		(void)layer_;
#define NET_ONE(name, what) fn(ctx, layer_, #name, c_->name, what);
#define NET_END }
	NET_EACH("net", n->counters) NET_COUNTERS(NET_ONE) NET_END
	NET_EACH("eth", n->eth.counters) ETH_COUNTERS(NET_ONE) NET_END
	NET_EACH("arp", n->arp.counters) ARP_COUNTERS(NET_ONE) NET_END
	NET_EACH("ipv4", n->ip.counters) IPV4_COUNTERS(NET_ONE) NET_END
	NET_EACH("icmp", n->icmp.counters) ICMP_COUNTERS(NET_ONE) NET_END
	NET_EACH("udp", n->udp.counters) UDP_COUNTERS(NET_ONE) NET_END
#undef NET_EACH
#undef NET_ONE
#undef NET_END
}

static void print_one(void *ctx, const char *layer, const char *name, uint64_t value,
		      const char *what)
{
	const struct net *n = ctx;
	if (value)
		printf("%s: %s.%s = %llu (%s)\n", n->name ? n->name : "net", layer, name,
		       (unsigned long long)value, what);
}

void net_print_counters(const struct net *n)
{
	net_counters_foreach(n, print_one, (void *)n);
}
