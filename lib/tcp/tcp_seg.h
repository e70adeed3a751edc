/* tcp_seg.h: TCP segment wire format, decode and encode (RFC 9293 3.1, options RFC 9293 3.2, RFC 7323). */
#ifndef KILN_TCP_SEG_H
#define KILN_TCP_SEG_H

#include <stdbool.h>
#include <stdint.h>
#include <kiln/view.h>

#define TCP_HDR_MIN 20
#define TCP_HDR_MAX 60

/* Flags (byte 13). */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

/* Option kinds. */
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WS 3
#define TCP_OPT_SACK_OK 4
#define TCP_OPT_SACK 5
#define TCP_OPT_TS 8

/* Which options are present. */
#define TCP_HAS_MSS 1
#define TCP_HAS_WS 2
#define TCP_HAS_TS 4
#define TCP_HAS_SACK_OK 8
#define TCP_HAS_SACK 16

/* SACK blocks in one segment: 4 fit in 40 option bytes, 3 beside
 * timestamps (RFC 2018 3). */
#define TCP_SACK_BLOCKS 4

/* RFC 7323 2.3: a shift above 14 is treated as 14. */
#define TCP_WSCALE_MAX 14

struct tcp_sack_block {
	uint32_t start, end; /* [start, end) received out of order */
};

struct tcp_opts {
	uint8_t has;    /* TCP_HAS_* */
	uint8_t wscale;
	uint16_t mss;
	uint32_t tsval, tsecr;
	uint8_t nsack;  /* blocks in sack[] */
	struct tcp_sack_block sack[TCP_SACK_BLOCKS];
};

/* A header as fields, host order. */
struct tcp_hdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd, urp;
	struct tcp_opts opts;
};

struct tcp_seg {
	struct tcp_hdr h;
	struct view payload;
	uint32_t src, dst; /* IP addresses */
};

enum tcp_parse_result {
	TCP_PARSE_OK,
	TCP_PARSE_SHORT,    /* shorter than the header it claims */
	TCP_PARSE_OFFSET,   /* data offset below 5 */
	TCP_PARSE_OPTION,   /* an option with a bad length */
	TCP_PARSE_CHECKSUM, /* checksum does not verify */
};

/* Decode a segment received from src to dst and verify its checksum.
 * Unknown options are skipped; a malformed option list fails. */
enum tcp_parse_result tcp_seg_parse(struct view v, uint32_t src, uint32_t dst,
				    struct tcp_seg *out);
/* The same, verifying the checksum only if verify (the device vouched for
 * it otherwise: tcp_input_ex). */
enum tcp_parse_result tcp_seg_parse_ex(struct view v, uint32_t src, uint32_t dst, bool verify,
				       struct tcp_seg *out);

/* Options only (exposed for the known-answer tests). */
bool tcp_opts_parse(struct view v, struct tcp_opts *out);

/* Header length that h (with its options) encodes to: 20..60, multiple of 4. */
unsigned tcp_hdr_len(const struct tcp_hdr *h);

/* Write the header (with options, checksum 0) into out, which holds at least
 * tcp_hdr_len(h) bytes. Returns the length written. */
unsigned tcp_hdr_encode(const struct tcp_hdr *h, uint8_t *out);

/* Fill in the checksum of the segment at seg (header + payload, len bytes). */
void tcp_seg_checksum_set(uint8_t *seg, uint32_t len, uint32_t src, uint32_t dst);

#endif
