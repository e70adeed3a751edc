/* ipv4.h: the Internet Protocol, version 4, for a host (RFC 791, RFC 1122 3;
 * fragment reassembly hardened as RFC 5722 asks of IPv6; header checksum RFC 1071).
 *
 * What this layer does:
 *   - input: validates the header (version, header length, total length
 *     against the frame, checksum; options are skipped), drops what is not
 *     for us (kiln does not forward), reassembles fragments within fixed
 *     memory and time bounds, and hands each datagram to the handler
 *     registered for its protocol number (ICMP 1, TCP 6, UDP 17);
 *   - output: ipv4_output() chooses the next hop (on-link or the gateway),
 *     builds the header in the pbuf's headroom, fragments above the link
 *     MTU, and passes each packet to the link below (ARP on Ethernet).
 *
 * The layer below is an ops struct (struct ipv4_link) and the layers above
 * register handlers, so IPv4 depends on neither Ethernet nor on any upper
 * protocol. Errors the upper layers must see (no handler for a protocol) go
 * to a hook that lib/net points at ICMP.
 *
 * Time: nothing runs by itself. ipv4_next_deadline() is the next reassembly
 * timeout and ipv4_tick(now) enforces it; every input and output call takes
 * the current time as an argument.
 *
 * Addresses are uint32_t in host order everywhere in kiln's API (10.0.0.1 is
 * 0x0a000001); only the wire is big-endian.
 */
#ifndef KILN_IPV4_H
#define KILN_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kiln/loop.h>
#include <kiln/pbuf.h>

#define IPV4_HDR_LEN 20      /* without options */
#define IPV4_MAX_HDR_LEN 60  /* IHL 15 */
#define IPV4_MAX_LEN 65535   /* total length field */
#define IPV4_PROTO_ICMP 1
#define IPV4_PROTO_TCP 6
#define IPV4_PROTO_UDP 17
#define IPV4_BROADCAST 0xffffffffu
#define IPV4_ANY 0u

/* RFC 1700's recommended default, as Linux uses. */
#define IPV4_DEFAULT_TTL 64

/* --- Limits, each with its reason ---------------------------------------- */

/* Protocol handlers: ICMP, UDP and TCP, and one spare. */
#define IPV4_MAX_HANDLERS 4
/* Datagrams being reassembled at once. Fragmented traffic is rare (DNS with
 * large answers, UDP above the MTU); 8 concurrent datagrams serve that, and a
 * flood of first fragments only recycles these slots (oldest first). */
#define IPV4_REASS_SLOTS 8
/* Reassembly memory in all: room for two maximal datagrams or many small
 * ones; a fixed bound whatever the input, so a fragment flood cannot grow the
 * heap. Buffers grow in IPV4_REASS_CHUNK steps as fragments arrive. */
#define IPV4_REASS_MAX_BYTES (128u * 1024)
#define IPV4_REASS_CHUNK 2048
/* Fragments per datagram: a 65535-byte datagram over a 1500-byte MTU is 45
 * fragments; more means tiny fragments, used only to waste our memory and
 * time. */
#define IPV4_REASS_MAX_FRAGS 64
/* A datagram not complete this long after its first fragment is dropped and
 * its memory freed (RFC 791 suggests 15 s; Linux uses 30 s). */
#define IPV4_REASS_TIMEOUT_NS (30ull * 1000000000)

/* --- Wire format ----------------------------------------------------------- */

struct ipv4_hdr {
	uint8_t hdr_len;    /* bytes, 20..60 */
	uint8_t tos;
	uint16_t total_len; /* bytes, header included */
	uint16_t id;
	bool df, mf;        /* don't fragment, more fragments */
	uint16_t frag_off;  /* bytes (the field times 8) */
	uint8_t ttl;
	uint8_t proto;
	uint16_t checksum;
	uint32_t src, dst;
};

