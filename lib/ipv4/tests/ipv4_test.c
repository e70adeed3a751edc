/* ipv4_test.c: IPv4 wire format, validation counters, routing, output and
 * fragmentation, reassembly (in order, reversed, duplicates, overlaps,
 * timeouts, memory bounds), against real captured packets where possible. */
#include "harness.h"
#include "ipv4_link_record.h"
#include "netstack/captured_frames.h"
#include "netstack/netstack_test.h"

#include <kiln/checksum.h>
#include <kiln/ipv4.h>
#include <stdlib.h>

#define SEC 1000000000ull
#define IP_A 0x0a090001u
#define IP_B 0x0a090002u

struct got {
	int n;
	uint32_t src, dst;
	uint8_t proto;
	bool bcast;
	size_t len;
	uint8_t data[70000];
	size_t hdr_len;
	int unreachable;
};

static void handler(void *ctx, const struct ipv4_packet *p, kiln_time_t now)
{
	struct got *g = ctx;
	(void)now;
	g->n++;
	g->src = p->src, g->dst = p->dst, g->proto = p->proto, g->bcast = p->to_broadcast;
	g->len = p->payload.len;
	memcpy(g->data, p->payload.data, p->payload.len);
	g->hdr_len = p->header.len;
}

static void unreach(void *ctx, const struct ipv4_packet *p, uint8_t code, kiln_time_t now)
{
	struct got *g = ctx;
	(void)p, (void)now;
	if (code == 2)
		g->unreachable++;
}

struct fixture {
	struct sent sent;
	struct ipv4 ip;
	struct got *got;
	size_t live;
};

static void setup(struct fixture *f, uint32_t addr)
{
	struct ipv4_link link = {&f->sent, link_out, 1500};
	f->sent.n = 0;
	f->live = pbuf_live();
	f->got = calloc(1, sizeof(*f->got));
	ipv4_init(&f->ip, &link);
	ipv4_set_address(&f->ip, addr, 24, 0x0a0900fe);
	ipv4_register(&f->ip, IPV4_PROTO_ICMP, handler, f->got);
	ipv4_register(&f->ip, IPV4_PROTO_UDP, handler, f->got);
	ipv4_set_unreachable(&f->ip, unreach, f->got);
}

static void teardown(struct fixture *f)
{
	ipv4_destroy(&f->ip);
	sent_clear(&f->sent);
	free(f->got);
}

#define IN(f, frame, now) ipv4_input(&(f)->ip, view_make((frame) + 14, sizeof(frame) - 14), now)

/* Recompute the header checksum of an IPv4 header in buf after an edit. */
static void fix_checksum(uint8_t *hdr)
{
	size_t len = (hdr[0] & 15) * 4;
	hdr[10] = hdr[11] = 0;
	store_be16(hdr + 10, checksum_fold(checksum_add(0, hdr, len)));
}

TEST(decode_captured_echo_request)
{
	struct ipv4_hdr h;
	struct view hdr, payload;
	CHECK_EQ(ipv4_decode(view_make(cap_icmp_echo_request + 14, 84), &h, &hdr, &payload),
		 IPV4_DECODE_OK);
	CHECK_EQ(h.src, IP_A);
	CHECK_EQ(h.dst, IP_B);
	CHECK_EQ(h.proto, IPV4_PROTO_ICMP);
	CHECK_EQ(h.ttl, 64);
	CHECK(h.df);
	CHECK_EQ(h.total_len, 84);
	CHECK_EQ(payload.len, 64);
	CHECK_EQ(hdr.len, 20);
}

TEST(push_reproduces_captured_header)
{
	struct ipv4_hdr h;
	struct view hdr, payload;
	CHECK_EQ(ipv4_decode(view_make(cap_icmp_echo_request + 14, 84), &h, &hdr, &payload),
		 IPV4_DECODE_OK);
	struct pbuf *pb = pbuf_from_view(payload);
	CHECK(ipv4_push(pb, &h));
	CHECK_EQ(pb->len, 84);
	CHECK_MEM(pb->data, cap_icmp_echo_request + 14, 84);
	pbuf_free(pb);
}

