/* server_int.h: lib/dns private: the answer plan the lookup builds and the
 * encoder writes (sections as lists of RRsets). */
#ifndef KILN_DNS_SERVER_INT_H
#define KILN_DNS_SERVER_INT_H

#include <kiln/dns_server.h>

enum { SEC_ANSWER, SEC_AUTHORITY, SEC_ADDITIONAL };

struct plan_item {
	const struct dns_zone *z;
	const struct dns_node *node; /* the owner (ignored if use_qname) */
	const struct dns_rrset *set;
	uint32_t ttl;
	bool use_qname; /* owner written as the question's name */
	bool optional;  /* dropped without TC if it does not fit */
};

struct dns_plan {
	uint8_t rcode;
	bool aa;
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
