/* resolv.c: the stub resolver's network side: servers, tries, timeouts, the
 * UDP query and the TCP retry (RFC 1035 4.2 and 7, RFC 5452, RFC 7766). See
 * include/kiln/resolv.h. */
#include <kiln/resolv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Random source ports come from the dynamic range (RFC 6335 8.1.2); a port
 * taken already is tried again with new randomness a few times, then an
 * ephemeral port from lib/udp is used. */
#define PORT_TRIES 8

void resolv_init(struct resolver *r, struct net *n)
{
	memset(r, 0, sizeof(*r));
	r->net = n;
	dns_cache_init(&r->cache);
}

int resolv_add_server(struct resolver *r, uint32_t addr)
{
	if (r->nservers >= RESOLV_SERVERS_MAX)
		return -1;
	r->servers[r->nservers++] = addr;
	return 0;
}

void resolv_set_tcp(struct resolver *r, struct tcp_stack *tcp)
{
	r->tcp = tcp;
}

int resolv_servers_from(struct resolver *r, const struct dhcp_net *d, int argc, char **argv)
{
	int given = 0;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--dns=", 6) != 0)
			continue;
		uint32_t a;
		if (!ipv4_parse_addr(argv[i] + 6, &a)) {
			printf("resolv: --dns wants an IPv4 address, not '%.64s'\n", argv[i] + 6);
			return -1;
		}
		if (given == 0)
			r->nservers = 0; /* boot arguments replace what was there */
		given++;
		resolv_add_server(r, a);
	}
	if (given == 0 && d) {
		const struct dhcp_lease *l = &d->client.lease;
		for (unsigned i = 0; i < l->dns_count && i < DHCP_MAX_DNS; i++)
			resolv_add_server(r, l->dns[i]);
	}
	return (int)r->nservers;
}

const char *resolv_strerror(int err)
{
	switch (err) {
	case RESOLV_ENXDOMAIN: return "name does not exist (NXDOMAIN)";
	case RESOLV_ENODATA: return "name has no address of that family (NODATA)";
	case RESOLV_ETIMEDOUT: return "no DNS server answered in time";
	case RESOLV_ESERVFAIL: return "every DNS server failed (SERVFAIL, REFUSED or a bad answer)";
	case RESOLV_EINVAL: return "not a valid domain name";
	case RESOLV_ENOSERVER: return "no DNS server configured (DHCP gave none; try --dns=ADDR)";
	case RESOLV_ENOMEM: return "out of memory or sockets";
	}
	return err >= 0 ? "no error" : "unknown error";
}

static struct udp_socket *open_random_port(struct resolver *r)
{
	for (int i = 0; i < PORT_TRIES; i++) {
		uint16_t rnd;
		kiln_entropy(&rnd, sizeof(rnd));
		uint16_t port = (uint16_t)(UDP_EPHEMERAL_FIRST +
					   rnd % (UDP_EPHEMERAL_LAST - UDP_EPHEMERAL_FIRST + 1));
		struct udp_socket *s = udp_open(&r->net->udp, port);
		if (s)
			return s;
	}
	return udp_open(&r->net->udp, 0);
}

/* The query over TCP (after TC): connect, send framed, read one framed
 * response. A status, as dns_stub_response gives. */
static enum dns_stub_status ask_tcp(struct resolver *r, uint32_t server, const uint8_t *q,
				    size_t qlen, const struct dns_stub_query *sq,
				    struct dns_stub_result *out, kiln_time_t deadline)
{
	uint8_t frame[2 + 512];
	size_t have = 0, flen = dns_tcp_frame(view_make(q, qlen), frame, sizeof(frame));
	int err = 0;

	if (!flen)
		return DNS_STUB_MALFORMED;
	/* The rare path (a TC answer): its 64 KiB buffer only while used. */
	const size_t cap = 2 + 65535;
	uint8_t *resp = malloc(cap);
	if (!resp)
		return DNS_STUB_SERVER_FAILED;
	r->stats.queries_tcp++;
	struct tcp_conn *c = tcp_connect(r->tcp, ipv4_source(&r->net->ip, server), server, 53,
					 deadline, &err);
	if (!c) {
		free(resp);
		return DNS_STUB_SERVER_FAILED;
	}
	enum dns_stub_status st = DNS_STUB_SERVER_FAILED;
	if (tcp_write(c, frame, flen, deadline) != (long)flen)
		goto out;
	/* Each read adds at least one byte: bounded by the buffer. */
	while (have < cap) {
		struct view msg;
		size_t used;
		if (dns_tcp_unframe(view_make(resp, have), &msg, &used)) {
			st = dns_stub_response(sq, msg, out);
			break;
		}
		long n = tcp_read(c, resp + have, cap - have, deadline);
		if (n <= 0)
			break;
		have += (size_t)n;
	}
out:
	tcp_close(c);
	free(resp);
	return st;
}

