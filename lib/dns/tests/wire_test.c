/* wire_test.c: known-answer, round-trip and hostile-input tests for the DNS
 * wire format (RFC 1035 4.1, RFC 6891). The byte arrays marked "NSD" are
 * responses captured from Debian's NSD 4.6.1 serving tests/dns/zones'
 * example.test (scripts in tests/dns/). */
#include <kiln/dns.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"

/* NSD 4.6.1: example.test MX, id 0x1234 */
static const uint8_t nsd_mx[] = {0x12, 0x34, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x0f, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x09, 0x00, 0x0a, 0x04, 0x6d, 0x61, 0x69, 0x6c, 0xc0, 0x0c, 0xc0, 0x0c, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x06, 0x03, 0x6e, 0x73, 0x31, 0xc0, 0x0c, 0xc0, 0x0c, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x06, 0x03, 0x6e, 0x73, 0x32, 0xc0, 0x0c, 0xc0, 0x2c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x19, 0xc0, 0x3f, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x35, 0xc0, 0x51, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53};
/* NSD 4.6.1: _sip._tcp.example.test SRV (the SRV target is not compressed) */
static const uint8_t nsd_srv[] = {0x12, 0x34, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x04, 0x04, 0x5f, 0x73, 0x69, 0x70, 0x04, 0x5f, 0x74, 0x63, 0x70, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x21, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x18, 0x00, 0x00, 0x00, 0x05, 0x13, 0xc4, 0x03, 0x77, 0x65, 0x62, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0xc0, 0x16, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x06, 0x03, 0x6e, 0x73, 0x31, 0xc0, 0x16, 0xc0, 0x16, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x06, 0x03, 0x6e, 0x73, 0x32, 0xc0, 0x16, 0x03, 0x77, 0x65, 0x62, 0xc0, 0x16, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x50, 0xc0, 0x58, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x35, 0xc0, 0x70, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0xc0, 0x6a, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53};

static struct dns_name N(const char *s)
{
	struct dns_name n;
	if (dns_name_parse(s, &n) != DNS_OK)
		dns_name_root(&n);
	return n;
}

static struct view V(const void *p, size_t n) { return view_make(p, n); }

TEST(decode_nsd_mx_response)
{
	struct dns_msg m;
	struct view msg = V(nsd_mx, sizeof nsd_mx);
	CHECK_EQ(dns_msg_parse(msg, &m), DNS_OK);
	CHECK_EQ(m.hdr.id, 0x1234);
	CHECK_EQ(m.hdr.flags, DNS_FLAG_QR | DNS_FLAG_AA);
	CHECK_EQ(m.hdr.ancount, 1);
	CHECK_EQ(m.hdr.nscount, 2);
	CHECK_EQ(m.hdr.arcount, 3);
	CHECK(dns_name_equal(&m.question.name, &(struct dns_name){0}) == false);
	struct dns_name ex = N("example.test");
	CHECK(dns_name_equal(&m.question.name, &ex));
	CHECK_EQ(m.question.type, DNS_TYPE_MX);

	size_t pos = m.an_off;
	struct dns_rr rr;
	CHECK_EQ(dns_rr_decode(msg, &pos, &rr), DNS_OK);
	CHECK(dns_name_equal(&rr.owner, &ex));
	CHECK_EQ(rr.ttl, 3600);
	uint16_t pref;
	struct dns_name exch, mail = N("mail.example.test");
	CHECK_EQ(dns_rdata_mx(msg, &rr, &pref, &exch), DNS_OK);
	CHECK_EQ(pref, 10);
	CHECK(dns_name_equal(&exch, &mail));
	uint8_t exp[64];
	size_t elen;
	CHECK_EQ(dns_rdata_expand(msg, &rr, exp, sizeof exp, &elen), DNS_OK);
	CHECK_EQ(elen, 2 + 19);
	char text[256];
	dns_rdata_to_text(rr.type, V(exp, elen), text, sizeof text);
	CHECK_STR(text, "10 mail.example.test.");

	/* The last additional record: ns2's AAAA. */
	pos = m.ar_off;
	for (int i = 0; i < 3; i++)
		CHECK_EQ(dns_rr_decode(msg, &pos, &rr), DNS_OK);
	CHECK_EQ(rr.type, DNS_TYPE_AAAA);
	dns_rdata_to_text(rr.type, rr.rdata, text, sizeof text);
	CHECK_STR(text, "2001:db8::53");
	CHECK_EQ(pos, sizeof nsd_mx);
}

