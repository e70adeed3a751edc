/* dns_server.h: the authoritative DNS server as a pure function from a query
 * message to a response message (RFC 1034 4.3.2, RFC 1035 4.1, RFC 2181,
 * RFC 2308, RFC 6891, RFC 8482).
 *
 * The server does no I/O: the appliance's glue reads a query from UDP port 53
 * (or a TCP stream, framed with dns_tcp_unframe() from dns.h), calls
 * dns_server_answer(), and sends what it returns. Nothing is allocated per
 * query; the zones are shared read-only, so one struct dns_server can serve
 * any number of fibers.
 *
 * What a query gets (the behaviour the differential test against NSD checks;
 * docs/dns.md lists where it and NSD differ):
 *   - no answer at all (return 0) for fewer than 12 bytes or a message with
 *     QR set (a response: answering it could start a loop);
 *   - FORMERR for a message that does not decode (dns_msg_parse; bytes
 *     after the last record are ignored: this covers an EDNS option
 *     running past the OPT's RDATA, and a TSIG record that is not the
 *     last of the additional section, not class ANY or malformed),
 *     QDCOUNT other than 1, or ANCOUNT/NSCOUNT not 0; the header only, ID
 *     echoed;
 *   - NOTAUTH for a query signed with TSIG (RFC 8945 5.2.2): the server
 *     holds no keys, so every key is unknown: no question, the OPT if the
 *     query had one, then a TSIG record echoing the query's key name,
 *     algorithm, time signed, fudge and original ID with error BADKEY and
 *     no MAC (unsigned, 5.3.2), as NSD answers;
 *   - REFUSED, header only, for NOTIFY (no zone here takes one);
 *   - NOTIMP, header only, for any other opcode but QUERY;
 *   - BADVERS (extended rcode 16 in the OPT) for EDNS version > 0;
 *   - REFUSED for a class other than IN, for zone transfers (AXFR/IXFR: not
 *     offered), and for names in none of the server's zones;
 *   - otherwise the zone's answer, AA set:
 *       an RRset of the type asked for: in the answer, the zone's apex NS in
 *       the authority section (omitted first when space runs short);
 *       a CNAME (when the type is not CNAME): the CNAME, then the answer for
 *       its target if the target is in one of the zones, up to
 *       DNS_CNAME_CHAIN_MAX links, stopping at a loop; the rcode is that of
 *       the last name (RFC 6604);
 *       a name that exists without that type, or an empty non-terminal:
 *       NODATA (NOERROR, empty answer, SOA in the authority section);
 *       a name that does not exist: the wildcard "*.<closest encloser>"
 *       answers it if there is one (below), else NXDOMAIN with the SOA;
 *       the SOA's TTL in NODATA and NXDOMAIN is min(SOA TTL, SOA minimum)
 *       (RFC 2308 3);
 *       a name at or below a delegation (NS below the apex): a referral, AA
 *       clear, the delegation's NS RRset in the authority section and the
 *       A/AAAA records of its servers that are in the zone (glue) in the
 *       additional section; a DS query at the cut itself is answered by the
 *       parent (RFC 4035 3.1.4.1);
 *       ANY: one RRset (RFC 8482 4.1), the first in zone-file order of type
 *       A, AAAA, SOA, MX or PTR, else the last of the others, as NSD does;
 *     additional-section processing: A then AAAA records of in-zone targets
 *     of NS, MX and SRV records in the answer and authority sections, each
 *     RRset at most once in the whole message (a wildcard's once per name
 *     it is synthesized for).
 *   Wildcards (RFC 4592, RFC 1034 4.3.2-4.3.3): the walk down from the apex
 *   finds the closest encloser, the deepest existing node above the name
 *   (empty non-terminals exist: they block synthesis, RFC 4592 2.2.2, and
 *   a name at one gets NODATA). Only when the name has no node and no cut
 *   lies on the way (below a cut it is a referral: RFC 1034 4.3.2 step 3b
 *   comes before the wildcard's 3c) does "*.<closest encloser>" answer, if
 *   it exists: its RRsets are synthesized with the name as owner (the
 *   question's name keeps its case; a CNAME's target is written as in its
 *   RDATA, or in the question's case if it is the question's name again),
 *   with AA, the apex NS and additional data as for any name; a type it
 *   lacks is NODATA for the name; a CNAME there is followed like any
 *   CNAME; a wildcard that is only an empty non-terminal (only
 *   "x.*.<encloser>" has data) gives NODATA for every type (RFC 4592
 *   4.9). "ghost.*.example" matches nothing ("*.example" is its closest
 *   encloser); "*.example" asked for itself is an ordinary name (with NS,
 *   a cut; a name synthesized from it gets that NS as data, as from NSD:
 *   RFC 4592 4.2 leaves the case open). Targets of additional-section
 *   processing are found the same way, and a referral's glue also from a
 *   wildcard below the cut, as NSD gives it.
 *   The question is echoed byte for byte (so the query's case is kept); the
 *   owner of records that answer the question itself is written as the
 *   question's name, so it keeps the query's case too.
 *
 * Sizes and truncation (RFC 1035 4.2.1, RFC 2181 9, RFC 6891 6.2.3-6.2.5):
 *   over UDP the response fits in 512 octets without EDNS, else in the
 *   client's advertised size (at least 512) capped by s->udp_max; over TCP
 *   in 65535 (and always in out_cap). RRsets are never split. When an answer
 *   or non-optional authority RRset does not fit, TC is set and the message
 *   ends with what fitted. Optional data (the apex NS beside a positive
 *   answer, then additional A records, then additional AAAA records: three
 *   groups) is written over UDP only while the message stays within both
 *   the client's size and DNS_SERVER_OPTIONAL_MAX: an RRset that would pass
 *   either is left out without TC, the rest of its group is still tried,
 *   and the groups after it are not; a referral left without any A glue
 *   this way sets TC (the resolver needs TCP to use it). This is NSD's
 *   minimal-responses rule, kept so that both answer alike. A response to an EDNS query
 *   carries an OPT with s->udp_max and the query's DO bit.
 */
