/* resolv.h: kiln's stub resolver for applications: names to addresses over
 * the network, as straight-line code (RFC 1035 7, RFC 1123 6.1.3.3, RFC
 * 5452 for query hardening, RFC 7766 for the TCP retry). The message work
 * (building queries, checking responses, the TTL cache) is lib/dns's
 * dns_stub.h; this library sends, waits, retries and picks servers.
 *
 *     static struct resolver res;
 *     resolv_init(&res, &net);
 *     resolv_servers_from(&res, &dhcp, argc, argv);  // --dns=ADDR or DHCP
 *     uint32_t a[4];
 *     int n = resolv_ipv4(&res, "www.example.test", a, 4,
 *                         kiln_clock_monotonic() + 5000000000ull);
 *     if (n < 0) printf("%s\n", resolv_strerror(n));
 *
 * A lookup: the cache first (dns_cache_get). Else up to RESOLV_ATTEMPTS
 * rounds over the servers in order; each try sends one query over UDP from
 * a fresh socket on a random port (kiln_entropy), with a random ID and an
 * EDNS(0) size of RESOLV_EDNS_SIZE, and waits for a matching response until
 * the try's timeout (RESOLV_TIMEOUT_NS doubled each round, RFC 1536 style)
 * or the caller's deadline. Responses that do not match the query (another
 * ID, port, question, or sender) are ignored and the wait goes on. A
 * truncated response (TC) is asked again over TCP when the resolver has a
 * TCP stack (resolv_set_tcp), else counted as a server failure. SERVFAIL,
 * REFUSED and the like move on to the next server; an answer, NODATA or
 * NXDOMAIN is final and cached for its TTL (negative answers for the SOA's,
 * RFC 2308). Calls block the calling fiber (or turn the loop in the main
 * flow); one resolver serves one caller at a time.
 */
#ifndef KILN_RESOLV_H
#define KILN_RESOLV_H

#include <stdint.h>
#include <kiln/dhcp.h>
#include <kiln/dns_stub.h>
#include <kiln/net.h>
#include <kiln/tcp.h>

/* --- Limits and defaults, each with its reason --------------------------- */

/* Servers one resolver knows: resolv.conf allows 3 (MAXNS), DHCP offers a
 * few (DHCP_MAX_DNS). */
#define RESOLV_SERVERS_MAX 4
/* Rounds over all servers: glibc's default is 2; 3 rides out one lost
 * query and one lost response in a row. */
#define RESOLV_ATTEMPTS 3
/* First try's wait for an answer: a LAN or a nearby recursive server
 * answers within milliseconds and a cold recursive lookup within ~1 s;
 * doubled each round (1, 2, 4 s), as RFC 1536 1 advises backing off. */
#define RESOLV_TIMEOUT_NS 1000000000ull
/* EDNS(0) size advertised: DNS Flag Day 2020's 1232, so responses avoid IP
 * fragmentation and rarely need TCP. */
#define RESOLV_EDNS_SIZE 1232
/* Receive buffer for a UDP response: the advertised size, rounded up. */
#define RESOLV_UDP_BUF 1536

/* Results: >= 0 is a count of addresses; errors are negative. */
enum resolv_error {
	RESOLV_ENXDOMAIN = -1,  /* the name does not exist (authoritative) */
	RESOLV_ENODATA = -2,    /* the name exists without addresses of that family */
	RESOLV_ETIMEDOUT = -3,  /* no server answered before the deadline / tries ran out */
	RESOLV_ESERVFAIL = -4,  /* every server failed (SERVFAIL, REFUSED, malformed, ...) */
	RESOLV_EINVAL = -5,     /* not a valid name */
	RESOLV_ENOSERVER = -6,  /* no DNS server configured */
	RESOLV_ENOMEM = -7,     /* no socket or memory for the query */
};

struct resolv_stats {
	uint64_t lookups, cache_hits;
	uint64_t queries_udp, queries_tcp;
	uint64_t timeouts;       /* tries that got no matching response in time */
	uint64_t mismatched;     /* responses ignored: not for this query */
	uint64_t truncated;      /* TC answers (retried over TCP if possible) */
	uint64_t server_failed;  /* SERVFAIL, REFUSED, NOTIMP, malformed */
};

struct resolver {
	struct net *net;
	struct tcp_stack *tcp;   /* optional: the TC retry */
	uint32_t servers[RESOLV_SERVERS_MAX];
	unsigned nservers;
	bool randomise_case;     /* RFC 5452 9.1 "0x20": off by default, since
	                            some forwarders do not echo the case */
	struct dns_cache cache;
	struct resolv_stats stats;
	struct dns_stub_result result; /* resolv_ipv4/6's scratch (~1 KiB: kept
	                                  off small fiber stacks) */
};

/* An empty resolver on n's UDP (no servers yet; cache empty). */
void resolv_init(struct resolver *r, struct net *n);

/* Add a server (IPv4, host byte order). -1 when RESOLV_SERVERS_MAX are set. */
int resolv_add_server(struct resolver *r, uint32_t addr);

/* Servers from the boot arguments (--dns=ADDR, repeatable), else from the
 * DHCP lease d holds (d may be NULL). Returns how many servers were set;
 * prints one line and returns -1 for a --dns value that is not an IPv4
 * address. 0 servers is not an error here (lookups then fail ENOSERVER). */
int resolv_servers_from(struct resolver *r, const struct dhcp_net *d, int argc, char **argv);

/* Use tcp (net_tcp_open) to retry truncated answers over TCP. */
void resolv_set_tcp(struct resolver *r, struct tcp_stack *tcp);

/* Resolve name (text, absolute whether or not it ends in '.') to up to max
 * IPv4 addresses (host byte order) in addrs, following CNAMEs; waits at
 * most until the monotonic deadline. Returns the number stored (>= 1) or a
 * negative enum resolv_error. */
int resolv_ipv4(struct resolver *r, const char *name, uint32_t *addrs, unsigned max,
		kiln_time_t deadline);

/* The same for IPv6 (AAAA): up to max addresses of 16 octets each. */
int resolv_ipv6(struct resolver *r, const char *name, uint8_t (*addrs)[16], unsigned max,
		kiln_time_t deadline);

/* The general form: a lookup of type (A or AAAA) whose result (addresses
 * with TTLs, the canonical name) lands in *out. Returns out->naddrs (>= 1)
 * or a negative enum resolv_error. */
int resolv_lookup(struct resolver *r, const char *name, uint16_t type,
		  struct dns_stub_result *out, kiln_time_t deadline);

/* A short phrase for an error ("name does not exist (NXDOMAIN)"). */
const char *resolv_strerror(int err);

#endif