TEST(decode_captured_fragments)
{
	struct ipv4_hdr h;
	struct view hdr, payload;
	CHECK_EQ(ipv4_decode(view_make(cap_ipv4_frag_second + 14, 1500), &h, &hdr, &payload),
		 IPV4_DECODE_OK);
	CHECK(h.mf);
	CHECK_EQ(h.frag_off, 1480);
	CHECK_EQ(payload.len, 1480);
	CHECK_EQ(ipv4_decode(view_make(cap_ipv4_frag_last + 14, sizeof(cap_ipv4_frag_last) - 14),
			     &h, &hdr, &payload), IPV4_DECODE_OK);
	CHECK(!h.mf);
	CHECK_EQ(h.frag_off, 2960);
	CHECK_EQ(payload.len, 48);
}

TEST(delivers_valid_packet_and_ignores_padding)
{
	struct fixture f;
	uint8_t padded[200];
	setup(&f, IP_B);
	memcpy(padded, cap_icmp_echo_request + 14, 84);
	memset(padded + 84, 0xee, sizeof(padded) - 84);
	ipv4_input(&f.ip, view_make(padded, sizeof(padded)), 0);
	CHECK_EQ(f.got->n, 1);
	CHECK_EQ(f.got->len, 64);
	CHECK_EQ(f.got->src, IP_A);
	CHECK(!f.got->bcast);
	CHECK_EQ(f.ip.counters.rx_delivered, 1);
	teardown(&f);
}

TEST(malformed_headers_are_counted_by_reason)
{
	struct fixture f;
	uint8_t b[84];
	setup(&f, IP_B);
	for (size_t n = 0; n < 20; n++)
		ipv4_input(&f.ip, view_make(cap_icmp_echo_request + 14, n), 0);
	CHECK_EQ(f.ip.counters.rx_truncated, 20);
	memcpy(b, cap_icmp_echo_request + 14, 84);
	b[0] = 0x65; /* version 6 */
	ipv4_input(&f.ip, view_make(b, 84), 0);
	CHECK_EQ(f.ip.counters.rx_bad_version, 1);
	b[0] = 0x44; /* IHL 4 */
	ipv4_input(&f.ip, view_make(b, 84), 0);
	b[0] = 0x4f; /* IHL 15 = 60 bytes, but the packet is cut at 40 */
	ipv4_input(&f.ip, view_make(b, 40), 0);
	CHECK_EQ(f.ip.counters.rx_bad_header_len, 2);
	/* Total length longer than the bytes received: truncated in flight. */
	ipv4_input(&f.ip, view_make(cap_icmp_echo_request + 14, 83), 0);
	memcpy(b, cap_icmp_echo_request + 14, 84);
	b[2] = 0, b[3] = 19; /* total length below the header */
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 84), 0);
	CHECK_EQ(f.ip.counters.rx_bad_total_len, 2);
	memcpy(b, cap_icmp_echo_request + 14, 84);
	b[10] ^= 1;
	ipv4_input(&f.ip, view_make(b, 84), 0);
	CHECK_EQ(f.ip.counters.rx_bad_checksum, 1);
	memcpy(b, cap_icmp_echo_request + 14, 84);
	b[8] = 0; /* TTL */
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 84), 0);
	CHECK_EQ(f.ip.counters.rx_ttl_zero, 1);
	/* A host does not drop for TTL, 0 included (RFC 1122 3.2.1.7). */
	CHECK_EQ(f.got->n, 1);
	memcpy(b, cap_icmp_echo_request + 14, 84);
	b[12] = 224; /* multicast source */
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 84), 0);
	CHECK_EQ(f.ip.counters.rx_bad_source, 1);
	/* Loopback, "this network" and reserved sources (RFC 1122 3.2.1.3). */
	static const uint8_t martian[][4] = {{127, 0, 0, 1}, {127, 9, 9, 9}, {0, 0, 0, 0},
					     {0, 1, 2, 3}, {240, 0, 0, 1}, {255, 255, 255, 254}};
	for (size_t i = 0; i < sizeof(martian) / sizeof(martian[0]); i++) {
		memcpy(b, cap_icmp_echo_request + 14, 84);
		memcpy(b + 12, martian[i], 4);
		fix_checksum(b);
		ipv4_input(&f.ip, view_make(b, 84), 0);
	}
	CHECK_EQ(f.ip.counters.rx_bad_source, 7);
	CHECK_EQ(f.got->n, 1);
	memcpy(b, cap_icmp_echo_request + 14, 84);
	b[19] = 3; /* to 10.9.0.3 */
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 84), 0);
	CHECK_EQ(f.ip.counters.rx_not_for_us, 1);
	b[19] = 255; /* to the subnet broadcast: accepted, marked */
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 84), 0);
	CHECK_EQ(f.got->n, 2); /* the TTL 0 one was the first */
	CHECK(f.got->bcast);
	teardown(&f);
}

