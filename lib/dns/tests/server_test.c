/* server_test.c: the authoritative server's answers for every response
 * code and section rule of dns_server.h, on the sample zone. */
#include <kiln/dns_server.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "harness.h"

static struct dns_zone *zone;
static struct dns_server srv;
static struct dns_server_stats stats;

static bool setup(void) { return fixture_serve("example.test", &zone, &srv, &stats); }

/* A query: id 0x4242, flags, one question, optionally an OPT. */
static size_t query(uint8_t *buf, size_t cap, uint16_t flags, const char *name, uint16_t type,
		    int edns_size, uint8_t version, bool dnssec_ok)
{
	struct dns_encoder e;
	struct dns_name n;
	struct dns_header h = {0x4242, flags, 1, 0, 0, edns_size >= 0 ? 1 : 0};
	dns_name_parse(name, &n);
	dns_enc_init(&e, buf, cap);
	dns_enc_header(&e, &h);
	dns_enc_question(&e, &n, type, DNS_CLASS_IN);
	if (edns_size >= 0)
		dns_enc_opt(&e, (uint16_t)edns_size, 0, version, dnssec_ok);
	return e.len;
}

struct resp {
	struct dns_msg m;
	uint8_t buf[65536];
	size_t len;
	struct view v;
};

static struct resp R;

/* Ask and decode; false if no response or it does not decode. */
static bool ask_ex(const char *name, uint16_t type, int edns, bool tcp, size_t cap)
{
	uint8_t q[512];
	size_t ql = query(q, sizeof q, 0, name, type, edns, 0, false);
	R.len = dns_server_answer(&srv, view_make(q, ql), tcp, R.buf, cap);
	R.v = view_make(R.buf, R.len);
	return R.len && dns_msg_parse(R.v, &R.m) == DNS_OK;
}
static bool ask(const char *name, uint16_t type) { return ask_ex(name, type, -1, false, sizeof R.buf); }

/* The i-th record of the response (0 = first answer). */
static struct dns_rr rr_at(unsigned i)
{
	struct dns_rr rr = {0};
	size_t pos = R.m.an_off;
	for (unsigned k = 0; k <= i; k++)
		if (dns_rr_decode(R.v, &pos, &rr) != DNS_OK)
			memset(&rr, 0, sizeof rr);
	return rr;
}

static bool owner_is(unsigned i, const char *name)
{
	struct dns_rr rr = rr_at(i);
	struct dns_name n;
	dns_name_parse(name, &n);
	return dns_name_equal(&rr.owner, &n);
}

#define RCODE() DNS_RCODE(R.m.hdr.flags)
#define FLAG(f) ((R.m.hdr.flags & (f)) != 0)

TEST(answer_is_authoritative_and_keeps_query_case)
{
	CHECK(setup());
	CHECK(ask("WeB.ExAmPlE.tEsT", DNS_TYPE_A));
	CHECK_EQ(R.m.hdr.id, 0x4242);
	CHECK(FLAG(DNS_FLAG_QR) && FLAG(DNS_FLAG_AA) && !FLAG(DNS_FLAG_TC) && !FLAG(DNS_FLAG_RA));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK_MEM(R.m.question.name.wire, "\x03WeB\x07" "ExAmPlE\x04tEsT", 18);
	CHECK_EQ(R.m.hdr.ancount, 2);
	CHECK_MEM(rr_at(0).owner.wire, "\x03WeB", 4);
	CHECK_EQ(R.m.hdr.nscount, 2); /* the apex NS */
	CHECK(owner_is(2, "example.test"));
	CHECK_EQ(rr_at(2).type, DNS_TYPE_NS);
	CHECK_EQ(R.m.hdr.arcount, 3); /* ns1 A, ns1 AAAA, ns2 AAAA */
	CHECK(owner_is(4, "ns1.example.test"));
	CHECK_EQ(rr_at(4).type, DNS_TYPE_A);
	CHECK_EQ(rr_at(6).type, DNS_TYPE_AAAA);
}

TEST(rd_copied_cd_cleared)
{
	CHECK(setup());
	uint8_t q[512], out[512];
	size_t ql = query(q, sizeof q, DNS_FLAG_RD | DNS_FLAG_CD | DNS_FLAG_AD, "web.example.test", DNS_TYPE_A, -1, 0, false);
	size_t n = dns_server_answer(&srv, view_make(q, ql), false, out, sizeof out);
	CHECK(n > 12);
	uint16_t flags = (uint16_t)(out[2] << 8 | out[3]);
	CHECK_EQ(flags & (DNS_FLAG_RD | DNS_FLAG_CD | DNS_FLAG_AD | DNS_FLAG_RA), DNS_FLAG_RD);
}

