/* tcp.h: kiln's TCP (RFC 9293) as a library engine, and its socket API.
 *
 * The engine is event-driven and owns no timers or threads of its own:
 *   - segments come in through tcp_input() (called by the IP layer, or by a
 *     test that wires two stacks back to back);
 *   - segments go out through the tcp_ip_ops the caller gives at init;
 *   - time is read through the clock in struct tcp_config (tests control
 *     it) or passed in as `now`; the event loop asks tcp_next_deadline()
 *     and calls tcp_tick() when it has passed (include/kiln/loop.h).
 * Nothing runs behind the caller's back: every state change happens inside
 * one of the calls below.
 *
 * What it implements: three-way handshake both ways and simultaneous open;
 * MSS, window scaling and timestamps (RFC 7323, with PAWS); retransmission
 * timeout per RFC 6298 (integer arithmetic); NewReno fast retransmit and
 * recovery (RFC 5681, RFC 6582) with selective acknowledgment (RFC 2018:
 * SACK blocks sent, holes resent from them in recovery); delayed ACK; Nagle
 * (on by default, per connection switch); zero-window probes; keepalive
 * (off by default); orderly close from either side and simultaneous close;
 * TIME_WAIT for 2*MSL; RST, SYN and ACK handling hardened per RFC 5961;
 * initial sequence numbers per RFC 6528 (SipHash of the 4-tuple, keyed by a
 * secret the caller gives, plus a 4 us clock); a bounded SYN queue per
 * listener and SYN cookies when it is full; limits on memory per connection
 * and in total, and counters of every drop and its reason. No urgent data
 * (the URG pointer is ignored, as RFC 6093 advises applications to avoid it).
 *
 * Memory. A connection's state is a fixed struct (tcp_stack_info() reports
 * its size: 440 bytes on x86_64); its send and receive buffers are byte
 * rings that start at 2 KiB, double up to sndbuf/rcvbuf as needed, and are
 * given back once drained and idle for 200 ms, so an idle established
 * connection costs the struct alone. No pbuf is kept: data waits in byte rings, and each
 * segment is built into a fresh pbuf whose ownership passes to the IP layer.
 *
 * Errors are negative numbers with Linux's errno values (TCP_E* below), so
 * the API reads the same on the unix and hvt targets.
 *
 * Addresses are IPv4 in host byte order; ports in host byte order.
 */
#ifndef KILN_TCP_H
#define KILN_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kiln/pbuf.h>
#include <kiln/loop.h> /* KILN_TIME_NEVER */
#include <kiln/platform.h>
#include <kiln/view.h>

#define TCP_EAGAIN 11         /* nothing now: try again (non-blocking calls) */
#define TCP_ENOMEM 12         /* a memory limit was reached */
#define TCP_EINVAL 22         /* bad argument or call in the wrong state */
#define TCP_EPIPE 32          /* write after shutdown_write or after the peer reset */
#define TCP_EADDRINUSE 98     /* port already has a listener / no free port */
#define TCP_ECONNABORTED 103  /* the connection was aborted locally */
#define TCP_ECONNRESET 104    /* the peer reset the connection */
#define TCP_ENOTCONN 107      /* not connected yet */
#define TCP_ETIMEDOUT 110     /* retransmissions or keepalives gave up, or the deadline passed */
#define TCP_ECONNREFUSED 111  /* the peer answered the SYN with RST */
#define TCP_EINPROGRESS 115   /* connect has not completed yet */

/* --- The IP layer below ---------------------------------------------------
 *
 * output() sends one TCP segment (header + payload, checksum filled in, in
 * pb->data) from src to dst. It takes ownership of pb and must free it (or
 * hand it on) even when it cannot send: a full device drops, as a wire would.
 * pb has at least PBUF_HEADROOM - 60 bytes of headroom, room for the IPv4
 * and Ethernet headers. output() may not call back into the stack. */
struct tcp_ip_ops {
	void (*output)(void *ctx, uint32_t src, uint32_t dst, struct pbuf *pb);
};

