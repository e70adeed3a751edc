/* stub_test.c: the stub resolver's pure parts: queries with ID and 0x20
 * case, response checks, CNAME following, negative answers, the cache.
 * Responses come from lib/dns's own server on the sample zone, and from
 * hand-altered copies of them. */
#include <kiln/dns_server.h>
#include <kiln/dns_stub.h>

#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "harness.h"

static struct dns_zone *zone;
static struct dns_server srv;

static bool setup(void) { return fixture_serve("example.test", &zone, &srv, NULL); }

static const uint8_t entropy[DNS_STUB_ENTROPY] = {0xab, 0xcd, 0x5a, 0xa5, 0xff, 0x00, 0x13};

static uint8_t resp[4096];
static size_t resp_len;

static enum dns_stub_status lookup(const char *name, uint16_t type, bool x20,
				   struct dns_stub_query *q, struct dns_stub_result *r)
{
	uint8_t qb[512];
	struct dns_name n;
	dns_name_parse(name, &n);
	size_t ql = dns_stub_query(&n, type, entropy, x20, 1232, qb, sizeof qb, q);
	if (!ql)
		return DNS_STUB_MALFORMED;
	resp_len = dns_server_answer(&srv, view_make(qb, ql), false, resp, sizeof resp);
	return dns_stub_response(q, view_make(resp, resp_len), r);
}

TEST(query_has_id_rd_and_random_case)
{
	uint8_t qb[512];
	struct dns_name n;
	struct dns_stub_query q;
	dns_name_parse("www.example.test", &n);
	size_t ql = dns_stub_query(&n, DNS_TYPE_A, entropy, true, 0, qb, sizeof qb, &q);
	CHECK_EQ(ql, 12 + 18 + 4);
	CHECK_EQ(q.id, 0xabcd);
	CHECK_EQ(qb[0], 0xab);
	CHECK_EQ(qb[2] & 0x01, 0x01); /* RD */
	CHECK(dns_name_equal(&q.name, &n));
	CHECK(memcmp(q.name.wire, n.wire, n.len) != 0); /* some letters changed case */
	CHECK_MEM(qb + 12, q.name.wire, q.name.len);   /* and that is what was sent */
	/* 0x5a = 01011010: bits from the least significant: w W w W W ... */
	CHECK_MEM(q.name.wire, "\x03wWw", 4);
	struct dns_stub_query q2;
	dns_stub_query(&n, DNS_TYPE_A, entropy, false, 1232, qb, sizeof qb, &q2);
	CHECK_MEM(q2.name.wire, n.wire, n.len);
	CHECK_EQ(dns_stub_query(&n, DNS_TYPE_A, entropy, false, 1232, qb, 20, &q2), 0);
}

TEST(addresses_through_cname_chain)
{
	CHECK(setup());
	struct dns_stub_query q;
	struct dns_stub_result r;
	CHECK_EQ(lookup("chain1.example.test", DNS_TYPE_A, true, &q, &r), DNS_STUB_OK);
	CHECK_EQ(r.naddrs, 2);
	CHECK_EQ(r.addrs[0].family, 4);
	CHECK_MEM(r.addrs[0].addr, "\xc0\x00\x02\x50", 4);
	CHECK_EQ(r.addrs[0].ttl, 3600);
	struct dns_name web;
	dns_name_parse("web.example.test", &web);
	CHECK(dns_name_equal(&r.canonical, &web));
	CHECK_EQ(lookup("www.example.test", DNS_TYPE_AAAA, true, &q, &r), DNS_STUB_OK);
	CHECK_EQ(r.naddrs, 1);
	CHECK_EQ(r.addrs[0].family, 6);
	CHECK_EQ(lookup("mail.example.test", DNS_TYPE_A, false, &q, &r), DNS_STUB_OK);
	CHECK_EQ(r.addrs[0].ttl, 300);
}

TEST(negative_answers)
{
	CHECK(setup());
	struct dns_stub_query q;
	struct dns_stub_result r;
	CHECK_EQ(lookup("nothere.example.test", DNS_TYPE_A, true, &q, &r), DNS_STUB_NXDOMAIN);
	CHECK_EQ(r.neg_ttl, 300);
	CHECK_EQ(lookup("mail.example.test", DNS_TYPE_AAAA, true, &q, &r), DNS_STUB_NODATA);
	CHECK_EQ(r.neg_ttl, 300);
	CHECK_EQ(lookup("dangling.example.test", DNS_TYPE_A, true, &q, &r), DNS_STUB_NXDOMAIN);
	CHECK_EQ(lookup("other.test", DNS_TYPE_A, true, &q, &r), DNS_STUB_SERVER_FAILED);
	CHECK_EQ(r.rcode, DNS_RCODE_REFUSED);
	CHECK_EQ(lookup("outside.example.test", DNS_TYPE_A, true, &q, &r), DNS_STUB_NODATA);
}

