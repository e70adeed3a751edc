/* icmp.h: the Internet Control Message Protocol for a host (RFC 792,
 * RFC 1122 3.2.2; error rate limiting as RFC 1812 4.3.2.8 describes).
 *
 * What kiln's ICMP does:
 *   - answers echo requests (ping) addressed to us, with the same data;
 *   - sends destination unreachable (protocol unreachable for IPv4, port
 *     unreachable for UDP) quoting the offending datagram's header and first
 *     8 bytes, never about an ICMP error, a broadcast, or a datagram from a
 *     source that is not one host; these errors are rate-limited by a token
 *     bucket so a scan cannot turn the appliance into an amplifier;
 *   - sends echo requests and reports replies to a callback (a ping client);
 *   - reports received errors (unreachable, time exceeded) to a callback, so a
 *     transport (TCP) can act on them.
 *
 * It registers with IPv4 like any protocol; its state is a struct icmp the
 * caller owns. The token bucket refills lazily from the `now` each call is
 * given, so ICMP needs no timer.
 */
#ifndef KILN_ICMP_H
#define KILN_ICMP_H

#include <stdbool.h>
#include <stdint.h>
#include <kiln/ipv4.h>

#define ICMP_HDR_LEN 8
#define ICMP_ECHO_REPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO_REQUEST 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_UNREACH_PROTOCOL 2
#define ICMP_UNREACH_PORT 3
#define ICMP_UNREACH_NEEDFRAG 4 /* fragmentation needed and DF set (RFC 1191) */

/* Error messages: a burst of 20, then one per 10 ms (100/s). Linux allows
 * 1000/s with a burst of 50 host-wide; an appliance answering a port scan
 * needs far fewer, and each error costs an allocation and a frame. */
#define ICMP_ERR_BURST 20
#define ICMP_ERR_INTERVAL_NS 10000000ull
/* Bytes of the offending datagram quoted after its header (RFC 792). */
#define ICMP_ERR_QUOTE 8

/* --- Wire format ----------------------------------------------------------- */

struct icmp_hdr {
	uint8_t type;
	uint8_t code;
	uint16_t checksum;
	uint32_t rest; /* echo: identifier << 16 | sequence; unused otherwise */
};

/* Decode the 8-byte header of msg and the bytes after it into *body. False
 * if msg is shorter than 8 bytes. The checksum is not checked here. */
bool icmp_decode(struct view msg, struct icmp_hdr *h, struct view *body);

/* True if msg's checksum (over the whole message) is right. */
bool icmp_checksum_ok(struct view msg);

/* Prepend an ICMP header to pb (the body) and fill in the checksum over the
 * whole message. False without headroom. */
bool icmp_push(struct pbuf *pb, uint8_t type, uint8_t code, uint32_t rest);

/* --- The layer ------------------------------------------------------------- */

/* An echo reply arrived: from whom, its identifier, sequence and data. */
typedef void (*icmp_echo_reply_fn)(void *ctx, uint32_t from, uint16_t id, uint16_t seq,
				   struct view data, kiln_time_t now);

/* An error about a datagram we sent arrived: its type and code, the 32 bits
 * after the checksum (rest: for "fragmentation needed", type 3 code 4, the
 * next-hop MTU in its low 16 bits, RFC 1191 4), and the quoted bytes (the
 * original IPv4 header and at least 8 bytes after it). */
typedef void (*icmp_error_fn)(void *ctx, uint8_t type, uint8_t code, uint32_t rest,
			      uint32_t from, struct view quoted, kiln_time_t now);

#define ICMP_COUNTERS(X)                                                            \
	X(rx_messages, "ICMP messages received")                                   \
	X(rx_truncated, "dropped: shorter than an ICMP header")                    \
	X(rx_bad_checksum, "dropped: checksum wrong")                              \
	X(rx_echo_requests, "echo requests received")                              \
	X(rx_echo_replies, "echo replies received")                                \
	X(rx_errors, "errors received (unreachable, time exceeded)")               \
	X(rx_other, "ignored: other message types")                                \
	X(rx_broadcast_echo, "ignored: echo request to a broadcast address")       \
	X(tx_echo_replies, "echo replies sent")                                    \
	X(tx_echo_requests, "echo requests sent")                                  \
	X(tx_unreachable, "destination unreachable sent")                          \
	X(tx_time_exceeded, "time exceeded sent (reassembly timed out)")           \
	X(tx_rate_limited, "errors not sent: rate limit")                          \
	X(tx_suppressed, "errors not sent: about an error, broadcast or fragment")  \
	X(tx_failed, "not sent: no memory or no route")

#define ICMP_COUNTER_FIELD(name, what) uint64_t name;
struct icmp_counters {
	ICMP_COUNTERS(ICMP_COUNTER_FIELD)
};

struct icmp {
	struct ipv4 *ip;
	unsigned tokens;         /* error messages we may send now */
	kiln_time_t refilled_at; /* the bucket is full as of this time */
	icmp_echo_reply_fn on_echo_reply;
	void *echo_ctx;
	icmp_error_fn on_error;
	void *error_ctx;
	struct icmp_counters counters;
};

/* Set up ic over ip with a full bucket. Does not register it: lib/net calls
 * ipv4_register(ip, IPV4_PROTO_ICMP, icmp_input, ic) and
 * ipv4_set_unreachable(ip, icmp_send_unreachable, ic). */
void icmp_init(struct icmp *ic, struct ipv4 *ip);

/* The IPv4 handler for protocol 1 (ctx is the struct icmp). */
void icmp_input(void *ctx, const struct ipv4_packet *pkt, kiln_time_t now);

/* Send destination unreachable with code about the received datagram orig
 * (ctx is the struct icmp; the signature is ipv4_unreachable_fn's). Silently
 * not sent (counted) when RFC 1122 3.2.2 forbids it or the bucket is empty. */
void icmp_send_unreachable(void *ctx, const struct ipv4_packet *orig, uint8_t code,
			   kiln_time_t now);

/* Send time exceeded (type 11) with code about orig, under the same rules
 * and rate limit; ipv4_set_time_exceeded() takes it for reassembly timeouts. */
void icmp_send_time_exceeded(void *ctx, const struct ipv4_packet *orig, uint8_t code,
			     kiln_time_t now);

/* Send an echo request with len bytes of data. Returns an enum ipv4_error. */
int icmp_send_echo_request(struct icmp *ic, uint32_t dst, uint16_t id, uint16_t seq,
			   const void *data, size_t len, kiln_time_t now);

/* Where echo replies and received errors go (NULL: only counted). */
void icmp_on_echo_reply(struct icmp *ic, icmp_echo_reply_fn fn, void *ctx);
void icmp_on_error(struct icmp *ic, icmp_error_fn fn, void *ctx);

#endif
