/* stub.c: the stub resolver's query and response handling (RFC 1035 7.3,
 * RFC 5452 9.1-9.2 and draft-vixie-dnsext-dns0x20 for ID and case
 * randomisation, RFC 2308 5 for negative TTLs). */
#include <kiln/dns_server.h>
#include <kiln/dns_stub.h>

#include <string.h>

size_t dns_stub_query(const struct dns_name *name, uint16_t type, const uint8_t *entropy,
		      bool randomise_case, uint16_t edns_size, uint8_t *out, size_t cap,
		      struct dns_stub_query *q)
{
	struct dns_encoder e;
	struct dns_header h = {0, DNS_FLAG_RD, 1, 0, 0, edns_size ? 1 : 0};
	unsigned bit = 0;

	q->id = h.id = (uint16_t)(entropy[0] << 8 | entropy[1]);
	q->type = type;
	q->name = *name;
	if (randomise_case) {
		for (unsigned i = 0; i < q->name.len;) {
			unsigned l = q->name.wire[i];
			for (unsigned j = 1; j <= l; j++) {
				uint8_t *c = &q->name.wire[i + j];
				uint8_t lc = (uint8_t)(*c | 0x20);
				if (lc < 'a' || lc > 'z' || bit >= 8 * (DNS_STUB_ENTROPY - 2))
					continue;
				bool upper = (entropy[2 + bit / 8] >> (bit % 8)) & 1;
				bit++;
				*c = upper ? (uint8_t)(lc - 32) : lc;
			}
			if (l == 0)
				break;
			i += l + 1;
		}
	}
	dns_enc_init(&e, out, cap);
	dns_enc_header(&e, &h);
	dns_enc_question(&e, &q->name, type, DNS_CLASS_IN);
	if (edns_size)
		dns_enc_opt(&e, edns_size, 0, 0, false);
	return dns_enc_ok(&e) ? e.len : 0;
}

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* Negative TTL from the SOA in the authority section (RFC 2308 5). */
static uint32_t negative_ttl(struct view resp, const struct dns_msg *m)
{
	size_t pos = m->ns_off;
	for (unsigned i = 0; i < m->hdr.nscount; i++) {
		struct dns_rr rr;
		struct dns_soa soa;
		if (dns_rr_decode(resp, &pos, &rr) != DNS_OK)
			return 0;
		if (rr.type == DNS_TYPE_SOA && dns_rdata_soa(resp, &rr, &soa) == DNS_OK)
			return min32(rr.ttl, soa.minimum);
	}
	return 0;
}

enum dns_stub_status dns_stub_response(const struct dns_stub_query *q, struct view resp,
				       struct dns_stub_result *r)
{
	struct dns_msg m;
	struct dns_header h;

	memset(r, 0, sizeof *r);
	r->canonical = q->name;
	/* Anything that is not the answer to this query is ignored, not an
	 * error: a spoofer must not be able to end a lookup. */
	if (dns_header_decode(resp, &h) != DNS_OK || h.id != q->id || !(h.flags & DNS_FLAG_QR))
		return r->status = DNS_STUB_MISMATCH;
	if (dns_msg_parse(resp, &m) != DNS_OK)
		return r->status = DNS_STUB_MALFORMED;
	if (DNS_OPCODE(h.flags) != DNS_OPCODE_QUERY || m.hdr.qdcount != 1 ||
	    m.question.type != q->type || m.question.qclass != DNS_CLASS_IN ||
	    m.question.name.len != q->name.len ||
	    memcmp(m.question.name.wire, q->name.wire, q->name.len) != 0)
		return r->status = DNS_STUB_MISMATCH; /* 0x20: the case must match exactly */
	r->rcode = (uint8_t)((m.edns.present ? m.edns.ext_rcode << 4 : 0) | DNS_RCODE(h.flags));
	if (h.flags & DNS_FLAG_TC)
		return r->status = DNS_STUB_TRUNCATED;
	if (r->rcode == DNS_RCODE_NXDOMAIN) {
		r->neg_ttl = negative_ttl(resp, &m);
		return r->status = DNS_STUB_NXDOMAIN;
	}
	if (r->rcode != DNS_RCODE_NOERROR)
		return r->status = DNS_STUB_SERVER_FAILED;

	uint32_t chain_ttl = 0xffffffffu;
	for (unsigned hop = 0; hop < DNS_CNAME_CHAIN_MAX; hop++) {
		size_t pos = m.an_off;
		bool moved = false;
		for (unsigned i = 0; i < m.hdr.ancount && !moved; i++) {
			struct dns_rr rr;
			if (dns_rr_decode(resp, &pos, &rr) != DNS_OK)
				return r->status = DNS_STUB_MALFORMED;
			if (rr.type == DNS_TYPE_CNAME && q->type != DNS_TYPE_CNAME &&
			    dns_name_equal(&rr.owner, &r->canonical)) {
				if (dns_rdata_name(resp, &rr, &r->canonical) != DNS_OK)
					return r->status = DNS_STUB_MALFORMED;
				chain_ttl = min32(chain_ttl, rr.ttl);
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	size_t pos = m.an_off;
	for (unsigned i = 0; i < m.hdr.ancount; i++) {
		struct dns_rr rr;
		if (dns_rr_decode(resp, &pos, &rr) != DNS_OK)
			return r->status = DNS_STUB_MALFORMED;
		if (rr.type != q->type || rr.rclass != DNS_CLASS_IN ||
		    !dns_name_equal(&rr.owner, &r->canonical) || r->naddrs >= DNS_STUB_ADDRS_MAX)
			continue;
		struct dns_addr *a = &r->addrs[r->naddrs];
		if (rr.type == DNS_TYPE_A && rr.rdata.len == 4)
			a->family = 4;
		else if (rr.type == DNS_TYPE_AAAA && rr.rdata.len == 16)
			a->family = 6;
		else
			continue;
		view_copy(rr.rdata, 0, a->addr, rr.rdata.len);
		a->ttl = min32(rr.ttl, chain_ttl);
		r->naddrs++;
	}
	if (r->naddrs == 0) {
		r->neg_ttl = negative_ttl(resp, &m);
		return r->status = DNS_STUB_NODATA;
	}
	return r->status = DNS_STUB_OK;
}
