/* dnsd_test.c: lib/dnsd's pure parts: the TCP stream step (RFC 7766
 * framing, pipelining, the frame bound) and the zone loader over a kv store
 * (include/kiln/dnsd.h). */
#include "harness.h"

#include <kiln/dnsd.h>
#include <kiln/dns_stub.h>

#include <stdlib.h>
#include <string.h>

static const char zone_a[] = "$TTL 300\n@ SOA ns h 1 2 3 4 60\n NS ns\nns A 192.0.2.1\n"
			     "web A 192.0.2.80\n";
static const char zone_b[] = "$TTL 300\n@ SOA ns.a.test. h 1 2 3 4 60\n NS ns.a.test.\n"
			     "x A 192.0.2.9\n";
static const char zone_bad[] = "$TTL 300\n@ SOA ns h 1 2 3 4 60\n NS ns\nweb A 192.0.2.300\n";

#define ENTRY(k, text) {k, sizeof(k) - 1, (const uint8_t *)text, sizeof(text) - 1, 0, {0}, "\"\""}

/* Keys sorted, as kiln-crunch sorts them. */
static const struct kv_baked_entry entries[] = {
	ENTRY("a.test.zone", zone_a),
	ENTRY("b.test.zone", zone_b),
	ENTRY("bad.test.zone.txt", zone_bad),
	ENTRY("readme", "not a zone"),
	ENTRY("z/bad.test.zone", zone_bad),
};
static const struct kv_baked good_store = {entries, 4};
static const struct kv_baked bad_store = {entries, 5};
static const struct kv_baked empty_store = {entries + 3, 1};
static const struct kv_store good = {&kv_baked_ops, &good_store};
static const struct kv_store bad = {&kv_baked_ops, &bad_store};
static const struct kv_store empty = {&kv_baked_ops, &empty_store};

static size_t make_query(const char *name, uint16_t id, uint8_t *out, size_t cap)
{
	struct dns_name n;
	struct dns_stub_query q;
	uint8_t entropy[DNS_STUB_ENTROPY] = {(uint8_t)(id >> 8), (uint8_t)id};
	if (dns_name_parse(name, &n) != DNS_OK)
		return 0;
	return dns_stub_query(&n, DNS_TYPE_A, entropy, false, 0, out, cap, &q);
}

/* A server with zone_a and zone_b from the good store. */
static void load_good(struct dns_server *s)
{
	char *argv[] = {"t", NULL};
	dns_server_init(s);
	CHECK_EQ(dnsd_load_zones(s, &good, 1, argv), 2);
}

static void free_zones(struct dns_server *s)
{
	for (unsigned i = 0; i < s->nzones; i++)
		dns_zone_free((struct dns_zone *)s->zones[i]);
}

TEST(load_every_zone_key_and_skip_others)
{
	struct dns_server s;
	load_good(&s);
	CHECK_EQ(s.nzones, 2u);
	free_zones(&s);
}

TEST(load_named_zone_with_origin)
{
	struct dns_server s;
	char *argv[] = {"t", "--ipv4=1.2.3.4/24", "--zone=b.test.zone:b.test", NULL};
	dns_server_init(&s);
	CHECK_EQ(dnsd_load_zones(&s, &good, 3, argv), 1);
	CHECK_EQ(s.nzones, 1u);
	free_zones(&s);
}

TEST(load_errors)
{
	struct dns_server s;
	char *missing[] = {"t", "--zone=nope.zone", NULL};
	char *no_origin[] = {"t", "--zone=readme", NULL};
	char *argv[] = {"t", NULL};
	dns_server_init(&s);
	CHECK_EQ(dnsd_load_zones(&s, &good, 2, missing), -1);
	CHECK_EQ(dnsd_load_zones(&s, &good, 2, no_origin), -1);
	CHECK_EQ(dnsd_load_zones(&s, &empty, 1, argv), -1);
	CHECK_EQ(s.nzones, 0u);
	/* A bad zone stops the load (a.test and b.test were added first). */
	CHECK_EQ(dnsd_load_zones(&s, &bad, 1, argv), -1);
	free_zones(&s);
}