TEST(referral_with_glue)
{
	CHECK(setup());
	const char *names[] = {"sub.example.test", "below.sub.example.test", "x.y.sub.example.test",
			       "ns.sub.example.test"};
	for (int i = 0; i < 4; i++) {
		CHECK(ask(names[i], DNS_TYPE_A));
		CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
		CHECK(!FLAG(DNS_FLAG_AA));
		CHECK_EQ(R.m.hdr.ancount, 0);
		CHECK_EQ(R.m.hdr.nscount, 2);
		CHECK(owner_is(0, "sub.example.test"));
		CHECK_EQ(rr_at(0).type, DNS_TYPE_NS);
		CHECK_EQ(R.m.hdr.arcount, 2); /* ns.sub A and AAAA; ns.other.test is not ours */
		CHECK(owner_is(2, "ns.sub.example.test"));
	}
	/* The parent answers DS at the cut: NODATA, authoritative. */
	CHECK(ask("sub.example.test", DNS_TYPE_DS));
	CHECK(FLAG(DNS_FLAG_AA));
	CHECK_EQ(R.m.hdr.ancount, 0);
	CHECK_EQ(rr_at(0).type, DNS_TYPE_SOA);
	/* ... but DS below it is the child's: a referral. */
	CHECK(ask("a.sub.example.test", DNS_TYPE_DS));
	CHECK(!FLAG(DNS_FLAG_AA));
	CHECK_EQ(rr_at(0).type, DNS_TYPE_NS);
}

TEST(nxdomain_and_nodata_carry_the_soa)
{
	CHECK(setup());
	CHECK(ask("nothere.example.test", DNS_TYPE_A));
	CHECK_EQ(RCODE(), DNS_RCODE_NXDOMAIN);
	CHECK(FLAG(DNS_FLAG_AA));
	CHECK_EQ(R.m.hdr.ancount, 0);
	CHECK_EQ(R.m.hdr.nscount, 1);
	CHECK_EQ(rr_at(0).type, DNS_TYPE_SOA);
	CHECK_EQ(rr_at(0).ttl, 300); /* min(SOA TTL 3600, minimum 300) */
	CHECK_EQ(R.m.hdr.arcount, 0);
	/* NODATA: the name exists, not the type. */
	CHECK(ask("web.example.test", DNS_TYPE_MX));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK_EQ(R.m.hdr.ancount, 0);
	CHECK_EQ(rr_at(0).type, DNS_TYPE_SOA);
	/* An empty non-terminal is NODATA, not NXDOMAIN. */
	CHECK(ask("b.c.example.test", DNS_TYPE_A));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK_EQ(R.m.hdr.ancount, 0);
	CHECK_EQ(rr_at(0).type, DNS_TYPE_SOA);
	CHECK(ask("c.example.test", DNS_TYPE_ANY));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK_EQ(rr_at(0).type, DNS_TYPE_SOA);
}

TEST(cname_chains_loops_and_dead_ends)
{
	CHECK(setup());
	CHECK(ask("chain1.example.test", DNS_TYPE_A));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK(FLAG(DNS_FLAG_AA));
	CHECK_EQ(R.m.hdr.ancount, 5); /* 3 CNAMEs, 2 A */
	CHECK(owner_is(2, "chain3.example.test"));
	CHECK(owner_is(3, "web.example.test"));
	CHECK_EQ(rr_at(3).type, DNS_TYPE_A);
	CHECK(ask("loop1.example.test", DNS_TYPE_A));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK_EQ(R.m.hdr.ancount, 2);
	CHECK_EQ(R.m.hdr.nscount, 0);
	CHECK(ask("dangling.example.test", DNS_TYPE_A));
	CHECK_EQ(RCODE(), DNS_RCODE_NXDOMAIN); /* RFC 6604: the last name's rcode */
	CHECK_EQ(R.m.hdr.ancount, 1);
	CHECK_EQ(rr_at(1).type, DNS_TYPE_SOA);
	CHECK(ask("outside.example.test", DNS_TYPE_A));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK(FLAG(DNS_FLAG_AA));
	CHECK_EQ(R.m.hdr.ancount, 1);
	CHECK_EQ(R.m.hdr.nscount, 0);
	/* Into a delegation: the CNAME, then the referral, still AA. */
	CHECK(ask("tosub.example.test", DNS_TYPE_A));
	CHECK(FLAG(DNS_FLAG_AA));
	CHECK_EQ(R.m.hdr.ancount, 1);
	CHECK_EQ(rr_at(1).type, DNS_TYPE_NS);
	/* Asking for the CNAME itself does not follow it. */
	CHECK(ask("www.example.test", DNS_TYPE_CNAME));
	CHECK_EQ(R.m.hdr.ancount, 1);
	CHECK_EQ(rr_at(0).type, DNS_TYPE_CNAME);
}

