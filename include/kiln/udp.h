/* udp.h: the User Datagram Protocol (RFC 768, RFC 1122 4.1) and kiln's
 * datagram socket API.
 *
 * Two faces:
 *   - the engine: udp_input() is the IPv4 handler for protocol 17; it checks
 *     the header and checksum, finds the socket bound to the destination
 *     port and queues the datagram there (or reports port unreachable through
 *     a hook lib/net points at ICMP);
 *   - the application API, which reads as straight-line code:
 *
 *       struct udp_socket *s = udp_open(&net.udp, 7);
 *       for (;;) {
 *           uint8_t buf[2048]; uint32_t addr; uint16_t port;
 *           long n = udp_recv(s, buf, sizeof(buf), &addr, &port, KILN_TIME_NEVER);
 *           if (n >= 0)
 *               udp_send(s, addr, port, buf, (size_t)n);
 *       }
 *
 *     udp_recv() waits (include/kiln/wait.h: a fiber is parked, a program
 *     without fibers turns the event loop) until a datagram or the deadline.
 *     An event-driven user (a DNS server engine, DHCP) may instead set a
 *     receive callback with udp_on_receive() and never block.
 *
 * Each socket's receive queue is bounded in datagrams and bytes; a datagram
 * that does not fit is dropped and counted, as a full socket buffer drops on
 * any OS. Datagrams are copied out of the device's buffer once, into the
 * queue, and once more into the caller's buffer.
 */
#ifndef KILN_UDP_H
#define KILN_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kiln/ipv4.h>
#include <kiln/wait.h>

#define UDP_HDR_LEN 8
/* The largest payload one datagram carries: 65535 - 20 (IPv4) - 8. */
#define UDP_MAX_PAYLOAD 65507

/* --- Limits, each with its reason ---------------------------------------- */

/* Datagrams and bytes waiting in one socket: 64 KiB holds one maximal
 * datagram or a burst of 32 small ones (a DNS server's queries), about what
 * Linux's default 208 KiB buffer holds in small datagrams' truesize. */
#define UDP_RECV_QUEUE_LEN 32
#define UDP_RECV_QUEUE_BYTES (64u * 1024)
/* Sockets open at once: each may pin UDP_RECV_QUEUE_BYTES, so 64 sockets
 * bound UDP's memory at 4 MiB worst case; an appliance needs a handful. */
#define UDP_MAX_SOCKETS 64
/* Ephemeral ports handed out for port 0 (RFC 6335 8.1.2's dynamic range). */
#define UDP_EPHEMERAL_FIRST 49152
#define UDP_EPHEMERAL_LAST 65535

/* --- Wire format ----------------------------------------------------------- */

struct udp_hdr {
	uint16_t src_port, dst_port;
	uint16_t len;      /* header included */
	uint16_t checksum; /* 0 = none sent */
};

enum udp_decode_result {
	UDP_DECODE_OK,
	UDP_DECODE_TRUNCATED,  /* shorter than 8 bytes */
	UDP_DECODE_BAD_LENGTH, /* length field < 8 or past the IP payload */
	UDP_DECODE_BAD_CHECKSUM,
};

/* Decode the UDP datagram in the IPv4 payload seg from src to dst, checking
 * the length and (unless zero) the checksum over the pseudo-header. *data is
 * the payload, trimmed to the length field. */
enum udp_decode_result udp_decode(struct view seg, uint32_t src, uint32_t dst,
				  struct udp_hdr *h, struct view *data);
/* The same, checking the checksum only if verify: udp_input() does not
 * when the device vouched for it (ipv4_packet.l4_csum_ok), for then the
 * field may hold only the pseudo-header's sum (docs/offload.md). */
enum udp_decode_result udp_decode_ex(struct view seg, uint32_t src, uint32_t dst, bool verify,
				     struct udp_hdr *h, struct view *data);

/* Prepend a UDP header to pb (the payload) and fill in length and checksum
 * for the pseudo-header src -> dst. False without headroom or if too long. */
bool udp_push(struct pbuf *pb, uint32_t src, uint32_t dst, uint16_t src_port,
	      uint16_t dst_port);

/* --- The engine ------------------------------------------------------------ */

/* Datagrams for a port nobody listens on are reported here (ICMP's
 * icmp_send_unreachable fits; the code passed is 3, port unreachable). */
typedef void (*udp_unreachable_fn)(void *ctx, const struct ipv4_packet *pkt, uint8_t code,
				   kiln_time_t now);