TEST(stream_pipelined_one_answer_per_buffer)
{
	struct dns_server s;
	uint8_t in[600], *out = malloc(2 * DNSD_TCP_OUT_MAX);
	size_t len = 0, used, olen, third = 0;
	uint64_t queries = 0, answers = 0;
	load_good(&s);
	for (int i = 0; i < 3; i++) {
		third = len;
		size_t n = make_query(i == 1 ? "x.b.test" : "web.a.test", (uint16_t)(0x100 + i),
				      in + len + 2, sizeof(in) - len - 2);
		CHECK(n > 12);
		store_be16(in + len, (uint16_t)n);
		len += 2 + n;
	}
	len -= 3; /* the third query arrives cut short */
	CHECK(dnsd_tcp_answer_stream(&s, in, len, &used, out, DNSD_TCP_OUT_MAX, &olen, &queries,
				     &answers));
	CHECK_EQ(queries, 1u);
	CHECK_EQ(answers, 1u);
	CHECK(olen > 14);
	CHECK_EQ((size_t)(out[0] << 8 | out[1]), olen - 2);
	CHECK_EQ(out[2], 0x01); /* the ID */
	CHECK_EQ(out[3], 0x00);
	size_t first = used;
	CHECK(dnsd_tcp_answer_stream(&s, in + first, len - first, &used, out,
				     2 * DNSD_TCP_OUT_MAX, &olen, &queries, &answers));
	CHECK_EQ(queries, 2u); /* the second; the cut third waits */
	CHECK_EQ(out[3], 0x01);
	CHECK_EQ(out[5] & 0x0f, 0); /* NOERROR */
	CHECK_EQ(first + used, third);
	CHECK(dnsd_tcp_answer_stream(&s, in + first + used, len - first - used, &used, out,
				     DNSD_TCP_OUT_MAX, &olen, &queries, &answers));
	CHECK_EQ(used, 0u);
	CHECK_EQ(olen, 0u);
	free(out);
	free_zones(&s);
}

TEST(stream_small_buffer_answers_nothing)
{
	struct dns_server s;
	uint8_t in[300], out[1024];
	size_t used = 1, olen = 1;
	uint64_t queries = 0, answers = 0;
	load_good(&s);
	size_t n = make_query("web.a.test", 7, in + 2, sizeof(in) - 2);
	store_be16(in, (uint16_t)n);
	CHECK(dnsd_tcp_answer_stream(&s, in, n + 2, &used, out, sizeof(out), &olen, &queries,
				     &answers));
	CHECK_EQ(used, 0u);
	CHECK_EQ(olen, 0u);
	CHECK_EQ(queries, 0u);
	free_zones(&s);
}

TEST(stream_empty_frame_ends_the_connection)
{
	struct dns_server s;
	uint8_t in[300] = {0}, *out = malloc(2 * DNSD_TCP_OUT_MAX);
	size_t used = 1, olen = 1;
	uint64_t queries = 0, answers = 0;
	load_good(&s);
	/* A query, then a frame of length 0, then another query: the first
	 * is answered, and the stream stops at the empty frame (NSD and Knot
	 * close the connection there) without answering the third. */
	size_t n = make_query("web.a.test", 5, in + 2, 140);
	store_be16(in, (uint16_t)n);
	size_t at = 2 + n;
	store_be16(in + at, 0);
	size_t m = make_query("web.a.test", 6, in + at + 4, 140);
	store_be16(in + at + 2, (uint16_t)m);
	CHECK(!dnsd_tcp_answer_stream(&s, in, at + 4 + m, &used, out, 2 * DNSD_TCP_OUT_MAX,
				      &olen, &queries, &answers));
	CHECK_EQ(used, at);
	CHECK_EQ(queries, 1u);
	CHECK_EQ(answers, 1u);
	CHECK(olen > 2);
	CHECK(dnsd_tcp_frame_bad(in + used));
	free(out);
	free_zones(&s);
}

TEST(stream_too_long_frame_and_no_answer)
{
	struct dns_server s;
	uint8_t in[64] = {0}, *out = malloc(DNSD_TCP_OUT_MAX);
	size_t used, olen;
	uint64_t queries = 0, answers = 0;
	load_good(&s);
	store_be16(in, DNSD_TCP_QUERY_MAX + 1);
	CHECK(!dnsd_tcp_answer_stream(&s, in, sizeof(in), &used, out, DNSD_TCP_OUT_MAX, &olen,
				      &queries, &answers));
	CHECK_EQ(used, 0u);
	/* A response (QR set) is consumed without an answer. */
	size_t n = make_query("web.a.test", 9, in + 2, sizeof(in) - 2);
	in[2 + 2] |= 0x80;
	store_be16(in, (uint16_t)n);
	CHECK(dnsd_tcp_answer_stream(&s, in, n + 2, &used, out, DNSD_TCP_OUT_MAX, &olen, &queries,
				     &answers));
	CHECK_EQ(used, n + 2);
	CHECK_EQ(olen, 0u);
	CHECK_EQ(queries, 1u);
	CHECK_EQ(answers, 0u);
	free(out);
	free_zones(&s);
}