/* Rebuilds a captured message record by record with our encoder: the
 * compression must come out byte for byte as NSD's. */
static size_t reencode(const uint8_t *in, size_t inlen, uint8_t *out, size_t cap)
{
	struct view msg = V(in, inlen);
	struct dns_msg m;
	struct dns_encoder e;
	if (dns_msg_parse(msg, &m) != DNS_OK)
		return 0;
	dns_enc_init(&e, out, cap);
	dns_enc_header(&e, &m.hdr);
	dns_enc_question(&e, &m.question.name, m.question.type, m.question.qclass);
	size_t pos = m.an_off;
	unsigned n = m.hdr.ancount + m.hdr.nscount + m.hdr.arcount;
	for (unsigned i = 0; i < n; i++) {
		struct dns_rr rr;
		uint8_t rd[512];
		size_t rdlen;
		if (dns_rr_decode(msg, &pos, &rr) != DNS_OK ||
		    dns_rdata_expand(msg, &rr, rd, sizeof rd, &rdlen) != DNS_OK)
			return 0;
		dns_enc_rr(&e, &rr.owner, rr.type, rr.rclass, rr.ttl, V(rd, rdlen));
	}
	return dns_enc_ok(&e) ? e.len : 0;
}

TEST(encode_matches_nsd_compression)
{
	uint8_t out[1024];
	CHECK_EQ(reencode(nsd_mx, sizeof nsd_mx, out, sizeof out), sizeof nsd_mx);
	CHECK_MEM(out, nsd_mx, sizeof nsd_mx);
	CHECK_EQ(reencode(nsd_srv, sizeof nsd_srv, out, sizeof out), sizeof nsd_srv);
	CHECK_MEM(out, nsd_srv, sizeof nsd_srv);
}

TEST(encoder_overflow_is_sticky_and_rolls_back)
{
	uint8_t out[40];
	struct dns_encoder e;
	struct dns_header h = {1, 0, 1, 0, 0, 0};
	struct dns_name n = N("www.example.test");
	uint8_t a[4] = {192, 0, 2, 1};
	dns_enc_init(&e, out, sizeof out);
	dns_enc_header(&e, &h);
	dns_enc_question(&e, &n, DNS_TYPE_A, DNS_CLASS_IN);
	CHECK(dns_enc_ok(&e));
	struct dns_mark mk = dns_enc_mark(&e);
	dns_enc_rr(&e, &n, DNS_TYPE_A, DNS_CLASS_IN, 60, V(a, 4));
	CHECK(!dns_enc_ok(&e)); /* 34 + 16 > 40 */
	dns_enc_rollback(&e, mk);
	CHECK(dns_enc_ok(&e));
	CHECK_EQ(e.len, 34);
}

TEST(names_text_round_trip)
{
	struct dns_name n, origin = N("example.test."), exp;
	char t[DNS_NAME_TEXT_MAX];
	CHECK_EQ(dns_name_from_text("www", 3, &origin, &n), DNS_OK);
	exp = N("www.example.test.");
	CHECK(dns_name_equal(&n, &exp));
	CHECK_EQ(dns_name_from_text("a\\.b\\065\\\\.c.", 13, &origin, &n), DNS_OK);
	CHECK_EQ(dns_name_labels(&n), 2);
	CHECK_EQ(n.wire[0], 5);
	CHECK_MEM(n.wire + 1, "a.bA\\", 5);
	dns_name_to_text(&n, t, sizeof t);
	CHECK_STR(t, "a\\.bA\\\\.c.");
	CHECK_EQ(dns_name_from_text("a..b", 4, NULL, &n), DNS_E_SYNTAX);
	CHECK_EQ(dns_name_from_text("a\\256", 5, NULL, &n), DNS_E_SYNTAX);
	char l64[70];
	memset(l64, 'x', 64);
	CHECK_EQ(dns_name_from_text(l64, 64, NULL, &n), DNS_E_LABEL_LEN);
	CHECK_EQ(dns_name_from_text(l64, 63, NULL, &n), DNS_OK);
	char big[300];
	for (int i = 0; i < 300; i++)
		big[i] = (i % 2) ? '.' : 'a';
	CHECK_EQ(dns_name_from_text(big, 253, NULL, &n), DNS_OK); /* 127 labels: 255 octets */
	CHECK_EQ(n.len, 255);
	CHECK_EQ(dns_name_from_text(big, 255, NULL, &n), DNS_E_NAME_LEN);
	dns_name_root(&n);
	dns_name_to_text(&n, t, sizeof t);
	CHECK_STR(t, ".");
}