TEST(any_is_one_rrset)
{
	CHECK(setup());
	struct {
		const char *name;
		uint16_t type;
	} cases[] = {{"example.test", DNS_TYPE_SOA}, {"mixed.example.test", DNS_TYPE_MX},
		     {"mixed2.example.test", DNS_TYPE_AAAA}, {"_sip._tcp.example.test", DNS_TYPE_SRV},
		     {"www.example.test", DNS_TYPE_CNAME}, {"txt.example.test", DNS_TYPE_TXT}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(ask(cases[i].name, DNS_TYPE_ANY));
		CHECK_EQ(R.m.hdr.ancount, 1);
		CHECK_EQ(rr_at(0).type, cases[i].type);
		CHECK_EQ(R.m.hdr.nscount, 0);
	}
}

TEST(additional_for_mx_and_srv_targets)
{
	CHECK(setup());
	CHECK(ask("example.test", DNS_TYPE_MX));
	CHECK_EQ(R.m.hdr.ancount, 2);
	CHECK_EQ(R.m.hdr.nscount, 2);
	/* A first for every target (mail, mail2, ns1), then AAAA (ns1, ns2). */
	CHECK_EQ(R.m.hdr.arcount, 5);
	CHECK(owner_is(4, "mail.example.test"));
	CHECK(owner_is(5, "mail2.example.test"));
	CHECK(owner_is(6, "ns1.example.test"));
	CHECK_EQ(rr_at(7).type, DNS_TYPE_AAAA);
	CHECK(ask("_sip._udp.example.test", DNS_TYPE_SRV));
	CHECK_EQ(R.m.hdr.ancount, 2);
	CHECK(owner_is(4, "sip2.example.test") || owner_is(4, "sip1.example.test"));
	/* No RRset twice: ns1's A is the answer, so not additional. */
	CHECK(ask("ns1.example.test", DNS_TYPE_A));
	CHECK_EQ(R.m.hdr.arcount, 2);
}

TEST(refused_formerr_notimp_badvers)
{
	CHECK(setup());
	CHECK(ask("www.other.test", DNS_TYPE_A));
	CHECK_EQ(RCODE(), DNS_RCODE_REFUSED);
	CHECK(!FLAG(DNS_FLAG_AA));
	CHECK_EQ(R.m.hdr.qdcount, 1);
	CHECK(ask("example.test", DNS_TYPE_IXFR));
	CHECK_EQ(RCODE(), DNS_RCODE_REFUSED);
	CHECK(ask("example.test", DNS_TYPE_AXFR));
	CHECK_EQ(RCODE(), DNS_RCODE_NOTIMP);

	uint8_t q[512], out[512];
	size_t ql = query(q, sizeof q, 2 << 11, "web.example.test", DNS_TYPE_A, -1, 0, false);
	size_t n = dns_server_answer(&srv, view_make(q, ql), false, out, sizeof out);
	CHECK_EQ(n, 12);
	CHECK_EQ(out[3] & 0xf, DNS_RCODE_NOTIMP);
	CHECK_EQ(out[2], 0x80 | 2 << 3); /* QR, opcode kept */

	/* QDCOUNT 0, 2; ANCOUNT 1; a malformed question. */
	ql = query(q, sizeof q, 0, "web.example.test", DNS_TYPE_A, -1, 0, false);
	q[5] = 0;
	n = dns_server_answer(&srv, view_make(q, 12), false, out, sizeof out);
	CHECK_EQ(n, 12);
	CHECK_EQ(out[3] & 0xf, DNS_RCODE_FORMERR);
	q[5] = 2;
	n = dns_server_answer(&srv, view_make(q, ql), false, out, sizeof out);
	CHECK_EQ(out[3] & 0xf, DNS_RCODE_FORMERR);
	q[5] = 1;
	q[7] = 1;
	n = dns_server_answer(&srv, view_make(q, ql), false, out, sizeof out);
	CHECK_EQ(out[3] & 0xf, DNS_RCODE_FORMERR);
	q[7] = 0;
	n = dns_server_answer(&srv, view_make(q, ql - 3), false, out, sizeof out);
	CHECK_EQ(n, 12);
	CHECK_EQ(out[0], 0x42);
	CHECK_EQ(out[3] & 0xf, DNS_RCODE_FORMERR);

	/* EDNS version 1: BADVERS = 16, its high bits in the OPT. */
	ql = query(q, sizeof q, 0, "web.example.test", DNS_TYPE_A, 1232, 1, false);
	n = dns_server_answer(&srv, view_make(q, ql), false, R.buf, sizeof R.buf);
	R.v = view_make(R.buf, n);
	CHECK_EQ(dns_msg_parse(R.v, &R.m), DNS_OK);
	CHECK(R.m.edns.present);
	CHECK_EQ(R.m.edns.ext_rcode << 4 | RCODE(), DNS_RCODE_BADVERS);
	CHECK_EQ(R.m.hdr.ancount, 0);

	/* No response to a response or to a runt. */
	ql = query(q, sizeof q, DNS_FLAG_QR, "web.example.test", DNS_TYPE_A, -1, 0, false);
	CHECK_EQ(dns_server_answer(&srv, view_make(q, ql), false, out, sizeof out), 0);
	CHECK_EQ(dns_server_answer(&srv, view_make(q, 11), false, out, sizeof out), 0);
}