enum ipv4_decode_result {
	IPV4_DECODE_OK,
	IPV4_DECODE_TRUNCATED,      /* shorter than 20 bytes */
	IPV4_DECODE_BAD_VERSION,    /* version field not 4 */
	IPV4_DECODE_BAD_HDR_LEN,    /* IHL < 5, or header longer than the packet */
	IPV4_DECODE_BAD_TOTAL_LEN,  /* total length < header, or > the bytes received */
	IPV4_DECODE_BAD_CHECKSUM,
};

/* Decode and validate the header of pkt (an Ethernet payload, possibly with
 * padding after the datagram). On success *header is the header's bytes
 * (options included) and *payload the bytes after it up to total_len. */
enum ipv4_decode_result ipv4_decode(struct view pkt, struct ipv4_hdr *h,
				    struct view *header, struct view *payload);

/* Prepend a 20-byte header built from h to pb; total_len and checksum are
 * computed here (h->total_len and h->checksum are ignored). False if the
 * headroom is short or the datagram would exceed 65535 bytes. */
bool ipv4_push(struct pbuf *pb, const struct ipv4_hdr *h);

/* --- Addresses ------------------------------------------------------------- */

/* Parse dotted-quad "a.b.c.d" (each 0..255, no leading '+', no extra
 * characters). False on anything else. */
bool ipv4_parse_addr(const char *s, uint32_t *addr);
/* Write a as "a.b.c.d" into buf (at least 16 bytes); returns buf. */
char *ipv4_format_addr(uint32_t a, char buf[16]);
/* The netmask of a prefix length 0..32. */
uint32_t ipv4_prefix_mask(unsigned prefix_len);

/* --- The layer ------------------------------------------------------------- */

/* What IPv4 sends through. output() takes ownership of pb (a complete IPv4
 * packet) and sends it to the neighbour next_hop (IPV4_BROADCAST for the
 * link's broadcast); it returns false if the packet was dropped. mtu is the
 * largest IPv4 packet the link carries (1500 on Ethernet). */
struct ipv4_link {
	void *ctx;
	bool (*output)(void *ctx, uint32_t next_hop, struct pbuf *pb, kiln_time_t now);
	size_t mtu;
};

/* A received datagram, as handed to a protocol handler. The views are valid
 * during the call only. header is the datagram's IPv4 header (for a
 * reassembled datagram, its first fragment's), which ICMP errors quote. */
struct ipv4_packet {
	uint32_t src, dst;
	uint8_t proto;
	uint8_t ttl;
	bool to_broadcast; /* sent to a broadcast address, not to ours */
	/* The device vouched for the TCP/UDP checksum (ipv4_input_ex): the
	 * protocol need not, and must not, verify it (it may be partial). */
	bool l4_csum_ok;
	struct view header;
	struct view payload;
};

typedef void (*ipv4_handler_fn)(void *ctx, const struct ipv4_packet *pkt, kiln_time_t now);

/* Called for a datagram no handler takes (code 2, protocol unreachable),
 * and, through the second hook, for one whose reassembly timed out after its
 * first fragment arrived (code 1, fragment reassembly time exceeded: RFC 1122
 * 3.3.2 says a host SHOULD then send ICMP time exceeded). In the second case
 * pkt->header is the first fragment's header and pkt->payload its data. */
typedef void (*ipv4_unreachable_fn)(void *ctx, const struct ipv4_packet *pkt, uint8_t code,
				    kiln_time_t now);

/* Results of output. Every path frees (or passes on) the pbuf. */
enum ipv4_error {
	IPV4_OK = 0,
	IPV4_ENOROUTE = -1, /* no address yet, or off-link with no gateway */
	IPV4_ETOOBIG = -2,  /* over 65535 bytes, or over the MTU with DF set */
	IPV4_ENOMEM = -3,   /* a fragment could not be allocated */
	IPV4_EDROPPED = -4, /* the link dropped it (e.g. ARP queue full) */
};

