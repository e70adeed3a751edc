/* wildcard_test.c: wildcard synthesis in the authoritative server (RFC 4592
 * 2.2-4, RFC 1034 4.3.2-4.3.3) on lib/dns/tests/zones/wild.test.zone: the
 * matches and non-matches RFC 4592 2.2.1 lists for its example zone, then
 * empty non-terminals, empty wildcards, cuts, CNAMEs, additional data, ANY
 * and case. */
#include <kiln/dns_server.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "harness.h"

static struct dns_zone *zone;
static struct dns_server srv;

static bool setup(void) { return fixture_serve("wild.test", &zone, &srv, NULL); }

static struct {
	struct dns_msg m;
	uint8_t buf[65536];
	struct view v;
} R;

/* Ask name/type over TCP (no truncation in the way) and decode. */
static bool ask(const char *name, uint16_t type)
{
	uint8_t q[512];
	struct dns_encoder e;
	struct dns_name n;
	struct dns_header h = {0x4343, 0, 1, 0, 0, 0};
	if (dns_name_parse(name, &n) != DNS_OK)
		return false;
	dns_enc_init(&e, q, sizeof q);
	dns_enc_header(&e, &h);
	dns_enc_question(&e, &n, type, DNS_CLASS_IN);
	size_t len = dns_server_answer(&srv, view_make(q, e.len), true, R.buf, sizeof R.buf);
	R.v = view_make(R.buf, len);
	return len && dns_msg_parse(R.v, &R.m) == DNS_OK;
}

/* Record i of the response, counting through answer, authority and
 * additional sections in order. */
static struct dns_rr rr_at(unsigned i)
{
	struct dns_rr rr = {0};
	size_t pos = R.m.an_off;
	for (unsigned k = 0; k <= i; k++)
		if (dns_rr_decode(R.v, &pos, &rr) != DNS_OK)
			memset(&rr, 0, sizeof rr);
	return rr;
}

/* Record i is owned by name (case-insensitively) and has type t. */
static bool rr_is(unsigned i, const char *name, uint16_t t)
{
	struct dns_rr rr = rr_at(i);
	struct dns_name n;
	dns_name_parse(name, &n);
	return rr.type == t && dns_name_equal(&rr.owner, &n);
}

/* Record i's owner is exactly these wire octets (case included); OWNER()
 * takes a string literal, whose NUL is the root label. */
#define OWNER(i, lit) owner_wire(i, lit, sizeof lit)
static bool owner_wire(unsigned i, const char *wire, size_t len)
{
	struct dns_rr rr = rr_at(i);
	return rr.owner.len == len && memcmp(rr.owner.wire, wire, len) == 0;
}

#define RCODE() DNS_RCODE(R.m.hdr.flags)
#define AA() ((R.m.hdr.flags & DNS_FLAG_AA) != 0)
#define COUNTS(an, ns, ar)                                                     \
	(R.m.hdr.ancount == (an) && R.m.hdr.nscount == (ns) && R.m.hdr.arcount == (ar))

/* NODATA: NOERROR, AA, no answer, the SOA alone in the authority section. */
static bool nodata(void)
{
	return RCODE() == DNS_RCODE_NOERROR && AA() && COUNTS(0, 1, 0) &&
	       rr_is(0, "wild.test", DNS_TYPE_SOA);
}
static bool nxdomain(void)
{
	return RCODE() == DNS_RCODE_NXDOMAIN && AA() && COUNTS(0, 1, 0) &&
	       rr_is(0, "wild.test", DNS_TYPE_SOA);
}

