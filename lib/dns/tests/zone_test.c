/* zone_test.c: the master-file parser and zone index (RFC 1035 5) on the
 * rich sample zone and on each error, checking the FILE:LINE message. */
#include <kiln/dns_zone.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static struct dns_zone *load_sample(char *err, size_t errlen)
{
	size_t len;
	char *text = slurp("lib/dns/tests/zones/example.test.zone", &len);
	struct dns_zone *z = NULL;
	if (!text) {
		snprintf(err, errlen, "cannot read the sample zone (run from the repository root)");
		return NULL;
	}
	if (dns_zone_parse("example.test.zone", view_make(text, len), "example.test", &z, err,
			   errlen) != 0)
		z = NULL;
	free(text);
	return z;
}

static const struct dns_rrset *find(const struct dns_zone *z, const char *name, uint16_t type)
{
	struct dns_name n;
	if (dns_name_parse(name, &n) != DNS_OK)
		return NULL;
	const struct dns_node *node = dns_zone_find(z, &n);
	return node ? dns_node_rrset(z, node, type) : NULL;
}

static const char *rdtext(const struct dns_zone *z, const struct dns_rrset *s, unsigned i)
{
	static char buf[1024];
	dns_rdata_to_text(s->type, dns_rrset_rdata(z, s, i), buf, sizeof buf);
	return buf;
}

TEST(sample_zone_parses)
{
	char err[256] = "";
	struct dns_zone *z = load_sample(err, sizeof err);
	if (!z)
		printf("# %s\n", err);
	CHECK(z != NULL);
	const struct dns_rrset *s;
	CHECK((s = find(z, "example.test", DNS_TYPE_SOA)) != NULL);
	CHECK_STR(rdtext(z, s, 0), "ns1.example.test. hostmaster.example.test. 2024010101 7200 900 1209600 300");
	CHECK_EQ(s->ttl, 3600);
	CHECK_EQ(z->neg_ttl, 300);
	CHECK((s = find(z, "EXAMPLE.TEST", DNS_TYPE_NS)) != NULL);
	CHECK_EQ(s->count, 2);
	CHECK((s = find(z, "web.example.test", DNS_TYPE_A)) != NULL);
	CHECK_EQ(s->count, 2); /* the WeB duplicate merged */
	CHECK((s = find(z, "ns2.example.test", DNS_TYPE_AAAA)) != NULL);
	CHECK_EQ(s->ttl, 7200);
	CHECK_STR(rdtext(z, s, 0), "2001:db8::1:0:0:53");
	CHECK((s = find(z, "mail.example.test", DNS_TYPE_A)) != NULL);
	CHECK_EQ(s->ttl, 300);
	CHECK((s = find(z, "txt2.example.test", DNS_TYPE_TXT)) != NULL);
	CHECK_STR(rdtext(z, s, 0), "\"quote\\\" backslash\\\\ tab\\009 dec\\255\"");
	CHECK((s = find(z, "txt3.example.test", DNS_TYPE_TXT)) != NULL);
	CHECK_STR(rdtext(z, s, 0), "\"plain\" \"words\" \"unquoted\"");
	CHECK((s = find(z, "txt4.example.test", DNS_TYPE_TXT)) != NULL);
	CHECK_STR(rdtext(z, s, 0), "\"split across\" \"two lines\"");
	CHECK((s = find(z, "empty.example.test", DNS_TYPE_TXT)) != NULL);
	CHECK_EQ(dns_rrset_rdata(z, s, 0).len, 1);
	CHECK((s = find(z, "example.test", DNS_TYPE_CAA)) != NULL);
	CHECK_EQ(s->count, 2);
	CHECK((s = find(z, "generic.example.test", 65280)) != NULL);
	CHECK_STR(rdtext(z, s, 0), "\\# 4 0a000001");
	CHECK((s = find(z, "generic2.example.test", 731)) != NULL);
	CHECK_EQ(dns_rrset_rdata(z, s, 0).len, 0);
	CHECK((s = find(z, "agen.example.test", DNS_TYPE_A)) != NULL);
	CHECK_STR(rdtext(z, s, 0), "192.0.2.2");
	CHECK((s = find(z, "ttlunits.example.test", DNS_TYPE_A)) != NULL);
	CHECK_EQ(s->ttl, 93600);
	CHECK((s = find(z, "class1st.example.test", DNS_TYPE_A)) != NULL);
	CHECK_EQ(s->ttl, 60);
	CHECK((s = find(z, "escaped\\.dot.example.test", DNS_TYPE_A)) != NULL);
	CHECK((s = find(z, "_sip._udp.example.test", DNS_TYPE_SRV)) != NULL);
	CHECK_EQ(s->count, 2);
	CHECK((s = find(z, "1.2.0.192.in-addr.example.test", DNS_TYPE_PTR)) != NULL);
	CHECK_STR(rdtext(z, s, 0), "web.example.test.");
	CHECK((s = find(z, "v4mapped.example.test", DNS_TYPE_AAAA)) != NULL);
	CHECK_STR(rdtext(z, s, 0), "::ffff:192.0.2.1");
	CHECK((s = find(z, "host.sub2.example.test", DNS_TYPE_A)) != NULL);
	CHECK((s = find(z, "many.example.test", DNS_TYPE_A)) != NULL);
	CHECK_EQ(s->count, 40);
	CHECK((s = find(z, "big.example.test", DNS_TYPE_TXT)) != NULL);
	CHECK_EQ(s->count, 3);
	/* Empty non-terminals are nodes without RRsets. */
	struct dns_name ent;
	dns_name_parse("b.c.example.test", &ent);
	const struct dns_node *n = dns_zone_find(z, &ent);
	CHECK(n != NULL);
	CHECK_EQ(n->nsets, 0);
	dns_name_parse("y.z.example.test", &ent);
	CHECK(dns_zone_find(z, &ent) != NULL);
	dns_name_parse("nothere.example.test", &ent);
	CHECK(dns_zone_find(z, &ent) == NULL);
	/* Case of owner names is kept as written. */
	dns_name_parse("mixed.case.example.test", &ent);
	n = dns_zone_find(z, &ent);
	CHECK(n != NULL);
	struct dns_name got;
	dns_node_name(z, n, &got);
	CHECK_MEM(got.wire, "\x05Mixed\x04" "Case", 11);
	/* Nodes are in canonical order. */
	for (size_t i = 1; i < z->nnodes; i++) {
		struct dns_name a, b;
		dns_node_name(z, &z->nodes[i - 1], &a);
		dns_node_name(z, &z->nodes[i], &b);
		CHECK(dns_name_compare(&a, &b) < 0);
	}
	dns_zone_free(z);
}