#define IPV4_COUNTERS(X)                                                            \
	X(rx_packets, "packets received")                                           \
	X(rx_delivered, "datagrams delivered to a protocol")                        \
	X(rx_truncated, "dropped: shorter than an IPv4 header")                     \
	X(rx_bad_version, "dropped: version not 4")                                 \
	X(rx_bad_header_len, "dropped: header length below 20 or past the packet")  \
	X(rx_bad_total_len, "dropped: total length disagrees with the frame")       \
	X(rx_bad_checksum, "dropped: header checksum wrong")                        \
	X(rx_ttl_zero, "taken with TTL 0 (a host ignores TTL)")                     \
	X(rx_bad_source, "dropped: source broadcast, multicast, 0/8, 127/8, 240/4") \
	X(rx_not_for_us, "dropped: destination not our address or broadcast")      \
	X(rx_unknown_proto, "dropped: no handler for the protocol")                 \
	X(rx_fragments, "fragments received")                                       \
	X(reass_done, "datagrams reassembled")                                      \
	X(reass_timeout, "dropped: reassembly timed out")                           \
	X(reass_overlap, "dropped: fragments overlap (whole datagram dropped)")      \
	X(reass_duplicate, "ignored: exact duplicate fragment")                     \
	X(reass_bad_fragment, "dropped: fragment past 65535 bytes or misaligned")   \
	X(reass_too_many_frags, "dropped: datagram in too many fragments")          \
	X(reass_evicted, "dropped: incomplete datagram evicted for a newer one")    \
	X(reass_no_memory, "dropped: reassembly memory exhausted")                  \
	X(tx_packets, "packets sent (fragments included)")                          \
	X(tx_fragmented, "datagrams fragmented on send")                            \
	X(tx_no_route, "dropped on send: no route")                                 \
	X(tx_too_big, "dropped on send: too big")                                   \
	X(tx_no_memory, "dropped on send: out of memory or headroom")                           \
	X(tx_link_dropped, "dropped on send: the link below dropped it")

#define IPV4_COUNTER_FIELD(name, what) uint64_t name;
struct ipv4_counters {
	IPV4_COUNTERS(IPV4_COUNTER_FIELD)
};

/* One datagram being reassembled: its key, what has arrived, its buffer. */
struct ipv4_reass {
	bool used;
	bool to_broadcast;
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint8_t nranges;
	uint8_t hdr_len;  /* 0 until the first fragment (offset 0) arrives */
	uint32_t total;   /* payload length, known from the last fragment; 0 until then */
	size_t cap;       /* bytes allocated at buf (charged to reass_bytes) */
	uint8_t *buf;
	kiln_time_t deadline;
	kiln_time_t started;
	uint8_t hdr[IPV4_MAX_HDR_LEN];
	struct { uint32_t start, end; } ranges[IPV4_REASS_MAX_FRAGS]; /* sorted, disjoint */
};

struct ipv4 {
	struct ipv4_link link;
	uint32_t addr;      /* ours; 0 = none yet (DHCP) */
	uint32_t mask;
	uint32_t gateway;   /* 0 = none */
	uint8_t prefix_len;
	uint16_t next_id;   /* seed of the identifications (from kiln_entropy at open) */
	uint32_t id_state;  /* their generator; 0 until the first one */
	struct {
		uint8_t proto;
		ipv4_handler_fn fn;
		void *ctx;
	} handlers[IPV4_MAX_HANDLERS];
	ipv4_unreachable_fn unreachable;
	void *unreachable_ctx;
	ipv4_unreachable_fn time_exceeded;
	void *time_exceeded_ctx;
	struct ipv4_reass reass[IPV4_REASS_SLOTS];
	size_t reass_bytes; /* memory held by reassembly now */
	struct ipv4_counters counters;
};

/* Set up ip with no address over link. */
void ipv4_init(struct ipv4 *ip, const struct ipv4_link *link);