TEST(names_compare_case_and_canonical_order)
{
	/* RFC 4034 6.1's example, in canonical order. */
	const char *order[] = {"example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.",
			       "zABC.a.EXAMPLE.", "z.example.", "\\001.z.example.",
			       "*.z.example.", "\\200.z.example."};
	for (size_t i = 0; i + 1 < sizeof order / sizeof order[0]; i++) {
		struct dns_name a, b;
		CHECK_EQ(dns_name_parse(order[i], &a), DNS_OK);
		CHECK_EQ(dns_name_parse(order[i + 1], &b), DNS_OK);
		CHECK(dns_name_compare(&a, &b) < 0);
		CHECK(dns_name_compare(&b, &a) > 0);
	}
	struct dns_name x = N("WwW.ExAmPle.TEST"), y = N("www.example.test"), p = N("example.test");
	CHECK(dns_name_equal(&x, &y));
	CHECK_EQ(dns_name_compare(&x, &y), 0);
	CHECK(dns_name_is_below(&x, &p));
	CHECK(!dns_name_is_below(&p, &x));
	struct dns_name par;
	dns_name_parent(&x, 1, &par);
	CHECK(dns_name_equal(&par, &p));
	CHECK_EQ(par.wire[1], 'E'); /* case kept */
}

/* A header with the given counts, then body. */
static size_t mk(uint8_t *buf, uint16_t qd, uint16_t an, const uint8_t *body, size_t n)
{
	uint8_t h[12] = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	h[5] = (uint8_t)qd;
	h[7] = (uint8_t)an;
	memcpy(buf, h, 12);
	memcpy(buf + 12, body, n);
	return 12 + n;
}

TEST(hostile_names_rejected)
{
	uint8_t buf[1024];
	struct dns_msg m;
	struct dns_name n;
	size_t end, len;

	/* A pointer to itself. */
	const uint8_t self[] = {0xc0, 12, 0, 1, 0, 1};
	len = mk(buf, 1, 0, self, sizeof self);
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_E_POINTER);
	/* A loop through two pointers (the second points forward). */
	const uint8_t loop[] = {0xc0, 14, 0xc0, 12, 0, 1, 0, 1};
	len = mk(buf, 1, 0, loop, sizeof loop);
	CHECK_EQ(dns_name_decode(V(buf, len), 12, &n, &end), DNS_E_POINTER);
	CHECK_EQ(dns_name_decode(V(buf, len), 14, &n, &end), DNS_E_POINTER);
	/* A forward pointer to a valid name. */
	const uint8_t fwd[] = {0xc0, 18, 0, 1, 0, 1, 1, 'a', 0};
	len = mk(buf, 1, 0, fwd, sizeof fwd);
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_E_POINTER);
	/* A pointer into the name's own earlier labels. */
	const uint8_t inner[] = {1, 'a', 0xc0, 12};
	len = mk(buf, 0, 0, inner, sizeof inner);
	CHECK_EQ(dns_name_decode(V(buf, len), 12, &n, &end), DNS_E_POINTER);
	/* Label length 64 is the 0x40 extended label type on the wire. */
	uint8_t l64[80] = {64};
	len = mk(buf, 0, 0, l64, 66);
	CHECK_EQ(dns_name_decode(V(buf, len), 12, &n, &end), DNS_E_LABEL_TYPE);
	const uint8_t l80[] = {0x80, 0};
	len = mk(buf, 0, 0, l80, 2);
	CHECK_EQ(dns_name_decode(V(buf, len), 12, &n, &end), DNS_E_LABEL_TYPE);
	/* Five 63-octet labels: 320 octets. */
	uint8_t longname[330];
	size_t o = 0;
	for (int i = 0; i < 5; i++) {
		longname[o++] = 63;
		memset(longname + o, 'q', 63);
		o += 63;
	}
	longname[o++] = 0;
	len = mk(buf, 0, 0, longname, o);
	CHECK_EQ(dns_name_decode(V(buf, len), 12, &n, &end), DNS_E_NAME_LEN);
	/* A name over 255 octets assembled through pointers. */
	uint8_t ptrlong[512];
	o = 0;
	for (int i = 0; i < 4; i++) {
		ptrlong[o++] = 63;
		memset(ptrlong + o, 'r', 63);
		o += 63;
	}
	ptrlong[o++] = 0; /* 257 octets: 4*64 + 1 */
	len = mk(buf, 0, 0, ptrlong, o);
	CHECK_EQ(dns_name_decode(V(buf, len), 12, &n, &end), DNS_E_NAME_LEN);
	/* A chain of 200 pointers, each to the one before it. */
	o = 0;
	ptrlong[o++] = 0; /* the root at offset 12 */
	for (int i = 0; i < 200; i++) {
		size_t target = 12 + (i == 0 ? 0 : 1 + 2 * (size_t)(i - 1));
		ptrlong[o++] = (uint8_t)(0xc0 | target >> 8);
		ptrlong[o++] = (uint8_t)target;
	}
	len = mk(buf, 0, 0, ptrlong, o);
	CHECK_EQ(dns_name_decode(V(buf, len), 12 + 1 + 2 * 199, &n, &end), DNS_E_POINTER_HOPS);
	CHECK_EQ(dns_name_decode(V(buf, len), 12 + 1 + 2 * 100, &n, &end), DNS_OK);
	/* A name cut short. */
	const uint8_t cut[] = {3, 'w', 'w'};
	len = mk(buf, 1, 0, cut, sizeof cut);
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_E_SHORT);
}