/* --- Configuration --------------------------------------------------------
 * Every field left 0 takes the default named beside it. */
struct tcp_config {
	const struct tcp_ip_ops *ip; /* required */
	void *ip_ctx;                /* passed to ip->output */
	/* Monotonic nanoseconds; required. The API calls that send (write,
	 * close, connect) read it; tcp_input and tcp_tick take `now`. */
	kiln_time_t (*clock)(void *ctx);
	void *clock_ctx;
	/* Secret for ISNs, SYN cookies and the table hash: fill it from
	 * kiln_entropy() at boot (tests use fixed bytes to be reproducible). */
	uint8_t secret[16];

	uint16_t mss;          /* largest payload we receive: 1460 (MTU 1500) */
	uint32_t sndbuf;       /* send buffer per connection at most: 64 KiB (max 64 MiB);
				* a connection may fill twice its congestion window
				* of it, and 64 KiB whatever the window */
	uint32_t rcvbuf;       /* receive buffer per connection: 64 KiB (max 64 MiB) */
	uint32_t max_conns;    /* connections of every state, incl. TIME_WAIT: 1024; at
				* the limit the oldest TIME_WAIT makes room */
	size_t mem_max;        /* bytes of connection state + buffers: 64 MiB */
	uint32_t syn_queue;    /* half-open connections per listener, then cookies: 128 */
	kiln_time_t msl;       /* maximum segment lifetime; TIME_WAIT = 2*msl: 30 s */
	kiln_time_t delack;    /* delayed ACK timeout: 40 ms (RFC 9293: < 0.5 s) */
	kiln_time_t rto_initial; /* RFC 6298 2.1: 1 s */
	kiln_time_t rto_min;   /* lower bound: 200 ms (Linux; RFC 6298 says 1 s, SHOULD) */
	kiln_time_t rto_max;   /* upper bound: 60 s (RFC 6298 2.5) */
	unsigned max_retries;  /* RTO expiries before ETIMEDOUT: 12 */
	unsigned syn_retries;  /* SYN / SYN-ACK retransmissions: 5 */
	kiln_time_t keep_idle; /* keepalive: idle before the first probe: 2 h */
	kiln_time_t keep_intvl; /* between probes: 75 s */
	unsigned keep_cnt;     /* unanswered probes before ETIMEDOUT: 9 */
	kiln_time_t fin_wait2_timeout; /* closed by the app, peer silent: 60 s */
	kiln_time_t persist_max; /* zero-window probe interval bound: 60 s */
	bool no_timestamps;    /* do not offer/accept RFC 7323 timestamps */
	bool no_wscale;        /* do not offer/accept window scaling */
	bool no_syncookies;    /* drop SYNs when the SYN queue is full */
	bool no_sack;          /* do not offer/accept selective ACKs (RFC 2018) */
	/* KILN_NET_OFFLOAD_* the device below takes (platform.h): with CSUM,
	 * segments leave their checksum to it; with TSO4 as well, a burst
	 * goes down as one super-segment of up to ~64 KiB that the device
	 * cuts into snd_mss-sized segments (pbuf.h struct pbuf_offload).
	 * nettcp fills it from the net device unless no_offloads; 0: neither. */
	unsigned offloads;
	bool no_offloads;      /* nettcp: leave offloads 0 whatever the device takes */
};

