/* server.c: the authoritative server's query path: checks, error rcodes,
 * EDNS, response size and truncation (RFC 1035 4.1-4.2, RFC 2181 9,
 * RFC 6891 6-7, RFC 8945 5.2.2). What is answered is in server_lookup.c. */
#include "server_int.h"

#include <string.h>

void dns_server_init(struct dns_server *s)
{
	memset(s, 0, sizeof *s);
	s->udp_max = DNS_SERVER_UDP_MAX;
}

int dns_server_add_zone(struct dns_server *s, const struct dns_zone *z)
{
	if (s->nzones >= DNS_SERVER_ZONES_MAX)
		return -1;
	for (unsigned i = 0; i < s->nzones; i++)
		if (dns_name_equal(&s->zones[i]->origin, &z->origin))
			return -1;
	s->zones[s->nzones++] = z;
	return 0;
}

#define COUNT(s, field)                                                        \
	do {                                                                   \
		if ((s)->stats)                                                \
			(s)->stats->field++;                                   \
	} while (0)

/* What goes into one response. */
struct reply {
	const struct dns_msg *m; /* the query; NULL if it did not decode */
	uint16_t id, flags;      /* flags without TC/AA/rcode */
	uint16_t rcode;          /* 12-bit: the high 8 bits go in the OPT */
	bool question;           /* echo the question */
	bool tsig_badkey;        /* end with a TSIG record carrying BADKEY */
	const struct dns_plan *plan;
};

static size_t encode(const struct dns_server *s, const struct reply *r, size_t limit, bool over_tcp,
		     uint8_t *out)
{
	bool edns = r->m && r->m->edns.present;
	size_t tsig_len = r->tsig_badkey ? dns_tsig_error_len(&r->m->tsig) : 0;
	size_t reserve = (edns ? 11 : 0) + tsig_len;
	struct dns_encoder e;
	struct dns_header h = {r->id, 0, 0, 0, 0, 0};
	uint16_t counts[3] = {0, 0, 0};
	bool tc = false;

	if (limit < DNS_HEADER_LEN + reserve)
		return 0;
	dns_enc_init(&e, out, limit - reserve);
	dns_enc_header(&e, &h);
	if (r->question)
		dns_enc_question(&e, &r->m->question.name, r->m->question.type, r->m->question.qclass);
	if (!dns_enc_ok(&e))
		return 0;
	for (int g = 0; r->plan && g < GROUP_COUNT; g++) {
		bool optional = g == GROUP_AUTHORITY_OPT || g >= GROUP_ADD_A, skipped = false;
		unsigned written = 0;
		for (int sec = 0; sec < 3; sec++) {
			for (unsigned k = 0; k < r->plan->n[sec]; k++) {
				const struct plan_item *it = &r->plan->items[sec][k];
				if (it->group != g)
					continue;
				struct dns_name owner;
				struct dns_mark mark = dns_enc_mark(&e);
				if (it->synth) {
					owner.len = it->synth_len;
					memcpy(owner.wire, it->synth, it->synth_len);
				} else if (it->use_qname) {
					owner = r->m->question.name;
				} else {
					dns_node_name(it->z, it->node, &owner);
				}
				for (unsigned i = 0; i < it->set->count; i++)
					dns_enc_rr(&e, &owner, it->set->type, DNS_CLASS_IN, it->ttl,
						   dns_rrset_rdata(it->z, it->set, i));
				bool over = optional && !over_tcp && e.len > DNS_SERVER_OPTIONAL_MAX;
				if (!dns_enc_ok(&e) || over) {
					dns_enc_rollback(&e, mark);
					if (!optional) {
						tc = true;
						goto done;
					}
					skipped = !over_tcp;
					continue; /* a smaller one may still fit */
				}
				counts[sec] = (uint16_t)(counts[sec] + it->set->count);
				written += it->set->count;
			}
		}
		if (skipped) {
			/* No room for more optional data; a referral without any
			 * A glue is no use to a resolver: let it ask over TCP. */
			if (g == GROUP_ADD_A && written == 0 && r->plan->referral)
				tc = true;
			break;
		}
	}
done:
	e.cap = limit;
	if (edns)
		dns_enc_opt(&e, s->udp_max, (uint8_t)(r->rcode >> 4), 0, r->m->edns.dnssec_ok);
	if (r->tsig_badkey)
		dns_enc_tsig_error(&e, &r->m->tsig, DNS_TSIG_BADKEY); /* last (RFC 8945 5.2) */
	if (!dns_enc_ok(&e))
		return 0;
	uint16_t flags = (uint16_t)(r->flags | (r->rcode & 0xf) | (tc ? DNS_FLAG_TC : 0) |
				    (r->plan && r->plan->aa ? DNS_FLAG_AA : 0));
	dns_enc_set_flags(&e, flags);
	dns_enc_set_counts(&e, r->question ? 1 : 0, counts[0], counts[1],
			   (uint16_t)(counts[2] + (edns ? 1 : 0) + (r->tsig_badkey ? 1 : 0)));
	if (tc)
		COUNT(s, truncated);
	return e.len;
}