TEST(zone_to_text_canonical)
{
	const char *text = "$TTL 60\n"
			   "@ SOA ns h 1 2 3 4 5\n"
			   "  NS ns\n"
			   "b A 10.0.0.2\n"
			   "A A 10.0.0.1\n"
			   "ns AAAA 2001:db8::2\n";
	struct dns_zone *z;
	char err[200], out[1024];
	CHECK_EQ(dns_zone_parse("t", view_make(text, strlen(text)), "t.", &z, err, sizeof err), 0);
	dns_zone_to_text(z, out, sizeof out);
	CHECK_STR(out, "t. 60 IN NS ns.t.\n"
		       "t. 60 IN SOA ns.t. h.t. 1 2 3 4 5\n"
		       "A.t. 60 IN A 10.0.0.1\n"
		       "b.t. 60 IN A 10.0.0.2\n"
		       "ns.t. 60 IN AAAA 2001:db8::2\n");
	dns_zone_free(z);
}

TEST(zone_errors_name_file_and_line)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\n$INCLUDE other.zone\n",
		 "z.zone:3: $INCLUDE is not supported: a zone must be one file"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\n$GENERATE 1-2 a A 1.2.3.4\n",
		 "z.zone:3: unknown directive '$GENERATE'"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\n\nwww A 300.1.1.1\n",
		 "z.zone:4: A: bad IPv4 address '300.1.1.1'"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nwww AAAA 1::2::3\n",
		 "z.zone:3: AAAA: bad IPv6 address '1::2::3'"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nwww FOO 1\n", "z.zone:3: unknown type 'FOO'"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nwww CH A 1.2.3.4\n",
		 "z.zone:3: class CH not supported (only IN)"},
		{"@ SOA ns h 1 2 3 4 5\n", "z.zone:1: no TTL given and no $TTL before"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nwww.other.test. A 1.2.3.4\n",
		 "z.zone:3: www.other.test. is outside the zone z."},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nwww CNAME a\nwww A 1.2.3.4\n",
		 "z.zone:3: CNAME beside other data at www.z."},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nwww CNAME a\nwww CNAME b\n",
		 "z.zone:4: more than one CNAME at www.z."},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ SOA ns h 2 2 3 4 5\n", "z.zone:3: a second SOA record"},
		{"$TTL 60\nwww SOA ns h 1 2 3 4 5\n", "z.zone:2: SOA at www.z., not at the zone apex"},
		{"$TTL 60\nwww A 1.2.3.4\n", "z.zone: no SOA record at the zone apex z."},
		{"$TTL 60\n@ SOA ns h ( 1 2\n 3 4 5\nwww A 1.2.3.4\n", "z.zone:2: '(' not closed"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5 )\n", "z.zone:2: ')' without '('"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt TXT \"abc\n", "z.zone:3: unterminated quoted string"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt TXT \"a\\300\"\n",
		 "z.zone:3: TXT: bad string (escape, or over 255 octets)"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt TYPE999 \\# 3 0102\n",
		 "z.zone:3: \\# length 3 does not match its 2 octets of data"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt A \\# 3 010203\n",
		 "z.zone:3: \\# data is not valid A RDATA"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt DS 1 2 3 abcd\n",
		 "z.zone:3: type DS needs the \\# generic syntax (RFC 3597)"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt TLSA 3 1 1 abcd\n",
		 "z.zone:3: type TLSA needs the \\# generic syntax (RFC 3597)"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt MX 10\n", "z.zone:3: MX: missing fields"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt MX 10 a b\n", "z.zone:3: MX: unexpected 'b'"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt MX 70000 a\n", "z.zone:3: MX: bad number '70000'"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\na..b A 1.2.3.4\n",
		 "z.zone:3: bad owner name 'a..b': syntax error"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt ANY 1\n", "z.zone:3: type ANY cannot appear in a zone"},
		{"$TTL 60\n  A 1.2.3.4\n", "z.zone:2: no owner name (the first record starts with a blank)"},
		{"$TTL 1x\n", "z.zone:1: $TTL takes one TTL"},
		{"$TTL 60\n@ SOA ns h 1 2 3 4 5\nt CAA 0 \"\" \"x\"\n", "z.zone:3: CAA: invalid RDATA"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dns_zone *z = NULL;
		char err[256] = "";
		int rc = dns_zone_parse("z.zone", view_make(cases[i].text, strlen(cases[i].text)), "z",
					&z, err, sizeof err);
		if (rc == 0)
			dns_zone_free(z);
		CHECK_EQ(rc, -1);
		CHECK_STR(err, cases[i].msg);
	}
}

