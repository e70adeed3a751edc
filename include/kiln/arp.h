/* arp.h: the Address Resolution Protocol for IPv4 over Ethernet (RFC 826;
 * gratuitous announcements as RFC 5227 2.3).
 *
 * ARP sits between IPv4 and Ethernet: IPv4 hands it a packet and the
 * next-hop address (arp_output); ARP finds that neighbour's Ethernet address
 * in its cache, or queues the packet and asks the link who has it. It also
 * answers other hosts' requests for our address (arp_input) and announces our
 * address when it is set.
 *
 * There is no timer inside: arp_next_deadline() says when the cache next
 * needs attention (a request to retry, an entry to expire) and arp_tick(now)
 * does it. lib/net calls both from its loop source; tests call them with a
 * clock of their own.
 *
 * All state lives in a struct arp the caller owns; it sends through the
 * struct eth it is given. Queued packets are the only allocation it holds,
 * and arp_destroy() frees them.
 */
#ifndef KILN_ARP_H
#define KILN_ARP_H

#include <stdbool.h>
#include <stdint.h>
#include <kiln/eth.h>
#include <kiln/loop.h>

/* --- Limits, each with its reason ---------------------------------------- */

/* Neighbours remembered. An appliance talks to its gateway and a handful of
 * on-link peers; 32 entries of ~80 bytes is small, and beyond it the entry
 * closest to expiry is reused. */
#define ARP_CACHE_SIZE 32
/* Packets held per address while it is being resolved: enough for a TCP
 * handshake or a burst of a few UDP datagrams (RFC 1122 2.3.2.2 asks for at
 * least one), small enough that a dead neighbour costs little memory. */
#define ARP_PENDING_PER_ADDR 4
/* Packets held waiting for resolution in all: bounds the memory a scan of
 * many dead addresses can pin (32 full frames ~ 48 KiB). */
#define ARP_PENDING_TOTAL 32
/* How long a learned address is trusted. Linux keeps an entry reachable for
 * 15-45 s and then re-checks it; we trust it 60 s. An entry still in use in
 * its last ARP_REFRESH_NS is re-checked with a unicast request (RFC 1122
 * 2.3.2.1's unicast poll) while packets keep flowing on the old mapping, so a
 * busy flow (a TCP transfer) never stalls behind a 4-packet pending queue at
 * expiry; an entry nobody uses just expires. */
#define ARP_ENTRY_TTL_NS (60ull * 1000000000)
#define ARP_REFRESH_NS (5ull * 1000000000)
/* Request retry interval and attempts before giving up (RFC 1122 2.3.2.1
 * asks for at most one request per second per address). After the last
 * unanswered try the queued packets are dropped and counted. */
#define ARP_RETRY_NS (1000000000ull)
#define ARP_MAX_TRIES 3

/* --- Wire format (RFC 826, Ethernet and IPv4 only) ------------------------ */

#define ARP_PKT_LEN 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct arp_pkt {
	uint16_t op;
	uint8_t sha[ETH_ADDR_LEN]; /* sender hardware address */
	uint32_t spa;              /* sender protocol address, host order */
	uint8_t tha[ETH_ADDR_LEN];
	uint32_t tpa;
};

enum arp_decode_result {
	ARP_DECODE_OK,
	ARP_DECODE_TRUNCATED,   /* shorter than 28 bytes */
	ARP_DECODE_UNSUPPORTED, /* not Ethernet/IPv4 (htype 1, ptype 0x0800, 6, 4) */
	ARP_DECODE_BAD_OP,      /* neither request nor reply */
};

/* Decode an ARP packet (trailing padding ignored). */
enum arp_decode_result arp_decode(struct view v, struct arp_pkt *p);

/* A new pbuf (headroom for Ethernet) holding p encoded; NULL if no memory. */
struct pbuf *arp_encode(const struct arp_pkt *p);

/* --- The layer ----------------------------------------------------------- */