/* --- Counters ---------------------------------------------------------- */
struct tcp_stats {
	uint64_t segs_in, segs_out, bytes_in, bytes_out;
	uint64_t tso_sends;         /* super-segments left to the device to cut (of segs_out) */
	uint64_t retransmits;       /* segments sent again (RTO or fast) */
	uint64_t rto_expired;       /* retransmission timeouts */
	uint64_t fast_retransmits;  /* entries into fast recovery */
	uint64_t sack_retransmits;  /* holes resent from the SACK scoreboard */
	uint64_t lost_retransmits;  /* resent holes found lost again by SACK */
	uint64_t tail_loss_probes;  /* probes sent at 2 SRTT (RFC 8985 7) */
	uint64_t pmtu_updates;      /* MSS lowered by an ICMP "fragmentation needed" */
	uint64_t pmtu_ignored;      /* such ICMPs about no segment in flight, or no news */
	uint64_t conns_active, conns_passive; /* opened by connect / accepted */
	uint64_t conns_reset;       /* closed by a RST from the peer */
	uint64_t conns_timed_out;   /* retransmission/keepalive gave up */
	uint64_t rst_sent, rst_received, challenge_acks;
	uint64_t syn_cookies_sent, syn_cookies_ok, syn_cookies_bad;
	uint64_t zero_window_probes, keepalive_probes, delayed_acks;
	uint64_t ooo_segments;      /* stored out of order */
	/* Drops, by reason. */
	uint64_t drop_malformed;    /* too short, bad data offset or options */
	uint64_t drop_checksum;     /* bad checksum */
	uint64_t drop_no_listener;  /* no connection or listener: RST sent */
	uint64_t drop_out_of_window;/* unacceptable sequence number (an ACK sent) */
	uint64_t drop_paws;         /* timestamp older than ts_recent (RFC 7323 5) */
	uint64_t drop_bad_ack;      /* ACK of unsent data, or too old (RFC 5961 5) */
	uint64_t drop_memory;       /* buffer or connection memory limit */
	uint64_t drop_listen_overflow; /* accept queue full */
	uint64_t drop_syn_queue;    /* SYN queue full and cookies off */
	uint64_t drop_max_conns;    /* max_conns reached (none of them in TIME_WAIT) */
	uint64_t time_wait_recycled; /* TIME_WAIT ended early for a new connection at max_conns */
	uint64_t drop_state;        /* not acceptable in the connection's state */
	uint64_t drop_after_close;  /* data for a connection the app closed: RST */
};

struct tcp_stack;
struct tcp_listener;
struct tcp_conn;

/* --- The stack ------------------------------------------------------------ */

/* A stack with cfg (copied). NULL if cfg lacks ip/clock or out of memory. */
struct tcp_stack *tcp_stack_new(const struct tcp_config *cfg);

/* Free the stack and everything in it: listeners, connections of every
 * state (without sending anything), their buffers. Handles the application
 * still holds become invalid. */
void tcp_stack_free(struct tcp_stack *s);

/* Hand one received segment to the stack: segment is the TCP header and
 * payload as the IP layer found them (checksum not yet verified: TCP
 * verifies it), src/dst the IP addresses. The view is only read during the
 * call. Anything wrong with it is a counted drop. */
void tcp_input(struct tcp_stack *s, uint32_t src, uint32_t dst, struct view segment,
	       kiln_time_t now);
/* tcp_input() of a segment whose checksum the device vouched for
 * (ipv4_packet.l4_csum_ok) when csum_ok: it is not verified. */
void tcp_input_ex(struct tcp_stack *s, uint32_t src, uint32_t dst, struct view segment,
		  bool csum_ok, kiln_time_t now);

/* The earliest time at which tcp_tick() has work (a retransmission, a
 * delayed ACK, a probe, the end of a TIME_WAIT), or KILN_TIME_NEVER. O(1). */
kiln_time_t tcp_next_deadline(const struct tcp_stack *s);

/* Run every timer due at or before now. */
void tcp_tick(struct tcp_stack *s, kiln_time_t now);

struct tcp_stack_info {
	uint32_t conns;        /* connection structs alive (any state) */
	uint32_t listeners;
	size_t mem;            /* bytes the stack holds now (state + buffers) */
	size_t conn_size;      /* bytes of one connection's state */
};
void tcp_stack_info(const struct tcp_stack *s, struct tcp_stack_info *out);
const struct tcp_stats *tcp_stack_stats(const struct tcp_stack *s);

/* Register the stack with the event loop (loop.h): its deadline and tick.
 * Call once; tcp_stack_free() unregisters it. */