TEST(hostile_messages_rejected)
{
	uint8_t buf[512];
	struct dns_msg m;
	size_t len;
	const uint8_t q[] = {1, 'a', 0, 0, 1, 0, 1};
	/* Counts promising records that are not there. */
	len = mk(buf, 1, 5, q, sizeof q);
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_E_COUNTS);
	len = mk(buf, 3, 0, q, sizeof q);
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_E_COUNTS);
	/* Short header. */
	CHECK_EQ(dns_msg_parse(V(buf, 11), &m), DNS_E_SHORT);
	/* Trailing garbage. */
	len = mk(buf, 1, 0, q, sizeof q);
	buf[len++] = 0xff;
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_E_TRAILING);
	/* RDLENGTH past the end. */
	const uint8_t rr_long[] = {1, 'a', 0, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 9, 1, 2, 3, 4};
	len = mk(buf, 1, 1, rr_long, sizeof rr_long);
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_E_SHORT);
	/* An A record with 5 octets of RDATA. */
	const uint8_t a5[] = {1, 'a', 0, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5};
	len = mk(buf, 1, 1, a5, sizeof a5);
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_E_RDATA);
	/* A CNAME whose name runs past its RDLENGTH. */
	const uint8_t cn[] = {1, 'a', 0, 0, 1, 0, 1, 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 1, 0, 2, 1, 'b', 0};
	len = mk(buf, 1, 1, cn, sizeof cn);
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_E_RDATA);
	/* An OPT in the answer section. */
	const uint8_t opt_an[] = {1, 'a', 0, 0, 1, 0, 1, 0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0};
	len = mk(buf, 1, 1, opt_an, sizeof opt_an);
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_E_OPT);
}

TEST(edns_opt_parsed)
{
	uint8_t buf[128];
	/* Question a. A IN, then OPT: size 1232, ext-rcode 0, version 0, DO. */
	const uint8_t body[] = {1, 'a', 0, 0, 1, 0, 1, 0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0};
	size_t len = mk(buf, 1, 0, body, sizeof body);
	buf[11] = 1; /* arcount */
	struct dns_msg m;
	CHECK_EQ(dns_msg_parse(V(buf, len), &m), DNS_OK);
	CHECK(m.edns.present);
	CHECK_EQ(m.edns.udp_size, 1232);
	CHECK(m.edns.dnssec_ok);
	CHECK_EQ(m.edns.version, 0);
	/* Two OPT records. */
	uint8_t two[160];
	memcpy(two, buf, len);
	memcpy(two + len, body + 7, 11);
	two[11] = 2;
	CHECK_EQ(dns_msg_parse(V(two, len + 11), &m), DNS_E_OPT);
	/* Encoding one gives the same bytes. */
	uint8_t out[16];
	struct dns_encoder e;
	dns_enc_init(&e, out, sizeof out);
	dns_enc_opt(&e, 1232, 0, 0, true);
	CHECK_EQ(e.len, 11);
	CHECK_MEM(out, body + 7, 11);
}