TEST(options_are_skipped)
{
	struct fixture f;
	uint8_t b[88];
	setup(&f, IP_B);
	memcpy(b, cap_icmp_echo_request + 14, 20);
	memset(b + 20, 1, 4); /* four NOP options */
	memcpy(b + 24, cap_icmp_echo_request + 34, 64);
	b[0] = 0x46;
	b[3] = 88;
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 88), 0);
	CHECK_EQ(f.got->n, 1);
	CHECK_EQ(f.got->len, 64);
	CHECK_EQ(f.got->hdr_len, 24);
	CHECK_MEM(f.got->data, cap_icmp_echo_request + 34, 64);
	teardown(&f);
}

TEST(unknown_protocol_reaches_the_unreachable_hook)
{
	struct fixture f;
	uint8_t b[84];
	setup(&f, IP_B);
	memcpy(b, cap_icmp_echo_request + 14, 84);
	b[9] = 132; /* SCTP */
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 84), 0);
	CHECK_EQ(f.ip.counters.rx_unknown_proto, 1);
	CHECK_EQ(f.got->unreachable, 1);
	CHECK_EQ(f.got->n, 0);
	teardown(&f);
}

TEST(unregistered_protocol_becomes_unknown)
{
	struct fixture f;
	setup(&f, IP_B);
	ipv4_input(&f.ip, view_make(cap_icmp_echo_request + 14, 84), 0);
	CHECK_EQ(f.got->n, 1);
	ipv4_unregister(&f.ip, IPV4_PROTO_ICMP);
	ipv4_input(&f.ip, view_make(cap_icmp_echo_request + 14, 84), 0);
	CHECK_EQ(f.got->n, 1);
	CHECK_EQ(f.got->unreachable, 1);
	/* The slot is free again. */
	CHECK(ipv4_register(&f.ip, IPV4_PROTO_ICMP, handler, f.got));
	ipv4_input(&f.ip, view_make(cap_icmp_echo_request + 14, 84), 0);
	CHECK_EQ(f.got->n, 2);
	teardown(&f);
}