void tcp_stack_attach_loop(struct tcp_stack *s);

/* --- Listening ------------------------------------------------------------
 * A listener accepts connections to port on any local address. backlog
 * bounds the connections established but not yet accepted (1..1024); a SYN
 * that arrives when it is full is dropped (counted), so the peer retries. */
int tcp_listen(struct tcp_stack *s, uint16_t port, unsigned backlog,
	       struct tcp_listener **out);

/* The next established connection, or NULL (non-blocking). */
struct tcp_conn *tcp_accept_nb(struct tcp_listener *l);

/* The next established connection, waiting (wait.h) until one arrives or
 * the monotonic deadline passes (then NULL). */
struct tcp_conn *tcp_accept(struct tcp_listener *l, kiln_time_t deadline);

/* Stop listening: half-open and unaccepted connections are reset and freed;
 * l is freed. Accepted connections are not affected. */
void tcp_listener_close(struct tcp_listener *l);

/* --- Connecting ---------------------------------------------------------
 * tcp_connect_nb starts an active open from src (a local address; the port
 * is chosen from 49152..65535) to dst:port and returns at once with the
 * connection in SYN_SENT (*out), or a negative error. tcp_conn_status()
 * then says 0 when established, -TCP_EINPROGRESS before, or the error that
 * ended it (-TCP_ECONNREFUSED, -TCP_ETIMEDOUT, -TCP_ECONNRESET). The handle
 * stays valid until tcp_close()/tcp_abort() in every case. */
int tcp_connect_nb(struct tcp_stack *s, uint32_t src, uint32_t dst, uint16_t port,
		   struct tcp_conn **out);
int tcp_conn_status(const struct tcp_conn *c);

/* Blocking: the established connection, or NULL with *err (if not NULL)
 * set to the negative error; a deadline that passes aborts the attempt
 * (-TCP_ETIMEDOUT). */
struct tcp_conn *tcp_connect(struct tcp_stack *s, uint32_t src, uint32_t dst,
			     uint16_t port, kiln_time_t deadline, int *err);

/* --- Data -----------------------------------------------------------------
 * tcp_read_nb copies up to len received bytes into buf: returns how many
 * (> 0), 0 at end of stream (the peer's FIN, after all data), -TCP_EAGAIN
 * when nothing is there yet, or the connection's error (-TCP_ECONNRESET,
 * -TCP_ETIMEDOUT, ...). Data received before a RST is lost, as in Linux. */
long tcp_read_nb(struct tcp_conn *c, void *buf, size_t len);

/* tcp_write_nb queues up to len bytes for sending: returns how many it took
 * (> 0, possibly fewer than len when the send buffer fills), -TCP_EAGAIN if
 * the buffer is full (or the connection not yet established),
 * -TCP_ENOMEM if the stack's memory limit is reached, -TCP_EPIPE after
 * tcp_shutdown_write, or the connection's error. */
long tcp_write_nb(struct tcp_conn *c, const void *buf, size_t len);

/* Blocking forms: tcp_read waits until some data, EOF or an error;
 * tcp_write until all len bytes are queued (returns len), an error, or the
 * deadline (then the bytes queued so far, or -TCP_ETIMEDOUT if none). */
long tcp_read(struct tcp_conn *c, void *buf, size_t len, kiln_time_t deadline);

/* Reading without a copy: tcp_peek_nb sets *v to the received bytes at the
 * front of the buffer that lie together in memory (all of them, or up to
 * where the ring wraps: the next peek sees the rest) and returns their
 * number; 0 at the end of the stream, -TCP_EAGAIN or the connection's error
 * as tcp_read_nb. The bytes stay until tcp_consume(c, n) drops the first n
 * of them (n at most what the peek returned), which may open the window.
 * The view is valid until the next call into the stack (for a fiber: until
 * it blocks). tcp_peek waits as tcp_read does. A checksum service or a
 * parser that works in place saves a copy of everything it reads. */