/* One try at one server over UDP, waiting until deadline. */
static enum dns_stub_status ask_udp(struct resolver *r, uint32_t server, const uint8_t *q,
				    size_t qlen, const struct dns_stub_query *sq,
				    struct dns_stub_result *out, kiln_time_t deadline, bool *timed_out)
{
	uint8_t buf[RESOLV_UDP_BUF];
	struct udp_socket *s = open_random_port(r);
	enum dns_stub_status st = DNS_STUB_SERVER_FAILED;

	*timed_out = false;
	if (!s)
		return DNS_STUB_SERVER_FAILED;
	r->stats.queries_udp++;
	if (udp_send(s, server, 53, q, qlen) < 0)
		goto out;
	/* Ends at the deadline: every udp_recv waits until it at most. */
	for (;;) {
		uint32_t from;
		uint16_t port;
		long n = udp_recv(s, buf, sizeof(buf), &from, &port, deadline);
		if (n < 0) {
			*timed_out = true;
			break;
		}
		if (from != server || port != 53) {
			r->stats.mismatched++;
			continue;
		}
		st = dns_stub_response(sq, view_make(buf, (size_t)n), out);
		if (st != DNS_STUB_MISMATCH)
			break;
		r->stats.mismatched++;
	}
out:
	udp_close(s);
	return st;
}

int resolv_lookup(struct resolver *r, const char *name, uint16_t type,
		  struct dns_stub_result *out, kiln_time_t deadline)
{
	struct dns_name qname;
	uint8_t q[512];
	bool any_timeout = false;

	r->stats.lookups++;
	if (dns_name_parse(name, &qname) != DNS_OK)
		return RESOLV_EINVAL;
	if (dns_cache_get(&r->cache, &qname, type, kiln_clock_monotonic(), out)) {
		r->stats.cache_hits++;
		goto final;
	}
	if (r->nservers == 0)
		return RESOLV_ENOSERVER;
	kiln_time_t timeout = RESOLV_TIMEOUT_NS;
	for (unsigned round = 0; round < RESOLV_ATTEMPTS; round++, timeout *= 2) {
		for (unsigned i = 0; i < r->nservers; i++) {
			kiln_time_t now = kiln_clock_monotonic();
			if (now >= deadline)
				return RESOLV_ETIMEDOUT;
			kiln_time_t until = deadline - now > timeout ? now + timeout : deadline;
			uint8_t entropy[DNS_STUB_ENTROPY];
			struct dns_stub_query sq;
			kiln_entropy(entropy, sizeof(entropy));
			size_t qlen = dns_stub_query(&qname, type, entropy, r->randomise_case,
						     RESOLV_EDNS_SIZE, q, sizeof(q), &sq);
			if (!qlen)
				return RESOLV_EINVAL;
			bool timed_out;
			enum dns_stub_status st =
				ask_udp(r, r->servers[i], q, qlen, &sq, out, until, &timed_out);
			if (timed_out) {
				r->stats.timeouts++;
				any_timeout = true;
				continue;
			}
			if (st == DNS_STUB_TRUNCATED) {
				r->stats.truncated++;
				if (!r->tcp)
					continue;
				st = ask_tcp(r, r->servers[i], q, qlen, &sq, out, deadline);
			}
			if (st == DNS_STUB_OK || st == DNS_STUB_NODATA || st == DNS_STUB_NXDOMAIN) {
				dns_cache_put(&r->cache, &qname, type, out, kiln_clock_monotonic());
				goto final;
			}
			r->stats.server_failed++;
		}
	}
	return any_timeout ? RESOLV_ETIMEDOUT : RESOLV_ESERVFAIL;
final:
	switch (out->status) {
	case DNS_STUB_OK: return (int)out->naddrs;
	case DNS_STUB_NXDOMAIN: return RESOLV_ENXDOMAIN;
	default: return RESOLV_ENODATA;
	}
}

int resolv_ipv4(struct resolver *r, const char *name, uint32_t *addrs, unsigned max,
		kiln_time_t deadline)
{
	struct dns_stub_result *res = &r->result;
	int n = resolv_lookup(r, name, DNS_TYPE_A, res, deadline);
	if (n < 0)
		return n;
	unsigned k = 0;
	for (unsigned i = 0; i < res->naddrs && k < max; i++)
		if (res->addrs[i].family == 4) {
			const uint8_t *a = res->addrs[i].addr;
			addrs[k++] = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
				     (uint32_t)a[2] << 8 | a[3];
		}
	return k ? (int)k : RESOLV_ENODATA;
}

int resolv_ipv6(struct resolver *r, const char *name, uint8_t (*addrs)[16], unsigned max,
		kiln_time_t deadline)
{
	struct dns_stub_result *res = &r->result;
	int n = resolv_lookup(r, name, DNS_TYPE_AAAA, res, deadline);
	if (n < 0)
		return n;
	unsigned k = 0;
	for (unsigned i = 0; i < res->naddrs && k < max; i++)
		if (res->addrs[i].family == 6)
			memcpy(addrs[k++], res->addrs[i].addr, 16);
	return k ? (int)k : RESOLV_ENODATA;
}