TEST(truncation_by_client_size)
{
	CHECK(setup());
	/* 40 A records: 700+ octets. */
	CHECK(ask_ex("many.example.test", DNS_TYPE_A, -1, false, sizeof R.buf));
	CHECK(FLAG(DNS_FLAG_TC));
	CHECK_EQ(R.m.hdr.ancount, 0);
	CHECK(R.len <= 512);
	CHECK(ask_ex("many.example.test", DNS_TYPE_A, 4096, false, sizeof R.buf));
	CHECK(!FLAG(DNS_FLAG_TC));
	CHECK_EQ(R.m.hdr.ancount, 40);
	CHECK(R.len <= 1232);
	CHECK(R.m.edns.present);
	CHECK_EQ(R.m.edns.udp_size, 1232);
	/* A client size under 512 counts as 512. */
	CHECK(ask_ex("web.example.test", DNS_TYPE_A, 100, false, sizeof R.buf));
	CHECK(!FLAG(DNS_FLAG_TC));
	/* Over TCP, everything. */
	CHECK(ask_ex("many.example.test", DNS_TYPE_A, -1, true, sizeof R.buf));
	CHECK(!FLAG(DNS_FLAG_TC));
	CHECK_EQ(R.m.hdr.ancount, 40);
	/* The server's own cap. */
	srv.udp_max = 512;
	bool ok = ask_ex("many.example.test", DNS_TYPE_A, 4096, false, sizeof R.buf);
	srv.udp_max = DNS_SERVER_UDP_MAX;
	CHECK(ok);
	CHECK(FLAG(DNS_FLAG_TC));
	/* Additional data is dropped silently, not truncated. */
	CHECK(ask_ex("example.test", DNS_TYPE_MX, -1, false, 120));
	CHECK(!FLAG(DNS_FLAG_TC));
	CHECK_EQ(R.m.hdr.ancount, 2);
	CHECK(R.len <= 120);
	/* out_cap is never exceeded, even over TCP. */
	CHECK(ask_ex("many.example.test", DNS_TYPE_A, -1, true, 300));
	CHECK(FLAG(DNS_FLAG_TC));
	CHECK(R.len <= 300);
}

TEST(edns_do_bit_echoed)
{
	CHECK(setup());
	uint8_t q[512];
	size_t ql = query(q, sizeof q, 0, "web.example.test", DNS_TYPE_A, 1232, 0, true);
	R.len = dns_server_answer(&srv, view_make(q, ql), false, R.buf, sizeof R.buf);
	R.v = view_make(R.buf, R.len);
	CHECK_EQ(dns_msg_parse(R.v, &R.m), DNS_OK);
	CHECK(R.m.edns.present);
	CHECK(R.m.edns.dnssec_ok);
	CHECK_EQ(R.m.edns.version, 0);
}