TEST(routing_decisions)
{
	struct fixture f;
	uint32_t nh;
	setup(&f, IP_B);
	CHECK(ipv4_route(&f.ip, IP_A, &nh));
	CHECK_EQ(nh, IP_A);
	CHECK(ipv4_route(&f.ip, 0x08080808, &nh));
	CHECK_EQ(nh, 0x0a0900fe);
	CHECK(ipv4_route(&f.ip, 0x0a0900ff, &nh));
	CHECK_EQ(nh, IPV4_BROADCAST);
	CHECK(ipv4_route(&f.ip, IPV4_BROADCAST, &nh));
	CHECK(!ipv4_route(&f.ip, 0xe0000001, &nh));
	CHECK(!ipv4_set_address(&f.ip, IP_B, 24, 0x0a0a0001)); /* gateway off-link */
	CHECK(!ipv4_set_address(&f.ip, IP_B, 33, 0));
	CHECK(ipv4_set_address(&f.ip, IP_B, 24, 0));
	CHECK(!ipv4_route(&f.ip, 0x08080808, &nh));
	CHECK(ipv4_set_address(&f.ip, 0, 0, 0));
	CHECK(!ipv4_route(&f.ip, IP_A, &nh));
	CHECK(ipv4_route(&f.ip, IPV4_BROADCAST, &nh)); /* DHCP discover */
	CHECK_EQ(ipv4_output(&f.ip, IPV4_PROTO_UDP, IP_A, pbuf_alloc(PBUF_HEADROOM, 8), 0),
		 IPV4_ENOROUTE);
	CHECK_EQ(f.ip.counters.tx_no_route, 1);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(address_parse_and_format)
{
	uint32_t a;
	char buf[16];
	CHECK(ipv4_parse_addr("10.9.0.2", &a));
	CHECK_EQ(a, IP_B);
	CHECK(ipv4_parse_addr("255.255.255.255", &a));
	CHECK_EQ(a, IPV4_BROADCAST);
	CHECK(!ipv4_parse_addr("256.1.1.1", &a));
	CHECK(!ipv4_parse_addr("1.2.3", &a));
	CHECK(!ipv4_parse_addr("1.2.3.4.", &a));
	CHECK(!ipv4_parse_addr("1.2.3.4x", &a));
	CHECK(!ipv4_parse_addr("0001.2.3.4", &a));
	CHECK(!ipv4_parse_addr("", &a));
	CHECK(!ipv4_parse_addr("1..3.4", &a));
	CHECK_STR(ipv4_format_addr(0xc0a80a01, buf), "192.168.10.1");
	CHECK_STR(ipv4_format_addr(0, buf), "0.0.0.0");
	CHECK_EQ(ipv4_prefix_mask(24), 0xffffff00);
	CHECK_EQ(ipv4_prefix_mask(0), 0);
	CHECK_EQ(ipv4_prefix_mask(32), 0xffffffff);
}

TEST(output_small_datagram)
{
	struct fixture f;
	struct ipv4_hdr h;
	struct view hdr, payload;
	setup(&f, IP_B);
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, 100);
	memset(pb->data, 7, 100);
	CHECK_EQ(ipv4_output(&f.ip, IPV4_PROTO_UDP, IP_A, pb, 0), IPV4_OK);
	CHECK_EQ(f.sent.n, 1);
	CHECK_EQ(f.sent.next_hop[0], IP_A);
	CHECK_EQ(ipv4_decode(pbuf_view(f.sent.pb[0]), &h, &hdr, &payload), IPV4_DECODE_OK);
	CHECK_EQ(h.src, IP_B);
	CHECK_EQ(h.dst, IP_A);
	CHECK_EQ(h.ttl, IPV4_DEFAULT_TTL);
	CHECK_EQ(h.total_len, 120);
	CHECK(!h.mf && h.frag_off == 0);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}

/* Send an n-byte datagram from a to b through fragmentation and feed the
 * fragments (in the order perm gives, NULL = as sent) to b. */
static void fragment_roundtrip(size_t n, bool reverse, int *nfrags, bool *equal)
{
	struct fixture a, b;
	uint8_t *data = malloc(n);
	setup(&a, IP_A);
	setup(&b, IP_B);
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, n);
	memcpy(pb->data, data, n);
	ipv4_output(&a.ip, IPV4_PROTO_UDP, IP_B, pb, 0);
	*nfrags = a.sent.n;
	for (int i = 0; i < a.sent.n; i++) {
		int k = reverse ? a.sent.n - 1 - i : i;
		ipv4_input(&b.ip, pbuf_view(a.sent.pb[k]), 0);
	}
	*equal = b.got->n == 1 && b.got->len == n && memcmp(b.got->data, data, n) == 0 &&
		 b.ip.reass_bytes == 0;
	free(data);
	teardown(&a);
	teardown(&b);
}

TEST(fragments_8000_bytes_and_reassembles_in_any_order)
{
	size_t live = pbuf_live();
	int nfrags;
	bool equal;
	fragment_roundtrip(8000, false, &nfrags, &equal);
	CHECK_EQ(nfrags, 6); /* 5 x 1480 + 600 */
	CHECK(equal);
	fragment_roundtrip(8000, true, &nfrags, &equal);
	CHECK(equal);
	fragment_roundtrip(65507, false, &nfrags, &equal);
	CHECK_EQ(nfrags, 45);
	CHECK(equal);
	fragment_roundtrip(1480, false, &nfrags, &equal);
	CHECK_EQ(nfrags, 1);
	CHECK(equal);
	fragment_roundtrip(1481, false, &nfrags, &equal);
	CHECK_EQ(nfrags, 2);
	CHECK(equal);
	CHECK_EQ(pbuf_live(), live);
}

