/* server_int.h: lib/dns private: the answer plan the lookup builds and the
 * encoder writes (sections as lists of RRsets). */
#ifndef KILN_DNS_SERVER_INT_H
#define KILN_DNS_SERVER_INT_H

#include <kiln/dns_server.h>

enum { SEC_ANSWER, SEC_AUTHORITY, SEC_ADDITIONAL };

/* Groups, in the order they are written: a mandatory group that does not
 * fit truncates (TC); the optional ones are written only while they fit
 * (see dns_server.h). */
enum {
	GROUP_ANSWER,        /* the answer section */
	GROUP_AUTHORITY,     /* SOA of a negative answer, NS of a referral */
	GROUP_AUTHORITY_OPT, /* the apex NS beside a positive answer */
	GROUP_ADD_A,         /* additional A records */
	GROUP_ADD_AAAA,      /* additional AAAA records */
	GROUP_COUNT
};

/* Fields ordered so that the item stays 40 octets: a plan holds 144. */
struct plan_item {
	const struct dns_zone *z;
	const struct dns_node *node; /* the owner (ignored if use_qname or synth) */
	const struct dns_rrset *set;
	/* An RRset synthesized from a wildcard (RFC 4592 3.3.1): its owner is
	 * the name that matched, in wire form (the question's name or a name
	 * in the RDATA of a record of the zone, both outliving the plan);
	 * NULL for RRsets owned by their node. */
	const uint8_t *synth;
	uint32_t ttl;
	bool use_qname;    /* owner written as the question's name */
	uint8_t group;     /* GROUP_* */
	uint8_t synth_len;
};

struct dns_plan {
	uint8_t rcode;
	bool aa;
	bool referral; /* the authority section holds a zone cut's NS */
	unsigned n[3];
	struct plan_item items[3][DNS_SECTION_MAX];
};

/* Fill p with the answer to (qname, qtype) from s's zones; false if no zone
 * holds qname (REFUSED). class_any: QCLASS * (RFC 1035 3.2.5): the same
 * data, but not authoritative and without SOA or NS in the authority
 * section, as NSD answers it. */
bool dns_server_lookup(const struct dns_server *s, const struct dns_name *qname, uint16_t qtype,
		       bool class_any, struct dns_plan *p);

#endif