TEST(zone_keeps_wildcard_owners)
{
	CHECK(setup());
	struct dns_name n;
	dns_name_parse("*.wild.test", &n);
	const struct dns_node *w = dns_zone_find(zone, &n);
	CHECK(w != NULL);
	CHECK(dns_node_rrset(zone, w, DNS_TYPE_TXT) != NULL);
	CHECK(dns_node_rrset(zone, w, DNS_TYPE_MX) != NULL);
	/* A '*' that is not the leftmost label is an ordinary label. */
	dns_name_parse("lit.*.x.sub.*.wild.test", &n);
	w = dns_zone_find(zone, &n);
	CHECK(w != NULL && dns_node_rrset(zone, w, DNS_TYPE_A) != NULL);
	/* An empty wildcard (only a.*.ew has data) is a node without RRsets. */
	dns_name_parse("*.ew.wild.test", &n);
	w = dns_zone_find(zone, &n);
	CHECK(w != NULL && w->nsets == 0);
}

/* RFC 4592 2.2.1: "The following responses would be synthesized from one
 * of the wildcards in the zone". */
TEST(rfc4592_synthesized)
{
	CHECK(setup());
	/* QNAME=host3.example. QTYPE=MX: the MX of *.example, owned by host3;
	 * its target host1 in the additional section. */
	CHECK(ask("host3.wild.test", DNS_TYPE_MX));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK(AA());
	CHECK(COUNTS(1, 2, 1));
	CHECK(rr_is(0, "host3.wild.test", DNS_TYPE_MX));
	CHECK(rr_is(1, "wild.test", DNS_TYPE_NS));
	CHECK(rr_is(3, "host1.wild.test", DNS_TYPE_A));
	/* QNAME=host3.example. QTYPE=A: synthesized NODATA (the wildcard has
	 * no A). */
	CHECK(ask("host3.wild.test", DNS_TYPE_A));
	CHECK(nodata());
	/* QNAME=foo.bar.example. QTYPE=TXT: two labels below the encloser. */
	CHECK(ask("foo.bar.wild.test", DNS_TYPE_TXT));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK(AA() && R.m.hdr.ancount == 1);
	CHECK(rr_is(0, "foo.bar.wild.test", DNS_TYPE_TXT));
	struct dns_rr rr = rr_at(0);
	CHECK_EQ(rr.rdata.len, 19u);
	CHECK_MEM(rr.rdata.data, "\x12this is a wildcard", 19);
	CHECK_EQ(rr.ttl, 3600u);
}

/* RFC 4592 2.2.1: "The following responses would not be synthesized from
 * any of the wildcards in the zone". */
TEST(rfc4592_not_synthesized)
{
	CHECK(setup());
	/* host1.example. MX: host1 exists (NODATA, not the wildcard's MX). */
	CHECK(ask("host1.wild.test", DNS_TYPE_MX));
	CHECK(nodata());
	/* sub.*.example. MX: exists, a literal match. */
	CHECK(ask("sub.*.wild.test", DNS_TYPE_MX));
	CHECK(nodata());
	/* _telnet._tcp.host1.example. SRV: the closest encloser is
	 * _tcp.host1 (an empty non-terminal), which has no wildcard child. */
	CHECK(ask("_telnet._tcp.host1.wild.test", DNS_TYPE_SRV));
	CHECK(nxdomain());
	/* host.subdel.example. A: below a cut, a referral. */
	CHECK(ask("host.subdel.wild.test", DNS_TYPE_A));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK(!AA());
	CHECK(COUNTS(0, 2, 0));
	CHECK(rr_is(0, "subdel.wild.test", DNS_TYPE_NS));
	/* ghost.*.example. MX: the closest encloser is *.example itself,
	 * whose wildcard child *.*.example does not exist. */
	CHECK(ask("ghost.*.wild.test", DNS_TYPE_MX));
	CHECK(nxdomain());
	/* The empty non-terminal _tcp.host1 exists: NODATA. */
	CHECK(ask("_tcp.host1.wild.test", DNS_TYPE_A));
	CHECK(nodata());
}