#define UDP_COUNTERS(X)                                                             \
	X(rx_datagrams, "datagrams received")                                       \
	X(rx_delivered, "datagrams queued or handed to a socket")                   \
	X(rx_truncated, "dropped: shorter than a UDP header")                       \
	X(rx_bad_length, "dropped: length field disagrees with the IP payload")     \
	X(rx_bad_checksum, "dropped: checksum wrong")                               \
	X(rx_no_port, "dropped: no socket on the port (ICMP told, unless broadcast)")     \
	X(rx_queue_full, "dropped: socket receive queue full")                      \
	X(rx_no_memory, "dropped: out of memory queueing")                          \
	X(rx_truncated_read, "datagrams cut short by a small udp_recv buffer")      \
	X(tx_datagrams, "datagrams sent")                                           \
	X(tx_too_big, "not sent: payload over 65507 bytes")                         \
	X(tx_failed, "not sent: no memory, no route or dropped below")

#define UDP_COUNTER_FIELD(name, what) uint64_t name;
struct udp_counters {
	UDP_COUNTERS(UDP_COUNTER_FIELD)
};

struct udp_socket;

struct udp {
	struct ipv4 *ip;
	struct udp_socket *sockets;
	unsigned nsockets;
	uint16_t next_ephemeral;
	udp_unreachable_fn unreachable;
	void *unreachable_ctx;
	/* The clock send uses to stamp its work (ARP queueing); the platform's
	 * monotonic clock unless a test sets its own. */
	kiln_time_t (*clock)(void);
	struct udp_counters counters;
};

/* Set up u over ip (register it: ipv4_register(ip, IPV4_PROTO_UDP,
 * udp_input, u)). */
void udp_init(struct udp *u, struct ipv4 *ip);

/* Close every socket still open and free what they queued. */
void udp_destroy(struct udp *u);

/* Where datagrams to closed ports are reported. */
void udp_set_unreachable(struct udp *u, udp_unreachable_fn fn, void *ctx);

/* The IPv4 handler for protocol 17 (ctx is the struct udp). */
void udp_input(void *ctx, const struct ipv4_packet *pkt, kiln_time_t now);

/* --- The application API -------------------------------------------------- */

enum udp_error {
	UDP_ETIMEDOUT = -1, /* udp_recv: deadline passed with nothing received */
	UDP_ETOOBIG = -2,   /* udp_send: payload over UDP_MAX_PAYLOAD */
	UDP_ENOROUTE = -3,  /* udp_send: no address or no route to addr */
	UDP_ENOMEM = -4,
	UDP_EDROPPED = -5,  /* udp_send: dropped below (e.g. ARP queue full) */
};

/* A socket bound to port on every local address (0: a free ephemeral port,
 * see udp_port()). NULL if the port is taken, UDP_MAX_SOCKETS are open, or
 * there is no memory. */
struct udp_socket *udp_open(struct udp *u, uint16_t port);

/* The local port of s. */
uint16_t udp_port(const struct udp_socket *s);

/* Close s: unbind its port, free its queue. A udp_recv() waiting on s must
 * not be in progress (close from the task that reads it). */
void udp_close(struct udp_socket *s);

/* Receive one datagram into buf (len bytes; a longer datagram is cut to len
 * and the rest discarded, as recvfrom() does). Sets *from_addr and
 * *from_port when not NULL. Waits until a datagram arrives or the monotonic
 * clock reaches deadline (0: do not wait; KILN_TIME_NEVER: no limit).
 * Returns the number of bytes stored, or UDP_ETIMEDOUT. */
long udp_recv(struct udp_socket *s, void *buf, size_t len, uint32_t *from_addr,
	      uint16_t *from_port, kiln_time_t deadline);

/* Send len bytes to addr:port from s's port (and our address); fragments
 * above the MTU. Returns len, or a negative enum udp_error. The datagram is
 * accepted, not delivered: UDP may lose it. */
long udp_send(struct udp_socket *s, uint32_t addr, uint16_t port, const void *buf, size_t len);

/* Datagrams waiting in s. */
size_t udp_pending(const struct udp_socket *s);

/* Instead of queueing, hand each datagram for s to fn during input (the
 * view is valid for the call only). NULL restores queueing. */
typedef void (*udp_receive_fn)(void *ctx, struct udp_socket *s, uint32_t from_addr,
			       uint16_t from_port, struct view data, kiln_time_t now);
void udp_on_receive(struct udp_socket *s, udp_receive_fn fn, void *ctx);

#endif