/* Free all reassembly memory. */
void ipv4_destroy(struct ipv4 *ip);

/* Set our address, prefix length (0..32) and gateway (0 for none); addr 0
 * removes the address. False (nothing changed) if prefix_len > 32 or the
 * gateway is not on the link the address and prefix describe. */
bool ipv4_set_address(struct ipv4 *ip, uint32_t addr, unsigned prefix_len, uint32_t gateway);

/* Hand datagrams of protocol proto to fn(ctx, ...). False if the table is
 * full or proto is taken. */
bool ipv4_register(struct ipv4 *ip, uint8_t proto, ipv4_handler_fn fn, void *ctx);

/* Stop delivering protocol proto (its datagrams then count as unknown and
 * get protocol unreachable). Harmless if none is registered. */
void ipv4_unregister(struct ipv4 *ip, uint8_t proto);

/* Where datagrams for unknown protocols are reported (ICMP). */
void ipv4_set_unreachable(struct ipv4 *ip, ipv4_unreachable_fn fn, void *ctx);
/* Where reassembly timeouts are reported (ICMP time exceeded). */
void ipv4_set_time_exceeded(struct ipv4 *ip, ipv4_unreachable_fn fn, void *ctx);

/* One received packet (the Ethernet payload; padding allowed). Validated,
 * reassembled if a fragment, and delivered, or counted and dropped. While we
 * have no address, unicast to any address is accepted, so that a DHCP client
 * can receive its offer. */
void ipv4_input(struct ipv4 *ip, struct view pkt, kiln_time_t now);

/* ipv4_input() of a packet whose TCP/UDP checksum the device vouched for
 * (platform.h KILN_NET_RX_CSUM_OK) when l4_csum_ok: handed on in
 * ipv4_packet.l4_csum_ok unless the packet was a fragment. */
void ipv4_input_ex(struct ipv4 *ip, struct view pkt, bool l4_csum_ok, kiln_time_t now);

/* The next hop for dst: dst itself on-link, the gateway off-link,
 * IPV4_BROADCAST for the limited or our subnet's broadcast address. False if
 * there is none (no address and dst is not 255.255.255.255; off-link without
 * a gateway; multicast, which kiln does not route). */
bool ipv4_route(const struct ipv4 *ip, uint32_t dst, uint32_t *next_hop);

/* Send pb (the transport header and payload; ownership passes here) to dst
 * as protocol proto, from our address, with TTL 64, fragmenting above the
 * MTU. Returns IPV4_OK or an enum ipv4_error (counted). */
int ipv4_output(struct ipv4 *ip, uint8_t proto, uint32_t dst, struct pbuf *pb, kiln_time_t now);

/* ipv4_output with the header fields an upper layer may choose: TTL (0 for
 * the default), TOS and the don't-fragment bit (TCP sets it for path MTU
 * discovery; then a packet over the MTU is IPV4_ETOOBIG). */
struct ipv4_tx {
	uint8_t proto;
	uint8_t ttl;
	uint8_t tos;
	bool df;
	uint32_t dst;
};
int ipv4_output_ex(struct ipv4 *ip, const struct ipv4_tx *tx, struct pbuf *pb, kiln_time_t now);

/* The source address we use for dst (for UDP's and TCP's pseudo-header): our
 * one address, or 0 while we have none. */
static inline uint32_t ipv4_source(const struct ipv4 *ip, uint32_t dst)
{
	(void)dst;
	return ip->addr;
}

/* The largest transport payload that goes out without fragmentation. */
static inline size_t ipv4_mtu_payload(const struct ipv4 *ip)
{
	return ip->link.mtu - IPV4_HDR_LEN;
}

/* Earliest reassembly timeout (KILN_TIME_NEVER if none), and enforce it. */
kiln_time_t ipv4_next_deadline(const struct ipv4 *ip);
void ipv4_tick(struct ipv4 *ip, kiln_time_t now);

#endif