TEST(wildcard_queried_literally_matches_itself)
{
	CHECK(setup());
	CHECK(ask("*.wild.test", DNS_TYPE_TXT));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK(AA() && R.m.hdr.ancount == 1);
	CHECK(OWNER(0, "\x01*\x04wild\x04test"));
	CHECK(ask("*.wild.test", DNS_TYPE_A));
	CHECK(nodata());
	/* And a '*' that is not leftmost matches only literally. */
	CHECK(ask("lit.*.x.sub.*.wild.test", DNS_TYPE_A));
	CHECK(AA() && R.m.hdr.ancount == 1);
	CHECK(ask("foo.sub.*.wild.test", DNS_TYPE_A)); /* no *.sub.* */
	CHECK(nxdomain());
	/* But lit.*.x.sub.* makes *.x.sub.* an (empty) wildcard: its leftmost
	 * label is '*'. */
	CHECK(ask("foo.x.sub.*.wild.test", DNS_TYPE_A));
	CHECK(nodata());
}

/* RFC 4592 2.2.2: an empty non-terminal exists, so names at it get NODATA
 * and names below it look for its own wildcard child. */
TEST(empty_non_terminals_block_synthesis)
{
	CHECK(setup());
	CHECK(ask("z.e.wild.test", DNS_TYPE_A)); /* matches *.e */
	CHECK(AA() && COUNTS(1, 2, 0));
	CHECK(rr_is(0, "z.e.wild.test", DNS_TYPE_A));
	CHECK_MEM(rr_at(0).rdata.data, "\xc0\x00\x02\x07", 4);
	CHECK(ask("y.e.wild.test", DNS_TYPE_A)); /* y.e is only x.y.e's parent */
	CHECK(nodata());
	CHECK(ask("q.y.e.wild.test", DNS_TYPE_A)); /* no *.y.e */
	CHECK(nxdomain());
	CHECK(ask("x.y.e.wild.test", DNS_TYPE_A)); /* its own data */
	CHECK(R.m.hdr.ancount == 1);
	CHECK_MEM(rr_at(0).rdata.data, "\xc0\x00\x02\x08", 4);
	/* a.multi is an empty non-terminal (only *.a.multi is below it): it
	 * blocks *.multi, and q.a.multi matches *.a.multi, not *.multi. */
	CHECK(ask("a.multi.wild.test", DNS_TYPE_A));
	CHECK(nodata());
	CHECK(ask("q.a.multi.wild.test", DNS_TYPE_A));
	CHECK(nodata());
	CHECK(ask("b.a.multi.wild.test", DNS_TYPE_TXT));
	CHECK(R.m.hdr.ancount == 1 && rr_is(0, "b.a.multi.wild.test", DNS_TYPE_TXT));
	CHECK(ask("q.multi.wild.test", DNS_TYPE_A));
	CHECK(R.m.hdr.ancount == 2 && rr_is(1, "q.multi.wild.test", DNS_TYPE_A));
}

/* A wildcard that is itself an empty non-terminal matches and holds
 * nothing: NODATA for every type (RFC 4592 4.9). */
TEST(empty_wildcard_gives_nodata)
{
	CHECK(setup());
	CHECK(ask("q.ew.wild.test", DNS_TYPE_TXT));
	CHECK(nodata());
	CHECK(ask("q.ew.wild.test", DNS_TYPE_ANY));
	CHECK(nodata());
	CHECK(ask("b.q.ew.wild.test", DNS_TYPE_A));
	CHECK(nodata());
	CHECK(ask("a.*.ew.wild.test", DNS_TYPE_TXT));
	CHECK(R.m.hdr.ancount == 1);
}

/* RFC 1034 4.3.2 (step 3b before 3c; RFC 4592 3.2): a cut is found on
 * the way down before any missing label, so no wildcard answers below it,
 * whether the wildcard is below the cut or above it. */
