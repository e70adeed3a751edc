/* seg_test.c: known-answer tests for TCP segment decode/encode and options (RFC 9293 3.1, RFC 7323). */
#include "harness.h"
#include "tcp_seg.h"

#include <kiln/checksum.h>

#define A 0x0a000001u
#define B 0x0a000002u

/* A Linux-style SYN 10.0.0.1:41394 -> 10.0.0.2:80: MSS 1460, SACK_OK, TS, WS 7.
 * Checksum computed independently (Python, RFC 1071). */
static const uint8_t syn[] = {
	0xa1, 0xb2, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
	0xfa, 0xf0, 0x80, 0xd0, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
	0x00, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07};

/* A data segment 10.0.0.2:80 -> 10.0.0.1:41394, ACK|PSH, TS 5/7, "hello". */
static const uint8_t data[] = {
	0x00, 0x50, 0xa1, 0xb2, 0x11, 0x22, 0x33, 0x44, 0x01, 0x02, 0x03, 0x05, 0x80, 0x18,
	0x01, 0x00, 0x33, 0x60, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x05,
	0x00, 0x00, 0x00, 0x07, 0x68, 0x65, 0x6c, 0x6c, 0x6f};

TEST(parse_linux_syn)
{
	struct tcp_seg s;
	CHECK_EQ(tcp_seg_parse(view_make(syn, sizeof(syn)), A, B, &s), TCP_PARSE_OK);
	CHECK_EQ(s.h.sport, 41394);
	CHECK_EQ(s.h.dport, 80);
	CHECK_EQ(s.h.seq, 0x01020304);
	CHECK_EQ(s.h.flags, TCP_SYN);
	CHECK_EQ(s.h.wnd, 0xfaf0);
	CHECK_EQ(s.h.opts.has, TCP_HAS_MSS | TCP_HAS_WS | TCP_HAS_TS | TCP_HAS_SACK_OK);
	CHECK_EQ(s.h.opts.mss, 1460);
	CHECK_EQ(s.h.opts.wscale, 7);
	CHECK_EQ(s.h.opts.tsval, 0x1234);
	CHECK_EQ(s.h.opts.tsecr, 0);
	CHECK_EQ(s.payload.len, 0);
}

TEST(parse_data_segment)
{
	struct tcp_seg s;
	CHECK_EQ(tcp_seg_parse(view_make(data, sizeof(data)), B, A, &s), TCP_PARSE_OK);
	CHECK_EQ(s.h.flags, TCP_ACK | TCP_PSH);
	CHECK_EQ(s.h.ack, 0x01020305);
	CHECK_EQ(s.h.opts.has, TCP_HAS_TS);
	CHECK_EQ(s.h.opts.tsval, 5);
	CHECK_EQ(s.h.opts.tsecr, 7);
	CHECK_EQ(s.payload.len, 5);
	CHECK_MEM(s.payload.data, "hello", 5);
}

TEST(checksum_and_addresses_matter)
{
	struct tcp_seg s;
	uint8_t b[sizeof(data)];
	memcpy(b, data, sizeof(b));
	b[sizeof(b) - 1] ^= 1; /* one payload bit */
	CHECK_EQ(tcp_seg_parse(view_make(b, sizeof(b)), B, A, &s), TCP_PARSE_CHECKSUM);
	/* The pseudo-header: the same bytes from another address fail. */
	CHECK_EQ(tcp_seg_parse(view_make(data, sizeof(data)), B + 1, A, &s), TCP_PARSE_CHECKSUM);
}

/* A segment whose checksum the device vouched for (receive offload: the
 * field may hold only the pseudo-header's sum) is parsed without it; every
 * other check still holds. */
TEST(checksum_left_to_the_device)
{
	struct tcp_seg s;
	uint8_t b[sizeof(data)];
	memcpy(b, data, sizeof(b));
	b[16] ^= 0x5a; /* not the checksum any more */
	CHECK_EQ(tcp_seg_parse_ex(view_make(b, sizeof(b)), B, A, true, &s), TCP_PARSE_CHECKSUM);
	CHECK_EQ(tcp_seg_parse_ex(view_make(b, sizeof(b)), B, A, false, &s), TCP_PARSE_OK);
	CHECK_EQ(s.payload.len, 5);
	b[12] = 0x40; /* data offset 4: malformed whatever the checksum */
	CHECK_EQ(tcp_seg_parse_ex(view_make(b, sizeof(b)), B, A, false, &s), TCP_PARSE_OFFSET);
}

TEST(malformed_headers)
{
	struct tcp_seg s;
	uint8_t b[sizeof(syn)];

	CHECK_EQ(tcp_seg_parse(view_make(syn, 19), A, B, &s), TCP_PARSE_SHORT);
	memcpy(b, syn, sizeof(b));
	b[12] = 0x40; /* data offset 4 */
	CHECK_EQ(tcp_seg_parse(view_make(b, sizeof(b)), A, B, &s), TCP_PARSE_OFFSET);
	b[12] = 0xf0; /* 60 bytes claimed, 40 present */
	CHECK_EQ(tcp_seg_parse(view_make(b, sizeof(b)), A, B, &s), TCP_PARSE_SHORT);
}

