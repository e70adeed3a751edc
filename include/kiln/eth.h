/* eth.h: Ethernet II framing (IEEE 802.3 with DIX type field; RFC 894 for IPv4).
 *
 * Two parts, as every kiln protocol has:
 *   - the wire format: eth_decode() reads a frame header through a checked
 *     view, eth_push() prepends one to an outgoing pbuf;
 *   - the layer: a struct eth the caller owns, bound below to a device (a
 *     small ops struct, so the same layer runs over a platform NIC or an
 *     in-memory test link) and above to one handler per ethertype.
 *
 * No VLAN tags (802.1Q frames are counted as an unknown type and dropped),
 * no FCS (devices hand over frames without it), no padding to 60 bytes on
 * output (tap devices and libslirp take short frames; a real NIC driver pads).
 */
#ifndef KILN_ETH_H
#define KILN_ETH_H

#include <stdbool.h>
#include <stdint.h>
#include <kiln/pbuf.h>
#include <kiln/platform.h>

#define ETH_ADDR_LEN 6
#define ETH_HDR_LEN 14
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806

/* The largest frame kiln handles: a 1500-byte payload plus the header. Frames
 * longer than the device's mtu + 14 are refused by the platform already. */
#define ETH_MAX_FRAME (1500 + ETH_HDR_LEN)

extern const uint8_t eth_broadcast[ETH_ADDR_LEN];

/* --- Wire format --------------------------------------------------------- */

struct eth_hdr {
	uint8_t dst[ETH_ADDR_LEN];
	uint8_t src[ETH_ADDR_LEN];
	uint16_t type; /* host order */
	/* Not from the wire: what the device said of the frame (platform.h
	 * KILN_NET_RX_*), for the layers above; 0 from eth_decode(). */
	unsigned rx_flags;
};

/* Decode the header of frame into *h and the bytes after it into *payload.
 * False if the frame is shorter than a header. */
bool eth_decode(struct view frame, struct eth_hdr *h, struct view *payload);

/* Prepend an Ethernet header to pb. False (pb unchanged) without headroom. */
bool eth_push(struct pbuf *pb, const uint8_t dst[ETH_ADDR_LEN],
	      const uint8_t src[ETH_ADDR_LEN], uint16_t type);

static inline bool eth_is_multicast(const uint8_t a[ETH_ADDR_LEN]) { return a[0] & 1; }

/* --- The device below ---------------------------------------------------- */

/* What the Ethernet layer sends through. send() takes ownership of frame
 * (a complete frame, header included) and frees it, whether it is sent or
 * dropped; it returns false when the device refused it (counted). */
struct eth_dev {
	void *ctx;
	bool (*send)(void *ctx, struct pbuf *frame);
};

/* --- The layer ----------------------------------------------------------- */

/* Called with the payload of a frame of that handler's ethertype. The view is
 * valid only during the call (the device reuses its buffer): a handler that
 * keeps data copies it. */
typedef void (*eth_handler_fn)(void *ctx, const struct eth_hdr *h, struct view payload,
			       kiln_time_t now);

/* Counters: X(name, what it counts). Drops say why. */
#define ETH_COUNTERS(X)                                                             \
	X(rx_frames, "frames received")                                             \
	X(rx_truncated, "dropped: frame shorter than an Ethernet header")           \
	X(rx_not_for_us, "dropped: unicast to another address, or multicast")       \
	X(rx_unknown_type, "dropped: ethertype with no handler (VLAN, IPv6, ...)")  \
	X(tx_frames, "frames sent")                                                 \
	X(tx_no_headroom, "dropped on send: no room for the Ethernet header")       \
	X(tx_device_refused, "dropped on send: the device refused the frame")

#define ETH_COUNTER_FIELD(name, what) uint64_t name;
struct eth_counters {
	ETH_COUNTERS(ETH_COUNTER_FIELD)
};

/* ARP and IPv4 are the only ethertypes kiln speaks. */
#define ETH_MAX_HANDLERS 2

struct eth {
	uint8_t mac[ETH_ADDR_LEN];
	struct eth_dev dev;
	struct {
		uint16_t type;
		eth_handler_fn fn;
		void *ctx;
	} handlers[ETH_MAX_HANDLERS];
	struct eth_counters counters;
};

/* Set up e with our address and the device below. No handlers yet. */
void eth_init(struct eth *e, const uint8_t mac[ETH_ADDR_LEN], const struct eth_dev *dev);

/* Deliver frames of ethertype type to fn(ctx, ...). False if the table is
 * full or type is taken. */
bool eth_register(struct eth *e, uint16_t type, eth_handler_fn fn, void *ctx);

/* One received frame (without FCS). Frames to our address or broadcast go to
 * the handler of their type; everything else is counted and dropped. Never
 * reads outside frame. */
void eth_input(struct eth *e, struct view frame, kiln_time_t now);

/* eth_input() of a frame of which the device said rx_flags (KILN_NET_RX_*),
 * handed on in the header to the handler. */
void eth_input_ex(struct eth *e, struct view frame, unsigned rx_flags, kiln_time_t now);

/* Send the payload in pb (whose ownership passes here: it is freed in every
 * case) to dst with the given type, from our address. False if dropped. */
bool eth_output(struct eth *e, const uint8_t dst[ETH_ADDR_LEN], uint16_t type,
		struct pbuf *pb);

#endif