TEST(oversize_and_df_are_refused)
{
	struct fixture f;
	setup(&f, IP_A);
	CHECK_EQ(ipv4_output(&f.ip, IPV4_PROTO_UDP, IP_B, pbuf_alloc(PBUF_HEADROOM, 65516), 0),
		 IPV4_ETOOBIG);
	struct ipv4_tx tx = {.proto = IPV4_PROTO_TCP, .dst = IP_B, .df = true};
	CHECK_EQ(ipv4_output_ex(&f.ip, &tx, pbuf_alloc(PBUF_HEADROOM, 1481), 0), IPV4_ETOOBIG);
	CHECK_EQ(ipv4_output_ex(&f.ip, &tx, pbuf_alloc(PBUF_HEADROOM, 1480), 0), IPV4_OK);
	CHECK_EQ(f.ip.counters.tx_too_big, 2);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(reassembles_captured_ping_fragments)
{
	struct fixture f;
	setup(&f, IP_B);
	IN(&f, cap_ipv4_frag_last, 0);
	IN(&f, cap_ipv4_frag_first, 0);
	CHECK_EQ(f.got->n, 0);
	CHECK(f.ip.reass_bytes > 0);
	IN(&f, cap_ipv4_frag_second, 0);
	CHECK_EQ(f.got->n, 1);
	CHECK_EQ(f.got->len, 3008);
	CHECK_EQ(f.got->proto, IPV4_PROTO_ICMP);
	CHECK_EQ(f.got->data[0], 8); /* echo request */
	CHECK_EQ(f.got->hdr_len, 20);
	CHECK_EQ(f.ip.counters.reass_done, 1);
	CHECK_EQ(f.ip.reass_bytes, 0);
	teardown(&f);
}

TEST(duplicate_fragment_is_ignored)
{
	struct fixture f;
	setup(&f, IP_B);
	IN(&f, cap_ipv4_frag_first, 0);
	IN(&f, cap_ipv4_frag_first, 0);
	IN(&f, cap_ipv4_frag_second, 0);
	IN(&f, cap_ipv4_frag_last, 0);
	CHECK_EQ(f.got->n, 1);
	CHECK_EQ(f.ip.counters.reass_duplicate, 1);
	teardown(&f);
}

TEST(overlapping_fragment_drops_the_datagram)
{
	struct fixture f;
	uint8_t b[1500];
	setup(&f, IP_B);
	IN(&f, cap_ipv4_frag_first, 0);
	/* The second fragment moved back 8 bytes: overlaps the first. */
	memcpy(b, cap_ipv4_frag_second + 14, 1500);
	b[7] = (uint8_t)(1472 / 8);
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 1500), 0);
	CHECK_EQ(f.ip.counters.reass_overlap, 1);
	CHECK_EQ(f.ip.reass_bytes, 0);
	/* The rest of the original datagram cannot complete it now. */
	IN(&f, cap_ipv4_frag_second, 0);
	IN(&f, cap_ipv4_frag_last, 0);
	CHECK_EQ(f.got->n, 0);
	teardown(&f);
	CHECK_EQ(f.ip.reass_bytes, 0);
}

TEST(lost_fragment_times_out_and_frees_memory)
{
	struct fixture f;
	setup(&f, IP_B);
	IN(&f, cap_ipv4_frag_first, 5 * SEC);
	IN(&f, cap_ipv4_frag_last, 6 * SEC);
	CHECK(f.ip.reass_bytes > 0);
	CHECK_EQ(ipv4_next_deadline(&f.ip), 5 * SEC + IPV4_REASS_TIMEOUT_NS);
	ipv4_tick(&f.ip, 5 * SEC + IPV4_REASS_TIMEOUT_NS - 1);
	CHECK(f.ip.reass_bytes > 0);
	ipv4_tick(&f.ip, 5 * SEC + IPV4_REASS_TIMEOUT_NS);
	CHECK_EQ(f.ip.counters.reass_timeout, 1);
	CHECK_EQ(f.ip.reass_bytes, 0);
	CHECK_EQ(ipv4_next_deadline(&f.ip), KILN_TIME_NEVER);
	/* The late fragment starts a new datagram that cannot complete. */
	IN(&f, cap_ipv4_frag_second, 40 * SEC);
	CHECK_EQ(f.got->n, 0);
	teardown(&f);
	CHECK_EQ(f.ip.reass_bytes, 0);
}

