/* msg.c: fuzz harness for the DNS message decoder (RFC 1035 4.1): parse,
 * walk every record, expand and print its RDATA, and read it as a stub
 * resolver would. Any crash, leak or sanitizer report is a bug. */
#include <kiln/dns.h>
#include <kiln/dns_stub.h>

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct view v = view_make(data, size);
	struct dns_msg m;
	static uint8_t rd[65536];
	static char text[4 * 65536];

	if (dns_msg_parse(v, &m) == DNS_OK) {
		size_t pos = m.an_off;
		unsigned n = (unsigned)m.hdr.ancount + m.hdr.nscount + m.hdr.arcount;
		for (unsigned i = 0; i < n; i++) {
			struct dns_rr rr;
			size_t len;
			if (dns_rr_decode(v, &pos, &rr) != DNS_OK)
				__builtin_trap(); /* parse said every record decodes */
			if (dns_rdata_expand(v, &rr, rd, sizeof rd, &len) != DNS_OK)
				__builtin_trap();
			dns_rdata_to_text(rr.type, view_make(rd, len), text, sizeof text);
			dns_name_to_text(&rr.owner, text, sizeof text);
			struct dns_name nm;
			struct dns_soa soa;
			uint16_t pref;
			dns_rdata_name(v, &rr, &nm);
			dns_rdata_soa(v, &rr, &soa);
			dns_rdata_mx(v, &rr, &pref, &nm);
		}
		if (m.hdr.qdcount > 0) {
			/* As a stub would read it, the query being its own question. */
			struct dns_stub_query q;
			struct dns_stub_result r;
			q.id = m.hdr.id;
			q.type = m.question.type;
			q.name = m.question.name;
			dns_stub_response(&q, v, &r);
		}
	}
	/* Names at every offset, compressed or not. */
	for (size_t off = 0; off < size && off < 64; off++) {
		struct dns_name nm;
		size_t end;
		if (dns_name_decode(v, off, &nm, &end) == DNS_OK && (end > size || nm.len == 0))
			__builtin_trap();
	}
	return 0;
}
