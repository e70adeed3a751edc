/* dns_zone.h: zone data: the RFC 1035 master-file parser and the in-memory
 * zone the authoritative server answers from (RFC 1035 5, RFC 2308 4 for
 * $TTL, RFC 3597 5 for the \# generic syntax, RFC 2181 for RRset rules).
 *
 * Parsing
 *   dns_zone_parse() reads a whole zone from a buffer (a file baked into the
 *   image or a value from a key-value store: the caller gets the bytes; this
 *   library does no I/O). It understands:
 *     $ORIGIN name, $TTL ttl; $INCLUDE is refused (a zone must be one
 *     buffer), as is any other directive;
 *     owner names absolute, relative to the current origin, or "@"; an owner
 *     omitted (line starting with a blank) repeats the previous owner;
 *     TTL and class in either order, both optional: the TTL defaults to
 *     $TTL, else to the last TTL given (RFC 1035 5.1); the class must be IN;
 *     TTLs as seconds or with units (1w2d3h4m5s, as BIND and NSD accept);
 *     parentheses continue an entry across lines; ';' comments; quoted
 *     strings with \X and \DDD escapes, several strings per TXT;
 *     types A, AAAA, NS, CNAME, PTR, MX, SOA, TXT, SRV, CAA, HINFO in their
 *     usual text forms, and any type (TYPEnnn or a known name) as
 *     "\# length hex" (RFC 3597).
 *   Any error stops the parse with one line in err: "FILE:LINE: problem",
 *   e.g. "db.example:12: CNAME beside other data at www.example.test.".
 *
 * Validation (after parsing, errors as above with the offending line):
 *   exactly one SOA, at the apex; no data outside the origin; a CNAME is the
 *   only RRset at its owner (RFC 2181 10.1, RRSIG/NSEC excepted) and holds a
 *   single record; identical records are merged (RFC 2181 5); an RRset
 *   whose records disagree on TTL takes the first record's TTL.
 *
 * Structure
 *   A zone is one allocation per array: nodes sorted in canonical order
 *   (RFC 4034 6.1) for binary search, each with its RRsets sorted by type,
 *   each RRset with its records' RDATA (uncompressed wire form). Empty
 *   non-terminals (a.b when only x.a.b holds data) are nodes with no RRsets,
 *   so that the server can tell NODATA from NXDOMAIN. A wildcard owner
 *   ("*.example.test.": '*' as the leftmost label, RFC 4592 2.1.1) is kept
 *   as a node like any other, under its literal name; the server looks it
 *   up as the source of synthesis of its parent (dns_server.h). A '*' in
 *   any other position ("a.*.example.test.") is an ordinary label.
 *
 * Memory: the zone is malloc'd; dns_zone_free() releases it. A zone is never
 * modified after parsing; any number of readers may share it.
 */
#ifndef KILN_DNS_ZONE_H
#define KILN_DNS_ZONE_H

#include <kiln/dns.h>

/* Limits, with reasons. */
/* Tokens in one entry (one logical line): the longest legitimate entries
 * are TXT records of many strings; 64 KiB of RDATA in 255-octet strings is
 * 257 strings. */
#define DNS_ZONE_TOKENS_MAX 1024
/* A zone's nodes, records and bytes are bounded by memory only; the counts
 * are 32-bit. */

struct dns_rrset {
	uint16_t type;
	uint16_t count;  /* records (at least 1) */
	uint32_t ttl;
	uint32_t first;  /* index of its first record in zone->rdata */
	uint32_t order;  /* position of its first record in the zone text */
};

struct dns_rdata_ref {
	uint32_t off;    /* in zone->blob */
	uint16_t len;
};

struct dns_node {
	uint32_t name_off; /* the owner name's wire form in zone->blob */
	uint8_t name_len;
	uint16_t key_len;  /* its canonical sort key in zone->blob (lib/dns) */
	uint32_t key_off;
	uint16_t nsets;    /* 0: an empty non-terminal */
	uint32_t first_set;
};

struct dns_zone {
	struct dns_name origin;
	struct dns_node *nodes; /* nodes[0] is the apex (it sorts first) */
	size_t nnodes;
	struct dns_rrset *sets;
	size_t nsets;
	struct dns_rdata_ref *rdata;
	size_t nrdata;     /* records, after merging duplicates */
	uint8_t *blob;
	size_t bloblen;
	uint32_t neg_ttl;  /* min(SOA TTL, SOA minimum): RFC 2308 5 */
};

/* Parse text (the zone's whole content) with origin as the initial $ORIGIN
 * (absolute, trailing dot optional). filename is used only in messages.
 * Returns 0 and *out, or -1 and a message in err[0..errlen). */
int dns_zone_parse(const char *filename, struct view text, const char *origin,
		   struct dns_zone **out, char *err, size_t errlen);
void dns_zone_free(struct dns_zone *z);

/* The node named exactly name (case-insensitively), or NULL. */
const struct dns_node *dns_zone_find(const struct dns_zone *z, const struct dns_name *name);
/* The node's owner name, with the case the zone file gave it. */
void dns_node_name(const struct dns_zone *z, const struct dns_node *n, struct dns_name *out);
/* The node's RRset of type, or NULL. */
const struct dns_rrset *dns_node_rrset(const struct dns_zone *z, const struct dns_node *n,
				       uint16_t type);
/* The i-th node's RRsets are z->sets[n->first_set .. +n->nsets). */
/* Record i (0 <= i < set->count) of an RRset, as uncompressed RDATA. */
struct view dns_rrset_rdata(const struct dns_zone *z, const struct dns_rrset *set, unsigned i);

/* Write the zone in canonical order as master-file text, one record a line
 * ("owner TTL IN TYPE rdata\n"), into buf (truncated at cap-1). Returns the
 * full length. For tests and `dns_tool dump`. */
size_t dns_zone_to_text(const struct dns_zone *z, char *buf, size_t cap);

#endif
