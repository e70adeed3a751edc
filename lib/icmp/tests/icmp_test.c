/* icmp_test.c: echo replies against Linux's (captured), port unreachable,
 * the error rate limit, suppression rules, malformed input. */
#include "harness.h"
#include "ipv4_link_record.h"
#include "netstack/captured_frames.h"
#include "netstack/netstack_test.h"

#include <kiln/checksum.h>
#include <kiln/icmp.h>

#define MS 1000000ull
#define IP_A 0x0a090001u
#define IP_B 0x0a090002u

struct fixture {
	struct sent sent;
	struct ipv4 ip;
	struct icmp icmp;
	size_t live;
};

static void setup(struct fixture *f)
{
	struct ipv4_link link = {&f->sent, link_out, 1500};
	memset(f, 0, sizeof(*f));
	f->live = pbuf_live();
	ipv4_init(&f->ip, &link);
	ipv4_set_address(&f->ip, IP_B, 24, 0);
	icmp_init(&f->icmp, &f->ip);
	ipv4_register(&f->ip, IPV4_PROTO_ICMP, icmp_input, &f->icmp);
	ipv4_set_unreachable(&f->ip, icmp_send_unreachable, &f->icmp);
}

static void teardown(struct fixture *f)
{
	sent_clear(&f->sent);
	ipv4_destroy(&f->ip);
}

/* The ICMP message inside a sent IPv4 packet. */
static struct view icmp_of(const struct pbuf *pb)
{
	struct ipv4_hdr h;
	struct view hdr, payload = {0};
	ipv4_decode(pbuf_view(pb), &h, &hdr, &payload);
	return payload;
}

static void fix_checksum(uint8_t *hdr)
{
	hdr[10] = hdr[11] = 0;
	store_be16(hdr + 10, checksum_fold(checksum_add(0, hdr, 20)));
}