TEST(option_lengths_checked)
{
	struct tcp_opts o;
	static const uint8_t zero_len[] = {0x22, 0x00};
	static const uint8_t over[] = {TCP_OPT_MSS, 0x08, 0x05, 0xb4};
	static const uint8_t mss3[] = {TCP_OPT_MSS, 0x03, 0x05, 0x01};
	static const uint8_t ts_short[] = {TCP_OPT_TS, 0x06, 0, 0, 0, 0};
	static const uint8_t lone_kind[] = {TCP_OPT_NOP, TCP_OPT_WS};
	static const uint8_t ws_big[] = {TCP_OPT_WS, 3, 20, TCP_OPT_EOL};
	static const uint8_t unknown[] = {30, 4, 1, 2, TCP_OPT_MSS, 4, 0x02, 0x18};

	CHECK(!tcp_opts_parse(view_make(zero_len, sizeof(zero_len)), &o));
	CHECK(!tcp_opts_parse(view_make(over, sizeof(over)), &o));
	CHECK(!tcp_opts_parse(view_make(mss3, sizeof(mss3)), &o));
	CHECK(!tcp_opts_parse(view_make(ts_short, sizeof(ts_short)), &o));
	CHECK(!tcp_opts_parse(view_make(lone_kind, sizeof(lone_kind)), &o));
	CHECK(tcp_opts_parse(view_make(ws_big, sizeof(ws_big)), &o));
	CHECK_EQ(o.wscale, TCP_WSCALE_MAX); /* RFC 7323 2.3: clamp to 14 */
	CHECK(tcp_opts_parse(view_make(unknown, sizeof(unknown)), &o));
	CHECK_EQ(o.has, TCP_HAS_MSS);
	CHECK_EQ(o.mss, 536);
}

TEST(encode_syn_known_bytes)
{
	static const uint8_t want[] = {
		0x30, 0x39, 0x00, 0x50, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x00,
		0xa0, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x04, 0x05, 0xb4,                         /* MSS 1460 */
		0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x2a, /* NOP NOP TS 42 */
		0x00, 0x00, 0x00, 0x00,
		0x01, 0x03, 0x03, 0x05};                        /* NOP WS 5 */
	struct tcp_hdr h;
	uint8_t out[60];
	struct tcp_seg s;

	memset(&h, 0, sizeof(h));
	h.sport = 12345;
	h.dport = 80;
	h.seq = 0xdeadbeef;
	h.flags = TCP_SYN;
	h.wnd = 0xffff;
	h.opts.has = TCP_HAS_MSS | TCP_HAS_TS | TCP_HAS_WS;
	h.opts.mss = 1460;
	h.opts.tsval = 42;
	h.opts.wscale = 5;
	CHECK_EQ(tcp_hdr_len(&h), 40);
	CHECK_EQ(tcp_hdr_encode(&h, out), 40);
	CHECK_MEM(out, want, sizeof(want));
	/* With its checksum set it decodes to the same fields. */
	tcp_seg_checksum_set(out, 40, A, B);
	CHECK_EQ(checksum_fold(checksum_add(checksum_pseudo_ipv4(A, B, 6, 40), out, 40)), 0);
	CHECK_EQ(tcp_seg_parse(view_make(out, 40), A, B, &s), TCP_PARSE_OK);
	CHECK_EQ(s.h.seq, 0xdeadbeef);
	CHECK_EQ(s.h.opts.mss, 1460);
	CHECK_EQ(s.h.opts.tsval, 42);
	CHECK_EQ(s.h.opts.wscale, 5);
}

TEST(encode_reproduces_data_segment)
{
	/* Re-encode the data KAT from its fields: byte-identical, checksum too. */
	struct tcp_seg s;
	uint8_t out[64];
	unsigned n;
	CHECK_EQ(tcp_seg_parse(view_make(data, sizeof(data)), B, A, &s), TCP_PARSE_OK);
	n = tcp_hdr_encode(&s.h, out);
	CHECK_EQ(n, 32);
	memcpy(out + n, s.payload.data, s.payload.len);
	tcp_seg_checksum_set(out, n + 5, B, A);
	CHECK_EQ(n + 5, sizeof(data));
	CHECK_MEM(out, data, sizeof(data));
}

TEST(sack_blocks_round_trip)
{
	/* ACK with TS and 3 SACK blocks: 20 + 12 + 28 = 60 bytes, the maximum. */
	static const uint8_t want_opts[] = {
		0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
		0x01, 0x01, 0x05, 0x1a,
		0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00,
		0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x40, 0x00,
		0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00};
	struct tcp_hdr h;
	uint8_t out[60];
	struct tcp_seg s;
	static const uint8_t bad5[] = {TCP_OPT_SACK, 6, 0, 0, 0, 1};

	memset(&h, 0, sizeof(h));
	h.flags = TCP_ACK;
	h.opts.has = TCP_HAS_TS | TCP_HAS_SACK;
	h.opts.tsval = 1;
	h.opts.tsecr = 2;
	h.opts.nsack = 3;
	h.opts.sack[0] = (struct tcp_sack_block){0x1000, 0x2000};
	h.opts.sack[1] = (struct tcp_sack_block){0x3000, 0x4000};
	h.opts.sack[2] = (struct tcp_sack_block){0xffffff00, 0x100}; /* wraps */
	CHECK_EQ(tcp_hdr_len(&h), 60);
	CHECK_EQ(tcp_hdr_encode(&h, out), 60);
	CHECK_MEM(out + 20, want_opts, sizeof(want_opts));
	tcp_seg_checksum_set(out, 60, A, B);
	CHECK_EQ(tcp_seg_parse(view_make(out, 60), A, B, &s), TCP_PARSE_OK);
	CHECK_EQ(s.h.opts.nsack, 3);
	CHECK_EQ(s.h.opts.sack[2].start, 0xffffff00);
	CHECK_EQ(s.h.opts.sack[2].end, 0x100);
	{
		struct tcp_opts o;
		CHECK(!tcp_opts_parse(view_make(bad5, sizeof(bad5)), &o)); /* not a multiple of 8 */
	}
}
