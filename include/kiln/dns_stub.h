/* dns_stub.h: the pure parts of kiln's stub resolver: building a query,
 * checking and reading the response, and a small TTL-respecting cache
 * (RFC 1035 7, RFC 5452 for ID and 0x20 hardening, RFC 2308 for negative
 * caching, RFC 3596 for AAAA).
 *
 * Sending, waiting, retrying and choosing servers (from DHCP or a boot
 * argument) are the job of the resolver proper, which sits on lib/udp and
 * lib/tcp and is built later; everything here is a function of its inputs
 * (the caller passes random bytes and the current time), so it is tested
 * without a network.
 *
 * A lookup goes:
 *   dns_stub_query() -> send -> receive -> dns_stub_response()
 *     DNS_STUB_MISMATCH: not the answer to this query (spoof or a late
 *                        answer to an earlier one): ignore it, keep waiting;
 *     DNS_STUB_TRUNCATED: ask again over TCP;
 *     DNS_STUB_SERVER_FAILED / DNS_STUB_MALFORMED: try the next server;
 *     DNS_STUB_OK, DNS_STUB_NODATA, DNS_STUB_NXDOMAIN: final; cache it with
 *     dns_cache_put().
 */
#ifndef KILN_DNS_STUB_H
#define KILN_DNS_STUB_H

#include <kiln/dns.h>

/* Addresses kept per answer: a name with more is rare, and 8 is plenty to
 * try in turn. */
#define DNS_STUB_ADDRS_MAX 8
/* Random bytes one query needs: 2 for the ID, then one bit per letter of
 * the name for 0x20 case randomisation (a name has at most 253 letters). */
#define DNS_STUB_ENTROPY (2 + 32)
/* Cache entries: an appliance resolves a few names (its peers, an update
 * server); a linear scan of 32 costs less than one packet. */
#define DNS_CACHE_ENTRIES 32
/* TTL caps: a day for data (RFC 8767 suggests up to a week; a day keeps a
 * long-running appliance from holding stale addresses), 3 hours for
 * negative answers (RFC 2308 5). */
#define DNS_CACHE_TTL_MAX 86400
#define DNS_CACHE_NEG_TTL_MAX 10800

struct dns_stub_query {
	uint16_t id;
	uint16_t type;
	struct dns_name name; /* as sent, 0x20 case applied */
};

/* Build a query for name (A or AAAA, or any type) into out. entropy holds
 * DNS_STUB_ENTROPY random bytes: the ID, and the case of each letter when
 * randomise_case is set (the response must echo that case exactly).
 * edns_size > 0 adds an OPT advertising it. RD is set. Returns the length,
 * or 0 if it does not fit. */
size_t dns_stub_query(const struct dns_name *name, uint16_t type, const uint8_t *entropy,
		      bool randomise_case, uint16_t edns_size, uint8_t *out, size_t cap,
		      struct dns_stub_query *q);

enum dns_stub_status {
	DNS_STUB_OK,            /* addresses found (naddrs > 0) */
	DNS_STUB_NODATA,        /* the name exists, without that type */
	DNS_STUB_NXDOMAIN,      /* the name does not exist */
	DNS_STUB_TRUNCATED,     /* TC: retry over TCP */
	DNS_STUB_SERVER_FAILED, /* SERVFAIL, REFUSED, NOTIMP, ...: next server */
	DNS_STUB_MISMATCH,      /* not a response to this query: ignore */
	DNS_STUB_MALFORMED,     /* does not decode */
};

struct dns_addr {
	uint8_t family;  /* 4 or 6 */
	uint8_t addr[16]; /* 4 or 16 octets used */
	uint32_t ttl;    /* seconds; the least TTL along the CNAME chain */
};

struct dns_stub_result {
	enum dns_stub_status status;
	uint8_t rcode;
	unsigned naddrs;
	struct dns_addr addrs[DNS_STUB_ADDRS_MAX];
	uint32_t neg_ttl;          /* NODATA/NXDOMAIN: from the SOA (RFC 2308 5), else 0 */
	struct dns_name canonical; /* the name after following CNAMEs */
};

/* Check that resp answers q (QR, ID, opcode, the question with exactly the
 * case sent, type, class IN) and read it: follow CNAMEs in the answer
 * section from the question's name (at most DNS_CNAME_CHAIN_MAX, given in
 * dns_server.h as 8), then collect the records of q->type (A or AAAA) owned
 * by the last name. */
enum dns_stub_status dns_stub_response(const struct dns_stub_query *q, struct view resp,
				       struct dns_stub_result *r);

/* --- Cache ----------------------------------------------------------------- */

struct dns_cache_entry {
	bool used;
	uint16_t type;
	struct dns_name name; /* lower case */
	uint64_t expires;     /* monotonic ns */
	uint64_t last_used;
	struct dns_stub_result result;
};

struct dns_cache {
	struct dns_cache_entry e[DNS_CACHE_ENTRIES];
};

void dns_cache_init(struct dns_cache *c);
/* Remember a final result (OK, NODATA or NXDOMAIN; others are ignored) for
 * its TTL: the least address TTL, or neg_ttl, capped as above; a TTL of 0
 * is not cached. A full cache drops an expired entry, else the least
 * recently used. now is monotonic time in ns. */
void dns_cache_put(struct dns_cache *c, const struct dns_name *name, uint16_t type,
		   const struct dns_stub_result *r, uint64_t now);
/* A live entry for (name, type): true and *r with each TTL lowered to the
 * seconds left. */
bool dns_cache_get(struct dns_cache *c, const struct dns_name *name, uint16_t type, uint64_t now,
		   struct dns_stub_result *r);

#endif