TEST(echo_reply_matches_linux)
{
	struct fixture f;
	setup(&f);
	ipv4_input(&f.ip, view_make(cap_icmp_echo_request + 14, 84), 0);
	CHECK_EQ(f.icmp.counters.rx_echo_requests, 1);
	CHECK_EQ(f.sent.n, 1);
	struct view m = icmp_of(f.sent.pb[0]);
	CHECK_EQ(m.len, 64);
	/* Linux's reply to the same request, ICMP part: same bytes exactly. */
	CHECK_MEM(m.data, cap_icmp_echo_reply + 34, 64);
	CHECK_EQ(f.icmp.counters.tx_echo_replies, 1);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(port_unreachable_quotes_header_and_8_bytes)
{
	struct fixture f;
	struct ipv4_packet orig;
	struct ipv4_hdr h;
	setup(&f);
	CHECK_EQ(ipv4_decode(view_make(cap_udp_echo_to_closed_port + 14, 39), &h, &orig.header,
			     &orig.payload), IPV4_DECODE_OK);
	orig.src = h.src, orig.dst = h.dst, orig.proto = h.proto, orig.ttl = h.ttl;
	orig.to_broadcast = false;
	icmp_send_unreachable(&f.icmp, &orig, ICMP_UNREACH_PORT, 0);
	CHECK_EQ(f.sent.n, 1);
	struct view m = icmp_of(f.sent.pb[0]);
	CHECK_EQ(m.len, 8 + 20 + 8);
	CHECK(icmp_checksum_ok(m));
	/* Type, code and the quoted IPv4 header and UDP ports and length as
	 * Linux sent them (Linux quotes more of the payload, as RFC 1812
	 * allows; its quoted UDP checksum is veth's offload placeholder, see
	 * captured_frames.h, so those 2 bytes differ). */
	CHECK_MEM(m.data, cap_icmp_port_unreachable + 34, 2);
	CHECK_MEM(m.data + 8, cap_icmp_port_unreachable + 42, 26);
	CHECK_MEM(m.data + 8 + 26, cap_udp_echo_to_closed_port + 34 + 6, 2);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(errors_are_rate_limited)
{
	struct fixture f;
	struct ipv4_packet orig;
	struct ipv4_hdr h;
	setup(&f);
	ipv4_decode(view_make(cap_udp_echo_to_closed_port + 14, 39), &h, &orig.header,
		    &orig.payload);
	orig.src = h.src, orig.dst = h.dst, orig.proto = h.proto, orig.to_broadcast = false;
	for (int i = 0; i < 50; i++)
		icmp_send_unreachable(&f.icmp, &orig, ICMP_UNREACH_PORT, 1000 * MS);
	CHECK_EQ(f.icmp.counters.tx_unreachable, ICMP_ERR_BURST);
	CHECK_EQ(f.icmp.counters.tx_rate_limited, 50 - ICMP_ERR_BURST);
	teardown(&f);
	/* 55 ms later: 5 tokens. */
	for (int i = 0; i < 10; i++)
		icmp_send_unreachable(&f.icmp, &orig, ICMP_UNREACH_PORT, 1055 * MS);
	CHECK_EQ(f.icmp.counters.tx_unreachable, ICMP_ERR_BURST + 5);
	teardown(&f);
	/* Long after, the bucket is full again but never above its size. */
	for (int i = 0; i < 50; i++)
		icmp_send_unreachable(&f.icmp, &orig, ICMP_UNREACH_PORT, 100000 * MS);
	CHECK_EQ(f.icmp.counters.tx_unreachable, 2 * ICMP_ERR_BURST + 5);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(no_error_about_errors_or_broadcasts)
{
	struct fixture f;
	struct ipv4_packet orig;
	struct ipv4_hdr h;
	setup(&f);
	ipv4_decode(view_make(cap_icmp_port_unreachable + 14, 67), &h, &orig.header, &orig.payload);
	orig.src = h.src, orig.dst = h.dst, orig.proto = h.proto, orig.to_broadcast = false;
	icmp_send_unreachable(&f.icmp, &orig, ICMP_UNREACH_PORT, 0);
	ipv4_decode(view_make(cap_udp_echo_to_closed_port + 14, 39), &h, &orig.header,
		    &orig.payload);
	orig.src = h.src, orig.dst = h.dst, orig.proto = h.proto, orig.to_broadcast = true;
	icmp_send_unreachable(&f.icmp, &orig, ICMP_UNREACH_PORT, 0);
	orig.to_broadcast = false;
	orig.src = 0;
	icmp_send_unreachable(&f.icmp, &orig, ICMP_UNREACH_PORT, 0);
	CHECK_EQ(f.icmp.counters.tx_suppressed, 3);
	CHECK_EQ(f.sent.n, 0);
	teardown(&f);
}

TEST(echo_to_broadcast_is_ignored)
{
	struct fixture f;
	uint8_t b[84];
	setup(&f);
	memcpy(b, cap_icmp_echo_request + 14, 84);
	b[19] = 255;
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 84), 0);
	CHECK_EQ(f.icmp.counters.rx_broadcast_echo, 1);
	CHECK_EQ(f.sent.n, 0);
	teardown(&f);
}

TEST(malformed_messages_are_counted)
{
	struct fixture f;
	uint8_t b[84];
	setup(&f);
	memcpy(b, cap_icmp_echo_request + 14, 84);
	b[40] ^= 0xff; /* a data byte: the ICMP checksum no longer holds */
	ipv4_input(&f.ip, view_make(b, 84), 0);
	CHECK_EQ(f.icmp.counters.rx_bad_checksum, 1);
	/* 4 bytes of ICMP only. */
	memcpy(b, cap_icmp_echo_request + 14, 24);
	b[2] = 0, b[3] = 24;
	fix_checksum(b);
	ipv4_input(&f.ip, view_make(b, 24), 0);
	CHECK_EQ(f.icmp.counters.rx_truncated, 1);
	CHECK_EQ(f.sent.n, 0);
	teardown(&f);
}

struct replies {
	int n;
	uint32_t from;
	uint16_t id, seq;
	size_t len;
	int errors;
	uint8_t code;
};

static void on_reply(void *ctx, uint32_t from, uint16_t id, uint16_t seq, struct view data,
		     kiln_time_t now)
{
	struct replies *r = ctx;
	(void)now;
	r->n++, r->from = from, r->id = id, r->seq = seq, r->len = data.len;
}

static void on_error(void *ctx, uint8_t type, uint8_t code, uint32_t rest, uint32_t from,
		     struct view q, kiln_time_t now)
{
	(void)rest;
	struct replies *r = ctx;
	(void)type, (void)from, (void)q, (void)now;
	r->errors++, r->code = code;
}

TEST(replies_and_errors_reach_their_callbacks)
{
	struct fixture f;
	struct replies r = {0};
	uint8_t b[84];
	setup(&f);
	f.ip.addr = IP_A; /* we are the pinger now */
	icmp_on_echo_reply(&f.icmp, on_reply, &r);
	icmp_on_error(&f.icmp, on_error, &r);
	ipv4_input(&f.ip, view_make(cap_icmp_echo_reply + 14, 84), 0);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.from, IP_B);
	CHECK_EQ(r.id, 0x228b);
	CHECK_EQ(r.seq, 1);
	CHECK_EQ(r.len, 56);
	memcpy(b, cap_icmp_port_unreachable + 14, 67);
	ipv4_input(&f.ip, view_make(b, 67), 0);
	CHECK_EQ(r.errors, 1);
	CHECK_EQ(r.code, ICMP_UNREACH_PORT);
	CHECK_EQ(icmp_send_echo_request(&f.icmp, IP_B, 7, 9, "abc", 3, 0), IPV4_OK);
	CHECK_EQ(f.sent.n, 1);
	struct view m = icmp_of(f.sent.pb[0]);
	struct icmp_hdr h;
	struct view body;
	CHECK(icmp_decode(m, &h, &body));
	CHECK(icmp_checksum_ok(m));
	CHECK_EQ(h.type, ICMP_ECHO_REQUEST);
	CHECK_EQ(h.rest, 7u << 16 | 9);
	CHECK_EQ(body.len, 3);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}