TEST(reassembly_memory_and_slots_are_bounded)
{
	struct fixture f;
	uint8_t b[1500];
	setup(&f, IP_B);
	memcpy(b, cap_ipv4_frag_first + 14, 1500);
	/* Many datagrams whose last bytes arrive first: each reserves up to
	 * the end offset; the bound must hold whatever arrives. */
	for (int id = 0; id < 200; id++) {
		b[4] = (uint8_t)(id >> 8), b[5] = (uint8_t)id;
		b[6] = 0x20 | 0x1f, b[7] = 0x00; /* MF, offset 0x1f00*8 = 63488 */
		fix_checksum(b);
		ipv4_input(&f.ip, view_make(b, 1500), (kiln_time_t)id);
		CHECK(f.ip.reass_bytes <= IPV4_REASS_MAX_BYTES);
	}
	CHECK(f.ip.counters.reass_evicted > 0);
	int used = 0;
	for (int i = 0; i < IPV4_REASS_SLOTS; i++)
		used += f.ip.reass[i].used;
	CHECK(used <= IPV4_REASS_SLOTS);
	teardown(&f);
	CHECK_EQ(f.ip.reass_bytes, 0);
}

TEST(bad_fragments_are_counted)
{
	struct fixture f;
	uint8_t b[1500];
	setup(&f, IP_B);
	/* Past 65535 bytes: the ping of death. */
	memcpy(b, cap_ipv4_frag_second + 14, 1500);
	b[6] = 0x20 | 0x1f, b[7] = 0xff;
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 1500), 0);
	/* A middle fragment whose length is not a multiple of 8. */
	memcpy(b, cap_ipv4_frag_second + 14, 1500);
	b[2] = (uint8_t)(1499 >> 8), b[3] = (uint8_t)1499;
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 1499), 0);
	CHECK_EQ(f.ip.counters.reass_bad_fragment, 2);
	CHECK_EQ(f.ip.reass_bytes, 0);
	/* Too many tiny fragments. */
	for (int i = 0; i < IPV4_REASS_MAX_FRAGS + 1; i++) {
		memcpy(b, cap_ipv4_frag_second + 14, 28);
		b[2] = 0, b[3] = 28;
		b[6] = (uint8_t)(0x20 | (i * 2) >> 8), b[7] = (uint8_t)(i * 2);
		fix_checksum(b);
		ipv4_input(&f.ip, view_make(b, 28), 0);
	}
	CHECK_EQ(f.ip.counters.reass_too_many_frags, 1);
	CHECK_EQ(f.ip.reass_bytes, 0);
	teardown(&f);
}

static int time_exceeded_calls;
static size_t time_exceeded_quote;

static void on_time_exceeded(void *ctx, const struct ipv4_packet *p, uint8_t code, kiln_time_t now)
{
	(void)ctx, (void)now;
	if (code == 1)
		time_exceeded_calls++;
	time_exceeded_quote = p->header.len + p->payload.len;
}

TEST(timeout_is_reported_only_with_the_first_fragment)
{
	struct fixture f;
	setup(&f, IP_B);
	ipv4_set_time_exceeded(&f.ip, on_time_exceeded, NULL);
	time_exceeded_calls = 0;
	IN(&f, cap_ipv4_frag_second, 0); /* no fragment zero: nothing to quote */
	ipv4_tick(&f.ip, IPV4_REASS_TIMEOUT_NS);
	CHECK_EQ(time_exceeded_calls, 0);
	IN(&f, cap_ipv4_frag_first, 0);
	ipv4_tick(&f.ip, IPV4_REASS_TIMEOUT_NS);
	CHECK_EQ(time_exceeded_calls, 1);
	CHECK_EQ(time_exceeded_quote, 1500);
	CHECK_EQ(f.ip.counters.reass_timeout, 2);
	CHECK_EQ(f.ip.reass_bytes, 0);
	teardown(&f);
}
