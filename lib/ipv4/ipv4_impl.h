/* ipv4_impl.h: internals shared by lib/ipv4's files (not a public interface). */
#ifndef KILN_IPV4_IMPL_H
#define KILN_IPV4_IMPL_H

#include <kiln/ipv4.h>

/* Hand a complete datagram to its protocol's handler (or the unreachable hook). */
void ipv4_deliver(struct ipv4 *ip, const struct ipv4_packet *pkt, kiln_time_t now);

/* Take one fragment (h, its header bytes and payload); delivers the datagram
 * when it completes. */
void ipv4_reass_input(struct ipv4 *ip, const struct ipv4_hdr *h, struct view header,
		      struct view payload, bool to_broadcast, kiln_time_t now);

/* Free one reassembly slot and its memory. */
void ipv4_reass_free(struct ipv4 *ip, struct ipv4_reass *r);

/* Send pb's payload as fragments of hdr's datagram to next_hop; frees pb. */
int ipv4_fragment(struct ipv4 *ip, const struct ipv4_hdr *hdr, struct pbuf *pb,
		  uint32_t next_hop, kiln_time_t now);

/* Pass one finished packet to the link; counts. */
int ipv4_link_send(struct ipv4 *ip, uint32_t next_hop, struct pbuf *pb, kiln_time_t now);

#endif
