/* net.h: kiln's network stack assembled: one network device with Ethernet,
 * ARP, IPv4, ICMP and UDP on it, driven by the event loop.
 *
 * Each protocol is its own library with its own header (eth.h, arp.h,
 * ipv4.h, icmp.h, udp.h); this one connects them, the way MirageOS's
 * configure step applies its functors:
 *
 *     device --frames--> eth --0x0806--> arp
 *                            --0x0800--> ipv4 --1--> icmp
 *                                             --17-> udp --sockets--> application
 *                                             --6--> (TCP registers itself)
 *     ipv4 output --> arp (resolve next hop) --> eth --> device
 *     udp "no such port", ipv4 "no such protocol" --> icmp unreachable
 *
 * A struct net is owned by the caller (static or on the heap: no allocation
 * for the stack itself) and its layers are public members, so an
 * application uses them directly:
 *
 *     static struct net net;
 *     int kiln_main(int argc, char **argv) {
 *         struct net_config cfg;
 *         char err[128];
 *         if (net_config_from_args(argc, argv, &cfg, err, sizeof(err)) < 0) {
 *             printf("%s\n", err);
 *             return 2;
 *         }
 *         if (net_open(&net, "net0") < 0 || net_configure(&net, &cfg) < 0)
 *             return 1;
 *         struct udp_socket *s = udp_open(&net.udp, 7);
 *         ... udp_recv / udp_send ...
 *     }
 *
 * Two ways to drive it:
 *   - net_open(): a platform device (kiln_net_*); the stack registers one
 *     loop source (loop.h) that reads frames when the device is ready and
 *     runs ARP's and IPv4's timers at their deadlines. Blocking calls such as
 *     udp_recv() turn the loop, so nothing else is needed.
 *   - net_init() with any struct eth_dev, then net_input(), net_tick() and
 *     net_next_deadline() by hand: how tests run two stacks over the
 *     in-memory link below, with a clock they control.
 */
#ifndef KILN_NET_H
#define KILN_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kiln/arp.h>
#include <kiln/eth.h>
#include <kiln/icmp.h>
#include <kiln/ipv4.h>
#include <kiln/loop.h>
#include <kiln/udp.h>

/* Frames read from the device per loop turn before other sources get their
 * turn: bounds the latency one busy device adds to timers (64 frames is
 * ~64 us of work at kiln's per-frame cost). */
#define NET_RX_BATCH 64

#define NET_COUNTERS(X)                                                             \
	X(rx_read_errors, "device reads that failed (frame too large or host error)") \
	X(tx_write_errors, "frames the device refused (oversize or host error)")

#define NET_COUNTER_FIELD(name, what) uint64_t name;
struct net_counters {
	NET_COUNTERS(NET_COUNTER_FIELD)
};

struct net {
	const char *name; /* the device's name, for messages */
	struct eth eth;
	struct arp arp;
	struct ipv4 ip;
	struct icmp icmp;
	struct udp udp;
	struct net_counters counters;
	/* KILN_NET_OFFLOAD_* the device below takes (platform.h): set by
	 * net_open() from the device, 0 after net_init() (a test link may set
	 * it). TCP reads it when it is attached (nettcp.h). */
	unsigned offloads;
	/* Platform binding (net_open); unused by net_init(). */
	kiln_handle_t handle;
	bool opened;
	uint8_t *rxbuf;
	size_t rxbuf_len;
	struct loop_source src;
};

/* Assemble the stack on dev (whose send() takes each frame), with our
 * Ethernet address mac and the device's MTU (IPv4 packet size, 1500 on
 * Ethernet). No IPv4 address yet: set one with net_set_ipv4() (or DHCP).
 * name is kept for messages (not copied). */
void net_init(struct net *n, const char *name, const struct eth_dev *dev,
	      const uint8_t mac[ETH_ADDR_LEN], size_t mtu);

/* Free everything the stack holds: open UDP sockets and their queues, ARP's
 * queued packets, reassembly buffers. n may be initialised again after. */
void net_destroy(struct net *n);

/* Set our address, prefix length and gateway (0: none), and announce the
 * address with a gratuitous ARP. addr 0 removes the address. False (nothing
 * changed) if the prefix is over 32 or the gateway is off the subnet. DHCP
 * calls this on each lease. */
bool net_set_ipv4(struct net *n, uint32_t addr, unsigned prefix_len, uint32_t gateway);

/* One frame received from the device (valid during the call only). */
void net_input(struct net *n, struct view frame, kiln_time_t now);
/* net_input() of a frame of which the device said rx_flags (KILN_NET_RX_*). */
void net_input_ex(struct net *n, struct view frame, unsigned rx_flags, kiln_time_t now);