TEST(tcp_framed_round_trip)
{
	CHECK(setup());
	uint8_t q[512], framed[600], out[4096];
	size_t ql = query(q, sizeof q, 0, "many.example.test", DNS_TYPE_A, -1, 0, false);
	size_t fl = dns_tcp_frame(view_make(q, ql), framed, sizeof framed);
	CHECK_EQ(fl, ql + 2);
	struct view msg;
	size_t used;
	CHECK(dns_tcp_unframe(view_make(framed, fl), &msg, &used));
	size_t n = dns_server_answer(&srv, msg, true, out, sizeof out);
	CHECK(n > 512);
	CHECK_EQ(out[2] & 0x02, 0); /* not TC */
}

TEST(stats_count_each_outcome)
{
	CHECK(setup());
	struct dns_server_stats before = stats;
	CHECK(ask("nothere.example.test", DNS_TYPE_A));
	CHECK(ask("web.example.test", DNS_TYPE_A));
	CHECK(ask("x.other.test", DNS_TYPE_A));
	CHECK_EQ(stats.queries - before.queries, 3);
	CHECK_EQ(stats.nxdomain - before.nxdomain, 1);
	CHECK_EQ(stats.noerror - before.noerror, 1);
	CHECK_EQ(stats.refused - before.refused, 1);
}

TEST(two_zones_longest_match)
{
	CHECK(setup());
	const char *child = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.77\nhost A 192.0.2.78\n";
	struct dns_zone *cz;
	char err[128];
	CHECK_EQ(dns_zone_parse("child", view_make(child, strlen(child)), "sub.example.test", &cz, err,
				sizeof err), 0);
	struct dns_server two;
	dns_server_init(&two);
	CHECK_EQ(dns_server_add_zone(&two, zone), 0);
	CHECK_EQ(dns_server_add_zone(&two, cz), 0);
	CHECK_EQ(dns_server_add_zone(&two, cz), -1);
	uint8_t q[512];
	size_t ql = query(q, sizeof q, 0, "host.sub.example.test", DNS_TYPE_A, -1, 0, false);
	R.len = dns_server_answer(&two, view_make(q, ql), false, R.buf, sizeof R.buf);
	R.v = view_make(R.buf, R.len);
	CHECK_EQ(dns_msg_parse(R.v, &R.m), DNS_OK);
	CHECK(FLAG(DNS_FLAG_AA)); /* the child zone answers, no referral */
	CHECK_EQ(R.m.hdr.ancount, 1);
	/* A CNAME in the parent leads into the child. */
	ql = query(q, sizeof q, 0, "tosub.example.test", DNS_TYPE_A, -1, 0, false);
	R.len = dns_server_answer(&two, view_make(q, ql), false, R.buf, sizeof R.buf);
	R.v = view_make(R.buf, R.len);
	CHECK_EQ(dns_msg_parse(R.v, &R.m), DNS_OK);
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK(FLAG(DNS_FLAG_AA));
	CHECK_EQ(R.m.hdr.ancount, 2); /* the CNAME, then the child's A */
	/* DS at the child's apex: the parent answers (its SOA, TTL 300). */
	ql = query(q, sizeof q, 0, "sub.example.test", DNS_TYPE_DS, -1, 0, false);
	R.len = dns_server_answer(&two, view_make(q, ql), false, R.buf, sizeof R.buf);
	R.v = view_make(R.buf, R.len);
	CHECK_EQ(dns_msg_parse(R.v, &R.m), DNS_OK);
	CHECK(FLAG(DNS_FLAG_AA));
	CHECK_EQ(R.m.hdr.ancount, 0);
	CHECK_EQ(rr_at(0).type, DNS_TYPE_SOA);
	CHECK(owner_is(0, "example.test"));
	CHECK_EQ(rr_at(0).ttl, 300);
	dns_zone_free(cz);
}

/* A zone with RRsets large enough to exercise the optional-data rules. */
static struct dns_zone *optional_zone(void)
{
	static char text[16384];
	size_t o = 0;
	o += (size_t)snprintf(text + o, sizeof text - o,
			      "$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"
			      "mx MX 10 fat\nmx MX 20 slim\nslim A 192.0.2.2\nslim AAAA 2001:db8::2\n"
			      "cut NS ns.cut\nns.cut A 10.0.0.1\nsrv SRV 0 0 1 ns.cut\n"
			      "fatcut NS fat.fatcut\n");
	for (int i = 1; i <= 80; i++)
		o += (size_t)snprintf(text + o, sizeof text - o, "fat A 10.1.0.%d\nfat.fatcut A 10.2.0.%d\n", i, i);
	struct dns_zone *z = NULL;
	char err[128];
	if (dns_zone_parse("opt", view_make(text, o), "o.test", &z, err, sizeof err) != 0)
		return NULL;
	return z;
}