TEST(no_synthesis_below_a_cut)
{
	CHECK(setup());
	CHECK(ask("x.deleg.wild.test", DNS_TYPE_A)); /* *.deleg is occluded */
	CHECK(!AA() && COUNTS(0, 1, 1));
	CHECK(rr_is(0, "deleg.wild.test", DNS_TYPE_NS));
	CHECK(rr_is(1, "ns.deleg.wild.test", DNS_TYPE_A));
	CHECK(ask("x.in.cut.wild.test", DNS_TYPE_A)); /* *.cut is above in.cut */
	CHECK(!AA() && R.m.hdr.ancount == 0 && rr_is(0, "in.cut.wild.test", DNS_TYPE_NS));
	CHECK(ask("q.cut.wild.test", DNS_TYPE_A)); /* beside the cut: matches */
	CHECK(AA() && R.m.hdr.ancount == 1 && rr_is(0, "q.cut.wild.test", DNS_TYPE_A));
	/* A referral's server name that only the occluded wildcard matches
	 * gets that wildcard's address as glue (as NSD gives it). */
	CHECK(ask("x.deleg2.wild.test", DNS_TYPE_A));
	CHECK(!AA() && COUNTS(0, 1, 1));
	CHECK(rr_is(1, "ns.deleg2.wild.test", DNS_TYPE_A));
	CHECK_MEM(rr_at(1).rdata.data, "\xc0\x00\x02\x4a", 4);
	/* An MX at a wildcard whose target is below a cut: no glue. */
	CHECK(ask("q.mxg.wild.test", DNS_TYPE_MX));
	CHECK(AA() && COUNTS(1, 2, 0));
}

TEST(wildcard_cname_is_synthesized_and_followed)
{
	CHECK(setup());
	CHECK(ask("a.cn.wild.test", DNS_TYPE_A));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK(AA() && R.m.hdr.ancount == 2);
	CHECK(rr_is(0, "a.cn.wild.test", DNS_TYPE_CNAME));
	CHECK(rr_is(1, "target.web.wild.test", DNS_TYPE_A));
	/* A CNAME is the answer to a CNAME query, not followed. */
	CHECK(ask("a.cn.wild.test", DNS_TYPE_CNAME));
	CHECK(R.m.hdr.ancount == 1 && rr_is(0, "a.cn.wild.test", DNS_TYPE_CNAME));
	/* A wildcard CNAME to a name another wildcard CNAME matches: each link
	 * is owned by the name it answers, x.cn as written in the RDATA. */
	CHECK(ask("x.chain.wild.test", DNS_TYPE_AAAA));
	CHECK(R.m.hdr.ancount == 3);
	CHECK(rr_is(0, "x.chain.wild.test", DNS_TYPE_CNAME));
	CHECK(OWNER(1, "\x01x\x02" "cn\x04wild\x04test"));
	CHECK_EQ(rr_at(1).type, DNS_TYPE_CNAME);
	CHECK(rr_is(2, "target.web.wild.test", DNS_TYPE_AAAA));
	/* A loop through one wildcard stops: x.loop -> again.loop -> again.loop. */
	CHECK(ask("x.loop.wild.test", DNS_TYPE_A));
	CHECK_EQ(RCODE(), DNS_RCODE_NOERROR);
	CHECK(R.m.hdr.ancount == 2);
	CHECK(rr_is(0, "x.loop.wild.test", DNS_TYPE_CNAME));
	CHECK(rr_is(1, "again.loop.wild.test", DNS_TYPE_CNAME));
	/* Asked for again.loop itself, the question's name and the target are
	 * the same name: written twice, as NSD does, then the loop stops. */
	CHECK(ask("again.loop.wild.test", DNS_TYPE_A));
	CHECK(R.m.hdr.ancount == 2);
	/* Both are owned by the question's name, so both keep its case, even
	 * where the RDATA spells it otherwise (*.loop2 CNAME Again.loop2). */
	CHECK(ask("again.loop2.wild.test", DNS_TYPE_A));
	CHECK(R.m.hdr.ancount == 2);
	CHECK(OWNER(0, "\x05" "again\x05loop2\x04wild\x04test"));
	CHECK(OWNER(1, "\x05" "again\x05loop2\x04wild\x04test"));
	CHECK(ask("x.loop2.wild.test", DNS_TYPE_A));
	CHECK(R.m.hdr.ancount == 2);
	CHECK(OWNER(1, "\x05" "Again\x05loop2\x04wild\x04test"));
	/* Out of the zone: the CNAME alone. */
	CHECK(ask("a.out.wild.test", DNS_TYPE_A));
	CHECK(AA() && COUNTS(1, 0, 0) && rr_is(0, "a.out.wild.test", DNS_TYPE_CNAME));
}