TEST(compression_round_trip)
{
	const char *names[] = {"a.example.test", "b.a.example.test", "EXAMPLE.test",
			       "example.test", "other.", "x.y.z.other", "."};
	uint8_t out[512];
	struct dns_encoder e;
	size_t offs[8];
	size_t plain = 0;
	dns_enc_init(&e, out, sizeof out);
	for (int i = 0; i < 7; i++) {
		struct dns_name n = N(names[i]);
		offs[i] = e.len;
		dns_enc_name(&e, &n, true);
		plain += n.len;
	}
	CHECK(dns_enc_ok(&e));
	CHECK(e.len < plain);
	for (int i = 0; i < 7; i++) {
		struct dns_name n, want = N(names[i]);
		size_t end;
		CHECK_EQ(dns_name_decode(V(out, e.len), offs[i], &n, &end), DNS_OK);
		CHECK_EQ(n.len, want.len);
		CHECK_MEM(n.wire, want.wire, n.len); /* exact case preserved */
	}
}

TEST(rdata_text_for_each_type)
{
	struct {
		uint16_t type;
		const uint8_t *rd;
		size_t len;
		const char *text;
	} cases[] = {
		{DNS_TYPE_A, (const uint8_t *)"\xc0\x00\x02\x01", 4, "192.0.2.1"},
		{DNS_TYPE_AAAA, (const uint8_t *)"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16, "2001:db8::1"},
		{DNS_TYPE_AAAA, (const uint8_t *)"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16, "::"},
		{DNS_TYPE_AAAA, (const uint8_t *)"\x20\x01\0\0\0\x01\0\0\0\0\0\x01\0\0\0\x01", 16, "2001:0:1::1:0:1"},
		{DNS_TYPE_NS, (const uint8_t *)"\x02ns\x04test\0", 9, "ns.test."},
		{DNS_TYPE_TXT, (const uint8_t *)"\x02hi\x03\"\\\x01", 7, "\"hi\" \"\\\"\\\\\\001\""},
		{DNS_TYPE_SRV, (const uint8_t *)"\0\x01\0\x02\x13\xc4\x01x\0", 9, "1 2 5060 x."},
		{DNS_TYPE_CAA, (const uint8_t *)"\x00\x05issueca.test", 14, "0 issue \"ca.test\""},
		{DNS_TYPE_SOA, (const uint8_t *)"\x01m\0\x01r\0\0\0\0\x01\0\0\0\x02\0\0\0\x03\0\0\0\x04\0\0\0\x05", 26, "m. r. 1 2 3 4 5"},
		{4321, (const uint8_t *)"\xab\xcd", 2, "\\# 2 abcd"},
		{DNS_TYPE_A, (const uint8_t *)"\x01\x02", 2, "\\# 2 0102"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char t[256];
		dns_rdata_to_text(cases[i].type, V(cases[i].rd, cases[i].len), t, sizeof t);
		CHECK_STR(t, cases[i].text);
	}
	char b[12];
	CHECK_STR(dns_type_name(DNS_TYPE_CAA, b), "CAA");
	CHECK_STR(dns_type_name(65280, b), "TYPE65280");
	CHECK_EQ(dns_type_from_name("aaaa", 4), DNS_TYPE_AAAA);
	CHECK_EQ(dns_type_from_name("TYPE999", 7), 999);
	CHECK_EQ(dns_type_from_name("TYPE99999", 9), 0);
	CHECK_EQ(dns_type_from_name("BOGUS", 5), 0);
}

TEST(tcp_framing)
{
	uint8_t out[16], msg[5] = {1, 2, 3, 4, 5};
	CHECK_EQ(dns_tcp_frame(V(msg, 5), out, sizeof out), 7);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(out[1], 5);
	CHECK_EQ(dns_tcp_frame(V(msg, 5), out, 6), 0);
	struct view m;
	size_t used;
	CHECK(!dns_tcp_unframe(V(out, 6), &m, &used));
	CHECK(dns_tcp_unframe(V(out, 7), &m, &used));
	CHECK_EQ(used, 7);
	CHECK_EQ(m.len, 5);
	CHECK_MEM(m.data, msg, 5);
}
