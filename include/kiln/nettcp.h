/* nettcp.h: TCP on kiln's assembled IPv4 stack (net.h): the glue between
 * lib/tcp (tcp.h) and lib/net's IPv4, kept in its own library so that an
 * appliance that uses UDP only links no TCP.
 *
 *     static struct net net;                  // net_open + net_configure
 *     struct tcp_stack *tcp = net_tcp_open(&net, NULL);
 *     ... tcp_listen(tcp, 80, ...) or httpd_start(tcp, ...) ...
 *
 * What it connects:
 *   - IPv4 protocol 6 (ipv4_register) -> tcp_input, with the datagram's
 *     source and destination addresses (TCP verifies its checksum);
 *   - tcp_ip_ops.output -> ipv4_output (ARP resolves the next hop; a packet
 *     the link drops is lost as on a wire, and TCP retransmits it);
 *   - the stack's clock is kiln_clock_monotonic(), its secret (ISNs, SYN
 *     cookies) comes from kiln_entropy(), its MSS from the link's MTU;
 *   - the TCP stack is attached to the event loop (tcp_stack_attach_loop).
 */
#ifndef KILN_NETTCP_H
#define KILN_NETTCP_H

#include <kiln/net.h>
#include <kiln/tcp.h>

/* A TCP stack on n's IPv4. cfg: limits and options (may be NULL for the
 * defaults of tcp.h); its ip, ip_ctx, clock, clock_ctx and secret are filled
 * in here, and mss, if 0, from the link's MTU. NULL (after printing why) if
 * IPv4 protocol 6 is taken already or memory is short. n must outlive the
 * stack. */
struct tcp_stack *net_tcp_open(struct net *n, const struct tcp_config *cfg);

/* Unregister from the loop and IPv4 and free the stack (tcp_stack_free). */
void net_tcp_close(struct net *n, struct tcp_stack *s);

#endif