/* Additional-section processing finds targets through wildcards too: the
 * synthesized A/AAAA is owned by the target name. */
TEST(additional_data_from_wildcards)
{
	CHECK(setup());
	CHECK(ask("q.mxa.wild.test", DNS_TYPE_MX));
	CHECK(AA() && COUNTS(2, 2, 3));
	CHECK(rr_is(4, "anything.hosts.wild.test", DNS_TYPE_A));
	CHECK(rr_is(5, "host1.wild.test", DNS_TYPE_A));
	CHECK(rr_is(6, "anything.hosts.wild.test", DNS_TYPE_AAAA));
	CHECK_MEM(rr_at(4).rdata.data, "\xc0\x00\x02\x63", 4);
}

TEST(any_and_other_types_at_a_wildcard)
{
	CHECK(setup());
	CHECK(ask("q.multi.wild.test", DNS_TYPE_ANY)); /* one RRset: the A */
	CHECK(AA() && R.m.hdr.ancount == 2 && rr_is(0, "q.multi.wild.test", DNS_TYPE_A));
	CHECK(ask("q.multi.wild.test", DNS_TYPE_SRV)); /* SRV, its target's A */
	CHECK(AA() && COUNTS(1, 2, 1) && rr_is(3, "host1.wild.test", DNS_TYPE_A));
	CHECK(ask("q.multi.wild.test", 65280));
	CHECK(R.m.hdr.ancount == 1 && rr_at(0).rdata.len == 2);
	CHECK(ask("q.multi.wild.test", DNS_TYPE_CAA));
	CHECK(nodata());
}

/* The synthesized owner is the question's name byte for byte. */
TEST(case_of_the_question_kept)
{
	CHECK(setup());
	CHECK(ask("QQ.MiXeD.wild.test", DNS_TYPE_A));
	CHECK(AA() && R.m.hdr.ancount == 1);
	CHECK(OWNER(0, "\x02QQ\x05MiXeD\x04wild\x04test"));
	CHECK(ask("HoSt3.WILD.test", DNS_TYPE_MX));
	CHECK(OWNER(0, "\x05HoSt3\x04WILD\x04test"));
	CHECK(ask("Zz.Cn.wild.test", DNS_TYPE_A));
	CHECK(OWNER(0, "\x02Zz\x02" "Cn\x04wild\x04test"));
}

/* NS at a wildcard (RFC 4592 4.2 leaves it ill-defined and advises against
 * it): "*.wns" asked for itself is a cut (a referral); a name it
 * synthesizes for gets its RRsets as authoritative data, NS included, as
 * NSD answers (the differential compares both). */
TEST(ns_at_a_wildcard)
{
	CHECK(setup());
	CHECK(ask("*.wns.wild.test", DNS_TYPE_A));
	CHECK(!AA() && R.m.hdr.ancount == 0 && rr_is(0, "*.wns.wild.test", DNS_TYPE_NS));
	CHECK(ask("x.*.wns.wild.test", DNS_TYPE_A)); /* below the cut */
	CHECK(!AA() && R.m.hdr.ancount == 0 && rr_is(0, "*.wns.wild.test", DNS_TYPE_NS));
	CHECK(ask("q.wns.wild.test", DNS_TYPE_NS));
	CHECK(AA() && R.m.hdr.ancount == 1 && rr_is(0, "q.wns.wild.test", DNS_TYPE_NS));
	CHECK(ask("q.wns.wild.test", DNS_TYPE_TXT));
	CHECK(AA() && R.m.hdr.ancount == 1 && rr_is(0, "q.wns.wild.test", DNS_TYPE_TXT));
	CHECK(ask("q.wns.wild.test", DNS_TYPE_A));
	CHECK(nodata());
}