TEST(mismatches_are_ignored)
{
	CHECK(setup());
	struct dns_stub_query q;
	struct dns_stub_result r;
	CHECK_EQ(lookup("web.example.test", DNS_TYPE_A, true, &q, &r), DNS_STUB_OK);
	uint8_t bad[4096];
	/* Another ID. */
	memcpy(bad, resp, resp_len);
	bad[1] ^= 1;
	CHECK_EQ(dns_stub_response(&q, view_make(bad, resp_len), &r), DNS_STUB_MISMATCH);
	/* The question's case not echoed (0x20). */
	memcpy(bad, resp, resp_len);
	bad[13] ^= 0x20;
	CHECK_EQ(dns_stub_response(&q, view_make(bad, resp_len), &r), DNS_STUB_MISMATCH);
	/* Not a response. */
	memcpy(bad, resp, resp_len);
	bad[2] &= 0x7f;
	CHECK_EQ(dns_stub_response(&q, view_make(bad, resp_len), &r), DNS_STUB_MISMATCH);
	/* Another type asked. */
	struct dns_stub_query q6 = q;
	q6.type = DNS_TYPE_AAAA;
	CHECK_EQ(dns_stub_response(&q6, view_make(resp, resp_len), &r), DNS_STUB_MISMATCH);
	/* Cut short. */
	CHECK_EQ(dns_stub_response(&q, view_make(resp, resp_len - 1), &r), DNS_STUB_MALFORMED);
	CHECK_EQ(dns_stub_response(&q, view_make(resp, 5), &r), DNS_STUB_MISMATCH);
	/* TC set. */
	memcpy(bad, resp, resp_len);
	bad[2] |= 0x02;
	CHECK_EQ(dns_stub_response(&q, view_make(bad, resp_len), &r), DNS_STUB_TRUNCATED);
	/* SERVFAIL. */
	memcpy(bad, resp, resp_len);
	bad[3] = (uint8_t)((bad[3] & 0xf0) | DNS_RCODE_SERVFAIL);
	CHECK_EQ(dns_stub_response(&q, view_make(bad, resp_len), &r), DNS_STUB_SERVER_FAILED);
}

TEST(truncated_udp_answer_asks_for_tcp)
{
	CHECK(setup());
	uint8_t qb[512];
	struct dns_name n;
	struct dns_stub_query q;
	struct dns_stub_result r;
	dns_name_parse("many.example.test", &n);
	size_t ql = dns_stub_query(&n, DNS_TYPE_A, entropy, true, 0, qb, sizeof qb, &q);
	resp_len = dns_server_answer(&srv, view_make(qb, ql), false, resp, sizeof resp);
	CHECK_EQ(dns_stub_response(&q, view_make(resp, resp_len), &r), DNS_STUB_TRUNCATED);
	resp_len = dns_server_answer(&srv, view_make(qb, ql), true, resp, sizeof resp);
	CHECK_EQ(dns_stub_response(&q, view_make(resp, resp_len), &r), DNS_STUB_OK);
	CHECK_EQ(r.naddrs, DNS_STUB_ADDRS_MAX); /* 40 in the zone; the first 8 kept */
}

TEST(cache_respects_ttl_and_evicts_lru)
{
	CHECK(setup());
	static struct dns_cache c;
	struct dns_stub_query q;
	struct dns_stub_result r, got;
	const uint64_t S = 1000000000ull;
	dns_cache_init(&c);
	CHECK_EQ(lookup("mail.example.test", DNS_TYPE_A, true, &q, &r), DNS_STUB_OK);
	dns_cache_put(&c, &q.name, DNS_TYPE_A, &r, 10 * S);
	struct dns_name lower;
	dns_name_parse("MAIL.example.TEST", &lower);
	CHECK(dns_cache_get(&c, &lower, DNS_TYPE_A, 10 * S, &got));
	CHECK_EQ(got.addrs[0].ttl, 300);
	CHECK(dns_cache_get(&c, &lower, DNS_TYPE_A, 110 * S, &got));
	CHECK_EQ(got.addrs[0].ttl, 200);
	CHECK(!dns_cache_get(&c, &lower, DNS_TYPE_AAAA, 110 * S, &got));
	CHECK(!dns_cache_get(&c, &lower, DNS_TYPE_A, 310 * S, &got));
	/* Negative entries live for the SOA's negative TTL. */
	CHECK_EQ(lookup("nothere.example.test", DNS_TYPE_A, true, &q, &r), DNS_STUB_NXDOMAIN);
	dns_cache_put(&c, &q.name, DNS_TYPE_A, &r, 0);
	CHECK(dns_cache_get(&c, &q.name, DNS_TYPE_A, 299 * S, &got));
	CHECK_EQ(got.status, DNS_STUB_NXDOMAIN);
	CHECK(!dns_cache_get(&c, &q.name, DNS_TYPE_A, 300 * S, &got));
	/* Failures are not cached. */
	CHECK_EQ(lookup("other.test", DNS_TYPE_A, true, &q, &r), DNS_STUB_SERVER_FAILED);
	dns_cache_put(&c, &q.name, DNS_TYPE_A, &r, 0);
	CHECK(!dns_cache_get(&c, &q.name, DNS_TYPE_A, 0, &got));
	/* Fill it: the least recently used goes. */
	dns_cache_init(&c);
	CHECK_EQ(lookup("web.example.test", DNS_TYPE_A, false, &q, &r), DNS_STUB_OK);
	for (unsigned i = 0; i < DNS_CACHE_ENTRIES; i++) {
		char name[32];
		struct dns_name n;
		snprintf(name, sizeof name, "h%u.test", i);
		dns_name_parse(name, &n);
		dns_cache_put(&c, &n, DNS_TYPE_A, &r, (uint64_t)i * S);
	}
	struct dns_name h0, h1, newn;
	dns_name_parse("h0.test", &h0);
	dns_name_parse("h1.test", &h1);
	dns_name_parse("new.test", &newn);
	CHECK(dns_cache_get(&c, &h0, DNS_TYPE_A, 100 * S, &got)); /* h0 now recent */
	dns_cache_put(&c, &newn, DNS_TYPE_A, &r, 101 * S);
	CHECK(dns_cache_get(&c, &newn, DNS_TYPE_A, 102 * S, &got));
	CHECK(dns_cache_get(&c, &h0, DNS_TYPE_A, 102 * S, &got));
	CHECK(!dns_cache_get(&c, &h1, DNS_TYPE_A, 102 * S, &got)); /* h1 was evicted */
}