size_t dns_server_answer(const struct dns_server *s, struct view query, bool over_tcp,
			 uint8_t *out, size_t out_cap)
{
	struct dns_header qh;
	struct dns_msg m;
	struct dns_plan plan;
	struct reply r = {NULL, 0, 0, 0, false, false, NULL};
	size_t limit;

	COUNT(s, queries);
	if (dns_header_decode(query, &qh) != DNS_OK || (qh.flags & DNS_FLAG_QR)) {
		COUNT(s, dropped);
		return 0;
	}
	r.id = qh.id;
	r.flags = (uint16_t)(DNS_FLAG_QR | (qh.flags & (0x7800 | DNS_FLAG_RD)));
	limit = over_tcp ? DNS_MSG_MAX : DNS_UDP_MIN;

	/* Bytes after the last record are ignored, as NSD and BIND do. */
	enum dns_err perr = dns_msg_parse(query, &m);
	if (perr != DNS_OK && perr != DNS_E_TRAILING) {
		r.rcode = DNS_RCODE_FORMERR;
		COUNT(s, formerr);
		goto send;
	}
	r.m = &m;
	if (m.edns.present && !over_tcp) {
		limit = m.edns.udp_size < DNS_UDP_MIN ? DNS_UDP_MIN : m.edns.udp_size;
		if (limit > s->udp_max)
			limit = s->udp_max < DNS_UDP_MIN ? DNS_UDP_MIN : s->udp_max;
	}
	r.question = m.hdr.qdcount == 1;
	if (m.tsig.present) {
		/* Signed, but this server holds no keys: the key is unknown to
		 * it (RFC 8945 5.2.2). As NSD: no question, and the TSIG with
		 * BADKEY and no MAC (5.3.2) after any OPT. */
		r.question = false;
		r.rcode = DNS_RCODE_NOTAUTH;
		r.tsig_badkey = true;
		COUNT(s, notauth);
		goto send;
	}
	if (DNS_OPCODE(qh.flags) == DNS_OPCODE_NOTIFY) {
		r.question = false; /* we take no NOTIFY (RFC 1996): as NSD */
		r.rcode = DNS_RCODE_REFUSED;
		COUNT(s, refused);
		goto send;
	}
	if (DNS_OPCODE(qh.flags) != DNS_OPCODE_QUERY) {
		r.question = false; /* as NSD: the header alone */
		r.rcode = DNS_RCODE_NOTIMP;
		COUNT(s, notimp);
		goto send;
	}
	if (m.hdr.qdcount != 1 || m.hdr.ancount || m.hdr.nscount) {
		r.question = false;
		r.rcode = DNS_RCODE_FORMERR;
		COUNT(s, formerr);
		goto send;
	}
	if (m.edns.present && m.edns.version != 0) {
		r.rcode = DNS_RCODE_BADVERS; /* RFC 6891 6.1.3 */
		COUNT(s, badvers);
		goto send;
	}
	if (m.question.type == DNS_TYPE_AXFR && !over_tcp) {
		r.rcode = DNS_RCODE_NOTIMP; /* a transfer needs TCP (RFC 5936 4.2) */
		COUNT(s, notimp);
		goto send;
	}
	if ((m.question.qclass != DNS_CLASS_IN && m.question.qclass != DNS_CLASS_ANY) ||
	    m.question.type == DNS_TYPE_AXFR || m.question.type == DNS_TYPE_IXFR ||
	    !dns_server_lookup(s, &m.question.name, m.question.type,
			       m.question.qclass == DNS_CLASS_ANY, &plan)) {
		r.rcode = DNS_RCODE_REFUSED;
		COUNT(s, refused);
		goto send;
	}
	r.plan = &plan;
	r.rcode = plan.rcode;
	if (plan.rcode == DNS_RCODE_NXDOMAIN)
		COUNT(s, nxdomain);
	else
		COUNT(s, noerror);
send:
	if (limit > out_cap)
		limit = out_cap;
	return encode(s, &r, limit, over_tcp, out);
}