TEST(generic_syntax_for_named_types)
{
	const char *text = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n"
			   "_443._tcp TLSA \\# 5 0301016162\n"
			   "d DNAME \\# 3 01 7a 00\n"
			   "n NS \\# 3 016e00\n";
	struct dns_zone *z;
	char err[200], out[1024];
	CHECK_EQ(dns_zone_parse("g", view_make(text, strlen(text)), "g.", &z, err, sizeof err), 0);
	dns_zone_to_text(z, out, sizeof out);
	CHECK(strstr(out, "_443._tcp.g. 60 IN TLSA \\# 5 0301016162\n") != NULL);
	CHECK(strstr(out, "d.g. 60 IN DNAME \\# 3 017a00\n") != NULL);
	CHECK(strstr(out, "n.g. 60 IN NS n.\n") != NULL); /* \# for a known type, checked */
	dns_zone_free(z);
	const char *bad = "$TTL 60\n@ SOA ns h 1 2 3 4 5\nn NS \\# 2 016e\n";
	CHECK_EQ(dns_zone_parse("g", view_make(bad, strlen(bad)), "g.", &z, err, sizeof err), -1);
	CHECK_STR(err, "g:3: \\# data is not valid NS RDATA");
}

TEST(zone_multiline_and_comments)
{
	const char *text = "; comment only\n\n$ORIGIN z.\n$TTL 60 ; trailing\n"
			   "@ IN SOA ( ns ; mname\n h ; rname\n 1 2 3\n 4 5 )\n"
			   "x ( A\n 10.0.0.1 )\n"
			   "y TXT \"a;b(c)\" ; not a comment inside quotes\n";
	struct dns_zone *z;
	char err[200];
	CHECK_EQ(dns_zone_parse("t", view_make(text, strlen(text)), "z", &z, err, sizeof err), 0);
	const struct dns_rrset *s = find(z, "y.z", DNS_TYPE_TXT);
	CHECK(s != NULL);
	CHECK_STR(rdtext(z, s, 0), "\"a;b(c)\"");
	CHECK(find(z, "x.z", DNS_TYPE_A) != NULL);
	dns_zone_free(z);
}

TEST(crlf_relative_origin_and_escaped_blank)
{
	const char *text = "$TTL 60\r\n@ SOA ns h ( 1 2\r\n 3 4 5 ) ; c\r\n$ORIGIN a\r\n"
			   "b A 10.0.0.1\r\n$ORIGIN c.a.z.\r\n@ TXT \"x y\"\r\n\tTXT a\\ b\r\n";
	struct dns_zone *z;
	char err[200], out[512];
	CHECK_EQ(dns_zone_parse("crlf", view_make(text, strlen(text)), "z", &z, err, sizeof err), 0);
	dns_zone_to_text(z, out, sizeof out);
	CHECK_STR(out, "z. 60 IN SOA ns.z. h.z. 1 2 3 4 5\n"
		       "b.a.z. 60 IN A 10.0.0.1\n"
		       "c.a.z. 60 IN TXT \"a b\"\n"
		       "c.a.z. 60 IN TXT \"x y\"\n");
	dns_zone_free(z);
}

TEST(rrset_ttl_is_the_first_records)
{
	/* RFC 2181 5.2: one TTL per RRset. NSD keeps each record's own TTL
	 * (with a warning); kiln, like BIND, takes the first (docs/dns.md). */
	const char *text = "$TTL 60\n@ SOA ns h 1 2 3 4 5\nx 100 A 10.0.0.2\nx 50 A 10.0.0.3\nx 200 A 10.0.0.4\n";
	struct dns_zone *z;
	char err[200];
	CHECK_EQ(dns_zone_parse("t", view_make(text, strlen(text)), "t", &z, err, sizeof err), 0);
	const struct dns_rrset *s = find(z, "x.t", DNS_TYPE_A);
	CHECK(s != NULL);
	CHECK_EQ(s->count, 3);
	CHECK_EQ(s->ttl, 100);
	dns_zone_free(z);
}