#define ARP_COUNTERS(X)                                                              \
	X(rx_packets, "ARP packets received")                                        \
	X(rx_truncated, "dropped: shorter than an ARP packet")                       \
	X(rx_unsupported, "dropped: not Ethernet/IPv4 ARP")                          \
	X(rx_bad_op, "dropped: operation neither request nor reply")                 \
	X(rx_bad_sender, "dropped: sender address multicast or broadcast")           \
	X(rx_not_for_us, "ignored: request or reply for another address")            \
	X(rx_conflict, "dropped: another host claims our IPv4 address")              \
	X(tx_requests, "requests sent (retries included)")                           \
	X(tx_refreshes, "unicast requests re-checking an entry near expiry")         \
	X(tx_replies, "replies sent")                                                \
	X(tx_announcements, "gratuitous announcements sent")                         \
	X(learned, "neighbour addresses learned or refreshed")                       \
	X(expired, "cache entries expired")                                          \
	X(evicted, "cache entries reused before expiry (cache full)")                \
	X(drop_queue_full, "dropped on send: pending queue full for the address or in total") \
	X(drop_cache_full, "dropped on send: every cache entry busy resolving")      \
	X(drop_unresolved, "dropped on send: neighbour never answered")              \
	X(gave_up, "resolutions abandoned after the last retry")                     \
	X(drop_no_memory, "requests or replies not sent: out of memory")

#define ARP_COUNTER_FIELD(name, what) uint64_t name;
struct arp_counters {
	ARP_COUNTERS(ARP_COUNTER_FIELD)
};

enum arp_state { ARP_FREE, ARP_PENDING, ARP_RESOLVED };

struct arp_entry {
	uint32_t ip;
	uint8_t mac[ETH_ADDR_LEN];
	uint8_t state; /* enum arp_state */
	uint8_t tries; /* requests sent so far (pending) */
	uint8_t nqueued;
	uint8_t refreshing; /* resolved, near expiry, unicast request sent */
	kiln_time_t deadline; /* resolved: expiry; pending: next retry */
	struct pbuf *queue[ARP_PENDING_PER_ADDR];
};

struct arp {
	struct eth *eth;
	uint32_t ip; /* our address (0 while we have none) */
	struct arp_entry cache[ARP_CACHE_SIZE];
	unsigned pending_total;
	struct arp_counters counters;
};

/* Set up a with no address and an empty cache, sending through eth. */
void arp_init(struct arp *a, struct eth *eth);

/* Free every queued packet and forget every entry. */
void arp_destroy(struct arp *a);

/* Set our IPv4 address (0 for none). A non-zero address is announced with a
 * gratuitous ARP request (RFC 5227 2.3), so neighbours holding an old mapping
 * for it update their caches. */
void arp_set_ipv4(struct arp *a, uint32_t ip, kiln_time_t now);

/* The Ethernet handler for ETH_TYPE_ARP (ctx is the struct arp): answers
 * requests for our address, learns the sender (RFC 826's merge rule: update
 * an existing entry; add one when the packet is for us) and sends whatever
 * was queued for it. Bad packets are counted and dropped. */
void arp_input(void *ctx, const struct eth_hdr *h, struct view payload, kiln_time_t now);

/* Send the IPv4 packet pb (ownership passes here) to the neighbour
 * next_hop. 0xffffffff goes to the Ethernet broadcast address. A resolved
 * neighbour gets it at once; otherwise it is queued (within the limits above)
 * and a request goes out. True if sent or queued, false if dropped (counted). */
bool arp_output(struct arp *a, uint32_t next_hop, struct pbuf *pb, kiln_time_t now);

/* Our cached Ethernet address for ip, if resolved and not expired at now. */
bool arp_lookup(const struct arp *a, uint32_t ip, uint8_t mac[ETH_ADDR_LEN], kiln_time_t now);

/* Earliest time arp_tick() has work (KILN_TIME_NEVER if none). */
kiln_time_t arp_next_deadline(const struct arp *a);

/* Retry or abandon due requests and expire old entries. */
void arp_tick(struct arp *a, kiln_time_t now);

#endif
