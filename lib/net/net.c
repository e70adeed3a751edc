/* net.c: the stack assembled: Ethernet, ARP, IPv4, ICMP and UDP connected
 * (see net.h). */
#include <kiln/net.h>

#include <string.h>

static void net_ipv4_input(void *ctx, const struct eth_hdr *h, struct view payload,
			   kiln_time_t now)
{
	struct net *n = ctx;
	ipv4_input_ex(&n->ip, payload, (h->rx_flags & KILN_NET_RX_CSUM_OK) != 0, now);
}

/* IPv4's link: resolve the next hop with ARP, which sends through Ethernet. */
static bool net_ipv4_link_output(void *ctx, uint32_t next_hop, struct pbuf *pb, kiln_time_t now)
{
	struct net *n = ctx;
	return arp_output(&n->arp, next_hop, pb, now);
}

void net_init(struct net *n, const char *name, const struct eth_dev *dev,
	      const uint8_t mac[ETH_ADDR_LEN], size_t mtu)
{
	struct ipv4_link link = {n, net_ipv4_link_output, mtu};

	memset(n, 0, sizeof(*n));
	n->name = name;
	eth_init(&n->eth, mac, dev);
	arp_init(&n->arp, &n->eth);
	ipv4_init(&n->ip, &link);
	icmp_init(&n->icmp, &n->ip);
	udp_init(&n->udp, &n->ip);
	/* Fresh tables with room for these: cannot fail. */
	eth_register(&n->eth, ETH_TYPE_ARP, arp_input, &n->arp);
	eth_register(&n->eth, ETH_TYPE_IPV4, net_ipv4_input, n);
	ipv4_register(&n->ip, IPV4_PROTO_ICMP, icmp_input, &n->icmp);
	ipv4_register(&n->ip, IPV4_PROTO_UDP, udp_input, &n->udp);
	ipv4_set_unreachable(&n->ip, icmp_send_unreachable, &n->icmp);
	ipv4_set_time_exceeded(&n->ip, icmp_send_time_exceeded, &n->icmp);
	udp_set_unreachable(&n->udp, icmp_send_unreachable, &n->icmp);
}

void net_destroy(struct net *n)
{
	udp_destroy(&n->udp);
	ipv4_destroy(&n->ip);
	arp_destroy(&n->arp);
}

bool net_set_ipv4(struct net *n, uint32_t addr, unsigned prefix_len, uint32_t gateway)
{
	if (!ipv4_set_address(&n->ip, addr, prefix_len, gateway))
		return false;
	arp_set_ipv4(&n->arp, addr, 0);
	return true;
}

void net_input(struct net *n, struct view frame, kiln_time_t now)
{
	eth_input(&n->eth, frame, now);
}

void net_input_ex(struct net *n, struct view frame, unsigned rx_flags, kiln_time_t now)
{
	eth_input_ex(&n->eth, frame, rx_flags, now);
}

kiln_time_t net_next_deadline(const struct net *n)
{
	kiln_time_t a = arp_next_deadline(&n->arp), i = ipv4_next_deadline(&n->ip);
	return a < i ? a : i;
}

void net_tick(struct net *n, kiln_time_t now)
{
	arp_tick(&n->arp, now);
	ipv4_tick(&n->ip, now);
}