/* The earliest time net_tick() has work (ARP retries and expiry, IPv4
 * reassembly timeouts), or KILN_TIME_NEVER; and do that work. */
kiln_time_t net_next_deadline(const struct net *n);
void net_tick(struct net *n, kiln_time_t now);

/* Call fn once per counter of every layer, in layer order (net, eth, arp,
 * ipv4, icmp, udp): layer and name identify it ("ipv4", "rx_bad_checksum"),
 * what says what it counts. */
typedef void (*net_counter_fn)(void *ctx, const char *layer, const char *name,
			       uint64_t value, const char *what);
void net_counters_foreach(const struct net *n, net_counter_fn fn, void *ctx);

/* Print every non-zero counter, one line each, to the console:
 *     net0: ipv4.rx_bad_checksum = 3 (dropped: header checksum wrong)
 * For the appliance to call on exit or on request. */
void net_print_counters(const struct net *n);

/* The device request for a frame whose pbuf asks for offloads (pbuf.h):
 * the offsets of its checksum and its headers, counted from the frame's
 * first byte. False if the pbuf's offload fields do not fit the frame. */
bool net_offload_request(const struct pbuf *frame, struct kiln_net_offload *o);

/* --- On a platform device ------------------------------------------------ */

/* Acquire the device declared as name in kiln.conf, assemble the stack on it
 * (net_init) and register it with the event loop. Returns 0, or -1 after
 * printing one line saying what is wrong (an undeclared device, no memory). */
int net_open(struct net *n, const char *name);

/* Unregister from the loop and net_destroy(). */
void net_close(struct net *n);

/* --- Configuration from boot arguments ---------------------------------- */

struct net_config {
	bool have_ipv4;     /* --ipv4 was given */
	uint32_t addr;
	unsigned prefix_len;
	uint32_t gateway;   /* 0 unless --ipv4-gateway */
};

/* Read --ipv4=ADDR/PREFIX and --ipv4-gateway=ADDR from the boot arguments
 * (argv[1..argc-1]; other arguments are left to the application). Returns 0
 * and fills *cfg (have_ipv4 false when --ipv4 is absent, e.g. for DHCP), or
 * -1 with one line in err (errlen bytes) naming the argument and what is
 * wrong with it: a malformed address, a prefix over 32, a gateway without an
 * address or outside its subnet, an argument given twice. */
int net_config_from_args(int argc, char **argv, struct net_config *cfg, char *err,
			 size_t errlen);

/* Apply cfg (net_set_ipv4 when it has an address). 0, or -1 after printing
 * why. */
int net_configure(struct net *n, const struct net_config *cfg);

/* --- An in-memory link between two stacks (tests) ------------------------ */

/* Frames in flight on a memlink: a burst larger than any test sends between
 * two pumps (an 8000-byte datagram is 6 frames; 4 ARP-queued + ARP). */
#define NET_MEMLINK_QUEUE 512

/* Seeded impairment, in percent of frames (0 = none): loss, duplication
 * (the copy follows the original), and reordering (the frame is swapped
 * with the one queued before it). The same seed gives the same run. */
struct net_memlink_impair {
	unsigned loss_pct, dup_pct, reorder_pct;
	uint64_t seed;
};

/* Called for every frame sent (from: side 0 or 1); return false to drop it.
 * For tests that must lose one particular frame. */
typedef bool (*net_memlink_filter_fn)(void *ctx, int from, struct view frame);

/* One end of a memlink: the ctx of its device. */
struct net_memlink_side {
	struct net_memlink *link;
	int side;
};

struct net_memlink {
	struct net *ends[2];
	struct {
		struct pbuf *pb;
		int to;
	} q[NET_MEMLINK_QUEUE];
	size_t head, count;
	size_t mtu;
	struct net_memlink_impair impair;
	uint64_t rng;
	net_memlink_filter_fn filter;
	void *filter_ctx;
	struct net_memlink_side sides[2];
	struct {
		uint64_t sent, delivered, lost, duplicated, reordered, overflow, filtered;
	} stats;
};

/* An empty link carrying frames up to mtu + 14 bytes; impair may be NULL. */
void net_memlink_init(struct net_memlink *l, size_t mtu, const struct net_memlink_impair *impair);

/* The device for side 0 or 1: give it to net_init(), then attach the stack. */
struct eth_dev net_memlink_dev(struct net_memlink *l, int side);
void net_memlink_attach(struct net_memlink *l, int side, struct net *n);

/* Deliver queued frames in order to the other side (net_input with now),
 * including frames sent in reply meanwhile, until the link is idle or max
 * frames have been delivered. Returns the number delivered. */
size_t net_memlink_pump(struct net_memlink *l, kiln_time_t now, size_t max);

/* Free frames still in flight. */
void net_memlink_destroy(struct net_memlink *l);

#endif