long tcp_peek_nb(struct tcp_conn *c, struct view *v);
long tcp_peek(struct tcp_conn *c, struct view *v, kiln_time_t deadline);
void tcp_consume(struct tcp_conn *c, size_t n);
long tcp_write(struct tcp_conn *c, const void *buf, size_t len, kiln_time_t deadline);

/* Send a FIN after the queued data; reading continues. Idempotent. */
int tcp_shutdown_write(struct tcp_conn *c);

/* Release the handle and close gracefully: queued data is still sent and a
 * FIN follows; the stack frees the connection when the close completes
 * (after TIME_WAIT, or fin_wait2_timeout if the peer never closes). If
 * received data was left unread, the peer is reset instead (RFC 9293
 * 3.10.4, as Linux does), so it learns its data was not consumed. */
void tcp_close(struct tcp_conn *c);

/* Release the handle and reset the connection now (RST to the peer if it is
 * synchronized); everything queued is discarded and the state freed. */
void tcp_abort(struct tcp_conn *c);

/* Options. Nagle (RFC 9293 3.7.4) is on by default: small segments wait
 * while data is unacknowledged. Keepalive is off by default. */
void tcp_set_nodelay(struct tcp_conn *c, bool nodelay);
void tcp_set_keepalive(struct tcp_conn *c, bool on);

/* --- Readiness (for pollers and fibers) ---------------------------------
 * The wait queues the blocking calls wait on, for a scheduler that parks
 * tasks itself (lib/fiber's fiber_spawn_on): the read queue is woken when
 * data, the end of stream or an error arrives; the write queue when buffer
 * space frees, the handshake completes or an error ends the connection; the
 * accept queue when a connection is ready. A wake is a hint: re-check with
 * the calls below. Asking for a queue turns waking on for the stack (and
 * links wait.c); an engine nobody waits on never touches a queue. */
struct waitq;
struct waitq *tcp_read_waitq(struct tcp_conn *c);
struct waitq *tcp_write_waitq(struct tcp_conn *c);
struct waitq *tcp_accept_waitq(struct tcp_listener *l);

bool tcp_readable(const struct tcp_conn *c);   /* read_nb would not say EAGAIN */
bool tcp_writable(const struct tcp_conn *c);   /* write_nb would not say EAGAIN */

/* --- Inspection --------------------------------------------------------- */
enum tcp_state {
	TCP_CLOSED, TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RECEIVED, TCP_ESTABLISHED,
	TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_CLOSE_WAIT, TCP_CLOSING, TCP_LAST_ACK,
	TCP_TIME_WAIT
};
const char *tcp_state_name(enum tcp_state st);

struct tcp_conn_info {
	enum tcp_state state;
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	uint16_t snd_mss;           /* payload per segment we send */
	uint8_t snd_wscale, rcv_wscale; /* negotiated shifts (0 if none) */
	bool timestamps;            /* RFC 7323 timestamps in use */
	bool sack;                  /* RFC 2018 selective ACKs in use */
	uint32_t snd_wnd, cwnd, ssthresh;
	uint32_t srtt_us, rto_us;
	uint32_t unsent, unacked;   /* bytes waiting in the send buffer */
	uint32_t readable;          /* bytes waiting in the receive buffer */
	size_t mem;                 /* bytes this connection holds (state + buffers) */
};
void tcp_conn_info(const struct tcp_conn *c, struct tcp_conn_info *out);

/* --- Path MTU ----------------------------------------------------------
 *
 * An ICMP "fragmentation needed" (RFC 1191) quoting a segment from
 * laddr:lport to raddr:rport with sequence number seq: the path takes
 * datagrams of mtu bytes at most (taken as 552 below that). The connection's
 * MSS is lowered to fit and what is in flight is sent again at once. Only a
 * seq in flight counts (RFC 5927 4.1); anything else is counted in
 * pmtu_ignored. nettcp calls it from ICMP; segments leave with DF set. */
void tcp_icmp_too_big(struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		      uint16_t rport, uint32_t seq, uint32_t mtu, kiln_time_t now);

#endif