static bool ask_on(struct dns_server *s, const char *name, uint16_t type, int edns, bool tcp)
{
	uint8_t q[512];
	size_t ql = query(q, sizeof q, 0, name, type, edns, 0, false);
	R.len = dns_server_answer(s, view_make(q, ql), tcp, R.buf, sizeof R.buf);
	R.v = view_make(R.buf, R.len);
	return R.len && dns_msg_parse(R.v, &R.m) == DNS_OK;
}

/* How many records of type the response holds under name. */
static unsigned count_rr(const char *name, uint16_t type)
{
	unsigned n = 0, total = R.m.hdr.ancount + R.m.hdr.nscount + R.m.hdr.arcount;
	for (unsigned i = 0; i < total; i++) {
		struct dns_rr rr = rr_at(i);
		if (rr.type == type && owner_is(i, name))
			n++;
	}
	return n;
}

TEST(optional_data_within_1232_and_glue_only_in_referrals)
{
	struct dns_zone *z = optional_zone();
	CHECK(z != NULL);
	struct dns_server s;
	dns_server_init(&s);
	s.udp_max = 4096;
	CHECK_EQ(dns_server_add_zone(&s, z), 0);
	/* UDP, client takes 4096: fat's 80 A (1280+ octets) would pass 1232, so
	 * it is skipped, slim and ns1 A still go in; the AAAA group does not. */
	CHECK(ask_on(&s, "mx.o.test", DNS_TYPE_MX, 4096, false));
	CHECK(!FLAG(DNS_FLAG_TC));
	CHECK_EQ(R.m.hdr.ancount, 2);
	CHECK_EQ(count_rr("fat.o.test", DNS_TYPE_A), 0);
	CHECK_EQ(count_rr("slim.o.test", DNS_TYPE_A), 1);
	CHECK_EQ(count_rr("ns1.o.test", DNS_TYPE_A), 1);
	CHECK_EQ(count_rr("slim.o.test", DNS_TYPE_AAAA), 0);
	CHECK(R.len <= DNS_SERVER_OPTIONAL_MAX + 11);
	/* Over TCP everything is there. */
	CHECK(ask_on(&s, "mx.o.test", DNS_TYPE_MX, -1, true));
	CHECK_EQ(count_rr("fat.o.test", DNS_TYPE_A), 80);
	CHECK_EQ(count_rr("slim.o.test", DNS_TYPE_AAAA), 1);
	/* Glue is additional data only in a referral. */
	CHECK(ask_on(&s, "srv.o.test", DNS_TYPE_SRV, 1232, false));
	CHECK_EQ(R.m.hdr.ancount, 1);
	CHECK_EQ(count_rr("ns.cut.o.test", DNS_TYPE_A), 0);
	CHECK(ask_on(&s, "x.cut.o.test", DNS_TYPE_A, 1232, false));
	CHECK(!FLAG(DNS_FLAG_AA));
	CHECK_EQ(count_rr("ns.cut.o.test", DNS_TYPE_A), 1);
	/* A referral whose only glue cannot fit: TC, so the resolver retries
	 * over TCP, where the glue comes. */
	CHECK(ask_on(&s, "y.fatcut.o.test", DNS_TYPE_A, 1232, false));
	CHECK(FLAG(DNS_FLAG_TC));
	CHECK_EQ(R.m.hdr.nscount, 1);
	CHECK(ask_on(&s, "y.fatcut.o.test", DNS_TYPE_A, -1, true));
	CHECK(!FLAG(DNS_FLAG_TC));
	CHECK_EQ(count_rr("fat.fatcut.o.test", DNS_TYPE_A), 80);
	dns_zone_free(z);
}

/* Over TCP a response passes 16 KiB, where compression pointers (14 bits)
 * cannot reach: names there are written whole and must still decode. */
