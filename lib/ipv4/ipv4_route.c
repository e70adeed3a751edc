/* ipv4_route.c: the next-hop decision of a host (RFC 1122 3.3.1). */
#include <kiln/ipv4.h>

bool ipv4_route(const struct ipv4 *ip, uint32_t dst, uint32_t *next_hop)
{
	if (dst == IPV4_BROADCAST) {
		*next_hop = IPV4_BROADCAST;
		return true;
	}
	/* Multicast (224/4) needs group membership we do not implement; 0/8 is
	 * "this network" and never a destination (RFC 1122 3.2.1.3). */
	if ((dst >> 28) == 0xe || (dst >> 24) == 0 || !ip->addr || dst == ip->addr)
		return false;
	if (((dst ^ ip->addr) & ip->mask) == 0) {
		/* Our subnet's broadcast address, except on /31 and /32 links
		 * (RFC 3021), where every address is a host. */
		if (ip->prefix_len < 31 && (dst | ip->mask) == IPV4_BROADCAST)
			*next_hop = IPV4_BROADCAST;
		else
			*next_hop = dst;
		return true;
	}
	if (!ip->gateway)
		return false;
	*next_hop = ip->gateway;
	return true;
}