#ifndef KILN_DNS_SERVER_H
#define KILN_DNS_SERVER_H

#include <kiln/dns.h>
#include <kiln/dns_zone.h>

/* Zones one server holds: a handful per appliance in practice; a fixed array
 * keeps the server allocation-free. */
#define DNS_SERVER_ZONES_MAX 16
/* CNAME links followed within the served zones. Real chains are 1-3 long;
 * 8 matches common resolver limits and bounds the work per query. */
#define DNS_CNAME_CHAIN_MAX 8
/* Default cap on the UDP payload we use (DNS Flag Day 2020: 1232 avoids IP
 * fragmentation on common paths). */
#define DNS_SERVER_UDP_MAX 1232
/* Optional data stops at this size over UDP even when the client takes
 * more: 1232 octets avoid IP fragmentation (DNS Flag Day 2020), and NSD
 * uses the same bound. */
#define DNS_SERVER_OPTIONAL_MAX 1232
/* RRsets in one section of a response: a CNAME chain, its answer and its
 * additional data stay far below. */
#define DNS_SECTION_MAX 48

struct dns_server_stats {
	uint64_t queries, dropped, noerror, nxdomain, formerr, notimp, refused, badvers,
		notauth, truncated;
};

struct dns_server {
	const struct dns_zone *zones[DNS_SERVER_ZONES_MAX];
	unsigned nzones;
	uint16_t udp_max;               /* >= 512 */
	struct dns_server_stats *stats; /* optional: counted if not NULL */
};

/* An empty server: no zones, udp_max DNS_SERVER_UDP_MAX, no stats. */
void dns_server_init(struct dns_server *s);
/* Serve z (not copied: it must outlive the server). -1 if the server is
 * full or already serves a zone with the same origin. */
int dns_server_add_zone(struct dns_server *s, const struct dns_zone *z);

/* Answer one query message. Writes the response into out[0..out_cap) and
 * returns its length, or 0 when the query gets no response (see above).
 * Uses about 9 KiB of stack (the answer plan; measured with -fstack-usage)
 * and no heap. */
size_t dns_server_answer(const struct dns_server *s, struct view query, bool over_tcp,
			 uint8_t *out, size_t out_cap);

#endif