TEST(tcp_response_beyond_compression_reach)
{
	static char text[1 << 18];
	size_t o = (size_t)snprintf(text, sizeof text, "$TTL 60\n@ SOA ns h 1 2 3 4 5\n");
	for (int i = 0; i < 1500; i++)
		o += (size_t)snprintf(text + o, sizeof text - o, "mx MX %d host%d.sub%d\nhost%d.sub%d A 10.0.%d.%d\n",
				      i, i, i % 7, i, i % 7, i / 256, i % 256);
	struct dns_zone *z;
	char err[128];
	CHECK_EQ(dns_zone_parse("big", view_make(text, o), "big.test", &z, err, sizeof err), 0);
	struct dns_server s;
	dns_server_init(&s);
	CHECK_EQ(dns_server_add_zone(&s, z), 0);
	CHECK(ask_on(&s, "mx.big.test", DNS_TYPE_MX, -1, true));
	CHECK(R.len > 0x4000);
	CHECK(!FLAG(DNS_FLAG_TC));
	CHECK_EQ(R.m.hdr.ancount, 1500);
	/* Every exchange decodes to the name the zone holds. */
	size_t pos = R.m.an_off;
	unsigned seen = 0;
	for (unsigned i = 0; i < R.m.hdr.ancount + R.m.hdr.arcount; i++) {
		struct dns_rr rr;
		CHECK_EQ(dns_rr_decode(R.v, &pos, &rr), DNS_OK);
		if (rr.type != DNS_TYPE_MX)
			continue;
		uint16_t pref;
		struct dns_name ex, want;
		char nm[64];
		CHECK_EQ(dns_rdata_mx(R.v, &rr, &pref, &ex), DNS_OK);
		snprintf(nm, sizeof nm, "host%u.sub%u.big.test", pref, pref % 7);
		dns_name_parse(nm, &want);
		CHECK(dns_name_equal(&ex, &want));
		seen++;
	}
	CHECK_EQ(seen, 1500);
	dns_zone_free(z);
}

/* The query q (ql bytes, arcount already counting it) with a TSIG record
 * appended: key "name.", hmac-sha256, a 32-byte MAC, original ID 0x4242. */
static size_t add_tsig(uint8_t *q, size_t ql, uint16_t rclass)
{
	static const uint8_t rdata[] = {
		11, 'h', 'm', 'a', 'c', '-', 's', 'h', 'a', '2', '5', '6', 0,
		0x00, 0x00, 0x6b, 0x17, 0x68, 0xd9, /* time signed */
		0x01, 0x2c, /* fudge 300 */
		0x00, 32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
		0x42, 0x42, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t head[] = {4, 'n', 'a', 'm', 'e', 0, 0, 250};
	memcpy(q + ql, head, sizeof head);
	ql += sizeof head;
	store_be16(q + ql, rclass);
	memset(q + ql + 2, 0, 4);
	store_be16(q + ql + 6, sizeof rdata);
	memcpy(q + ql + 8, rdata, sizeof rdata);
	return ql + 8 + sizeof rdata;
}

TEST(tsig_unknown_key_is_notauth_badkey)
{
	uint8_t q[512];
	CHECK(setup());
	for (int edns = 0; edns < 2; edns++) {
		size_t ql = query(q, sizeof q, DNS_FLAG_RD, "web.example.test", DNS_TYPE_A,
				  edns ? 1232 : -1, 0, false);
		q[11] = (uint8_t)(edns + 1);
		ql = add_tsig(q, ql, DNS_CLASS_ANY);
		uint64_t before = stats.notauth;
		R.len = dns_server_answer(&srv, view_make(q, ql), false, R.buf, sizeof R.buf);
		R.v = view_make(R.buf, R.len);
		CHECK_EQ(dns_msg_parse(R.v, &R.m), DNS_OK);
		CHECK_EQ(RCODE(), DNS_RCODE_NOTAUTH);
		CHECK(FLAG(DNS_FLAG_QR) && FLAG(DNS_FLAG_RD) && !FLAG(DNS_FLAG_AA));
		CHECK_EQ(R.m.hdr.qdcount, 0);
		CHECK_EQ(R.m.hdr.ancount, 0);
		CHECK_EQ(R.m.hdr.arcount, edns + 1);
		CHECK_EQ(R.m.edns.present, edns == 1);
		CHECK(R.m.tsig.present);
		CHECK_EQ(R.m.tsig.error, DNS_TSIG_BADKEY);
		CHECK_EQ(R.m.tsig.orig_id, 0x4242);
		CHECK_EQ(R.m.tsig.fudge, 300);
		CHECK_EQ(R.m.tsig.time_signed[2], 0x6b);
		CHECK_EQ(R.m.tsig.time_signed[5], 0xd9);
		CHECK_EQ(R.m.tsig.key.len, 6);
		CHECK_EQ(R.m.tsig.alg.len, 13);
		/* Unsigned: MAC size 0 (RFC 8945 5.3.2); the record ends it. */
		CHECK_EQ(R.len, R.m.end);
		CHECK_EQ(R.buf[R.len - 8] << 8 | R.buf[R.len - 7], 0);
		CHECK_EQ(stats.notauth, before + 1);
	}
}

TEST(tsig_misplaced_or_malformed_is_formerr)
{
	uint8_t q[512], out[512];
	CHECK(setup());
	/* TSIG then OPT: not last. */
	size_t ql = query(q, sizeof q, 0, "web.example.test", DNS_TYPE_A, -1, 0, false);
	ql = add_tsig(q, ql, DNS_CLASS_ANY);
	struct dns_encoder e;
	dns_enc_init(&e, q + ql, sizeof q - ql);
	dns_enc_opt(&e, 1232, 0, 0, false);
	q[11] = 2;
	size_t n = dns_server_answer(&srv, view_make(q, ql + e.len), false, out, sizeof out);
	CHECK_EQ(n, 12);
	CHECK_EQ(out[3] & 0xf, DNS_RCODE_FORMERR);
	/* Two TSIG records. */
	ql = query(q, sizeof q, 0, "web.example.test", DNS_TYPE_A, -1, 0, false);
	ql = add_tsig(q, add_tsig(q, ql, DNS_CLASS_ANY), DNS_CLASS_ANY);
	q[11] = 2;
	n = dns_server_answer(&srv, view_make(q, ql), false, out, sizeof out);
	CHECK_EQ(n, 12);
	CHECK_EQ(out[3] & 0xf, DNS_RCODE_FORMERR);
	/* Class IN. */
	ql = query(q, sizeof q, 0, "web.example.test", DNS_TYPE_A, -1, 0, false);
	ql = add_tsig(q, ql, DNS_CLASS_IN);
	q[11] = 1;
	n = dns_server_answer(&srv, view_make(q, ql), false, out, sizeof out);
	CHECK_EQ(out[3] & 0xf, DNS_RCODE_FORMERR);
	/* A MAC size past the RDATA. */
	ql = query(q, sizeof q, 0, "web.example.test", DNS_TYPE_A, -1, 0, false);
	size_t at = ql;
	ql = add_tsig(q, ql, DNS_CLASS_ANY);
	q[at + 16 + 13 + 6 + 2 + 1] = 33; /* MAC size's low octet */
	q[11] = 1;
	n = dns_server_answer(&srv, view_make(q, ql), false, out, sizeof out);
	CHECK_EQ(out[3] & 0xf, DNS_RCODE_FORMERR);
	/* In the answer section. */
	ql = query(q, sizeof q, 0, "web.example.test", DNS_TYPE_A, -1, 0, false);
	ql = add_tsig(q, ql, DNS_CLASS_ANY);
	q[7] = 1;
	n = dns_server_answer(&srv, view_make(q, ql), false, out, sizeof out);
	CHECK_EQ(out[3] & 0xf, DNS_RCODE_FORMERR);
}

TEST(edns_option_past_rdata_is_formerr)
{
	uint8_t q[512], out[512];
	CHECK(setup());
	/* OPT RDATA (from its RDLENGTH on): 4 octets holding an option that
	 * claims 8 more; 3 octets (an option header cut short); then a good
	 * option of 2 octets, which is answered. */
	static const uint8_t opts[][8] = {
		{0, 4, 0, 10, 0, 8}, {0, 3, 0, 10, 0}, {0, 6, 0, 10, 0, 2, 1, 2}};
	static const size_t opts_len[] = {6, 5, 8};
	for (unsigned i = 0; i < 3; i++) {
		size_t ql = query(q, sizeof q, 0, "web.example.test", DNS_TYPE_A, 1232, 0, false);
		ql -= 2; /* the OPT's RDLENGTH 0 */
		memcpy(q + ql, opts[i], opts_len[i]);
		ql += opts_len[i];
		size_t n = dns_server_answer(&srv, view_make(q, ql), false, out, sizeof out);
		if (i < 2) {
			CHECK_EQ(n, 12);
			CHECK_EQ(out[3] & 0xf, DNS_RCODE_FORMERR);
		} else {
			CHECK(n > 12);
			CHECK_EQ(out[3] & 0xf, DNS_RCODE_NOERROR);
		}
	}
}
