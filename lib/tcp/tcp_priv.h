/* tcp_priv.h: TCP's internal structures and the calls between its files (RFC 9293 3.3). */
#ifndef KILN_TCP_PRIV_H
#define KILN_TCP_PRIV_H

#include <kiln/tcp.h>
#include <kiln/wait.h>
#include <kiln/loop.h>

#include "tcp_seg.h"

/* --- Limits, each with its reason ----------------------------------------- */
/* Largest buffer: 64 MiB needs a window shift of 10; RFC 7323 allows 14. */
#define TCP_BUF_MAX (64u << 20)
/* Out-of-order ranges remembered in the receive buffer. Each hole costs 8
 * bytes; a peer that makes more holes has its extra segments dropped and
 * resent, which loses only time (Linux keeps unbounded queues: a DoS lever). */
#define TCP_OOO_MAX 8
/* SACKed ranges the sender remembers above snd_una (its scoreboard). A
 * peer reports at most 3-4 per ACK; more ranges than this lose only the
 * precision of hole-filling, never data. */
#define TCP_SB_MAX 4
/* Ranges of the RACK send log (tcp_rack.c): when each unacknowledged
 * range was last sent. Ranges sent in one burst share an entry, so a log
 * holds as many bursts (about one per ACK) as a window; a fuller one
 * merges neighbours sent closest in time, losing precision, not data.
 * 64 ranges are 640 bytes, allocated with the first byte in flight and
 * freed with the idle buffers: idle connections do not pay for them. */
#define TCP_RACK_LOG 64
/* New data sent within this many microseconds of a log range's first
 * send joins that range: one range per burst even when the clock ticks
 * within it, so a full log (a merge scan per send) stays rare. A range's
 * time may then be early by as much, an eighth of the least reordering
 * window: a loss is called that much sooner at worst. (A clean 256 MiB
 * in-memory transfer was 5% slower with a range per microsecond.) */
#define TCP_RACK_BURST_US 12
/* Most quarter-RTTs in RACK's reordering window (RFC 8985 6.2 step 4
 * grows it per round with D-SACKs; SRTT caps it anyway). */
#define TCP_RACK_MULT_MAX 8
/* Least reordering window (us), once reordering was seen. A tap answers
 * within the write that sent the segment: RACK's least RTT is 1-20 us and
 * a quarter of it is shorter than the gap between a SACK and the ACK that
 * fills a swapped frame, so that every swap was a spurious retransmission
 * and a halved window. Through tests/www/bulk.sh's impairment, 64 MiB:
 * 25 us took 2.1 s with 70% more retransmissions (spurious), 100 us 2.3 s
 * and 1 ms 3.1 s with none (a real loss waits the window out). */
#define TCP_RACK_REO_MIN 100
/* Ephemeral ports tried per connect before TCP_EADDRINUSE (RFC 6056 3.3.4). */
#define TCP_PORT_TRIES 64
/* Largest backlog a listener may ask for. */
#define TCP_BACKLOG_MAX 1024
/* Segments sent by one tcp_output() call: bounds the work of one event. */
#define TCP_OUTPUT_BURST 64
/* The least send buffer a connection may fill, whatever its congestion
 * window (tcp_api.c snd_limit): what lib/tcp gave every connection before
 * the buffer followed the window. */
#define TCP_SNDBUF_FLOOR (64u << 10)
/* The most payload in one TSO super-segment: its IPv4 packet (20-byte
 * header, TCP header with up to 60) must stay within 65535 bytes. */
#define TCP_TSO_MAX_PAYLOAD (65535u - 20 - 60)
/* Timer-heap entries processed per tcp_tick(): a tick stays bounded even if
 * every connection expires at once; the rest run on the next tick. */
#define TCP_TICK_MAX 4096

/* Least probe timeout for a tail loss probe (RFC 8985 7.2 asks 2 SRTT;
 * Linux adds 2 jiffies): a floor for the clock's and the peer's jitter.
 * A probe too early costs one segment, usually new data; one too late
 * stalls the flight: through a tap (SRTT 0.5 ms) whose ACKs are lost one
 * in 20, 10 ms here cost a tenth of the transfer time. */
#define TCP_TLP_MIN (2ull * 1000000)
/* Probes per tail before the RTO (RFC 8985 7 sends one), each after
 * twice the last: with ACKs lost one in 20 a single probe or its ACK is
 * lost one time in 10, and that costs the 200 ms timeout. */
#define TCP_TLP_MAX 2
/* Added to it when one segment is out, whose ACK the peer may delay
 * (RFC 8985 7.2's WCDelAckT): then the probe comes no sooner than the RTO. */
#define TCP_TLP_DELACK (200ull * 1000000)

/* Least time between ACKs sent in answer to unacceptable segments without
 * data (see tcp_input.c): bounds an ACK war to 10 segments a second. */
#define TCP_OOW_ACK_GAP (100ull * 1000000)

/* A drained buffer is given back after this long without new data: idle
 * connections hold no buffers, and a busy one does not free and allocate
 * its ring on every read (that was 15% of the in-memory bulk profile). */
#define TCP_IDLE_RELEASE (200ull * 1000000)

/* Sequence-number arithmetic modulo 2^32 (RFC 9293 3.4). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

/* A ring of bytes. buf is NULL while empty (allocated lazily). */
struct tcp_ring {
	uint8_t *buf;
	uint32_t cap;  /* size of buf when allocated */
	uint32_t head; /* offset of the first byte */
	uint32_t len;  /* bytes held from head */
};

/* Connection flags. */
enum {
	TF_NODELAY = 1 << 0,   /* Nagle off */
	TF_KEEPALIVE = 1 << 1,
	TF_TS = 1 << 2,        /* timestamps negotiated */
	TF_WS = 1 << 3,        /* window scaling negotiated */
	TF_APP = 1 << 4,       /* the application holds the handle */
	TF_FIN_QUEUED = 1 << 5,/* shutdown_write: FIN after the data */
	TF_ACK_NOW = 1 << 6,   /* send an ACK at the next output */
	TF_RTT = 1 << 7,       /* timing rt_seq (no timestamps) */
	TF_RECOVERY = 1 << 8,  /* in NewReno fast recovery */
	TF_RCV_FIN = 1 << 9,   /* a FIN out of order at rcv_fin_seq */
	TF_PASSIVE = 1 << 10,  /* opened by a listener */
	TF_IN_TABLE = 1 << 11, /* in the 4-tuple hash */
	TF_ACCEPTQ = 1 << 12,  /* on its listener's accept queue */
	TF_COOKIE = 1 << 13,   /* established from a SYN cookie */
	TF_REXMIT_SYN = 1 << 14, /* the SYN was retransmitted: no RTT sample (Karn) */
	TF_ORPHAN = 1 << 15,   /* the app closed it: data arriving now gets a RST */
	TF_SACK = 1 << 16,     /* SACK permitted both ways (RFC 2018) */
	TF_TLP = 1 << 17,      /* t_rtx is a tail loss probe timeout (RFC 8985 7) */
	TF_TLP_SENT = 1 << 18, /* a probe went out; snd_una has not moved since (tlp_sent) */
	TF_REO = 1 << 19,      /* t_rtx is RACK's reorder timer (RFC 8985 6.3) */
	TF_RTO_RECOVERY = 1 << 20, /* an RTO resent from snd_una; until snd_una reaches recover */
};

/* RACK's state (RFC 8985 6.1) and the log it works on: range i is
 * [i ? e[i-1].end : start, e[i].end), last sent at e[i].t (microseconds,
 * 32 bits), in state fl[i]. The ranges run from snd_una to snd_max. */
enum { TCP_RACK_RTX = 1, TCP_RACK_LOST = 2 }; /* sent more than once; deemed lost, not resent since */
struct tcp_rack {
	uint32_t start;
	uint32_t xmit, end_seq, rtt; /* RACK.xmit_ts, .end_seq, .rtt of the latest sent delivered */
	uint32_t min_rtt;            /* least RTT seen (us) */
	uint32_t fack;               /* highest sequence delivered */
	uint32_t last_t;             /* latest send time given */
	uint32_t round;              /* snd_max when reo_mult last grew */
	kiln_time_t reo_at;          /* reorder timer, KILN_TIME_NEVER if none */
	uint8_t n, reo_mult;
	bool valid, fack_valid, reordering_seen, round_valid;
	bool tail_open;              /* the last send was new data into the last range */
	uint8_t fl[TCP_RACK_LOG];
	struct { uint32_t end, t; } e[TCP_RACK_LOG];
};

struct tcp_listener {
	struct tcp_stack *stack;
	struct tcp_listener *next;
	uint16_t port;
	unsigned backlog;
	unsigned syn_count;        /* half-open (SYN_RECEIVED) connections */
	unsigned accept_count;     /* established, not yet accepted */
	struct tcp_conn *aq_head, *aq_tail; /* accept queue */
	struct waitq aq;           /* tcp_accept waits here */
};

struct tcp_conn {
	struct tcp_stack *stack;
	struct tcp_conn *hnext;    /* hash chain */
	struct tcp_conn *qnext;    /* accept queue */
	struct tcp_conn *anext, *aprev; /* every connection of the stack */
	struct tcp_listener *listener; /* while half-open or unaccepted */
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	uint8_t state;             /* enum tcp_state */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t dupacks;
	uint8_t rtx_count;         /* consecutive RTO expiries */
	uint8_t probes;            /* keepalive / persist probes unanswered */
	uint8_t tlp_sent;          /* tail loss probes since snd_una moved */
	uint32_t flags;
	int16_t err;               /* sticky negative error, 0 if none */
	uint16_t snd_mss;          /* payload per segment we send */

	/* Send sequence space (RFC 9293 3.3.1). snd_max is the highest
	 * sequence sent; snd_nxt goes back to snd_una on a timeout. */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t max_snd_wnd;      /* largest window the peer offered (RFC 5961 5.2) */
	uint32_t cwnd, ssthresh, recover, cwnd_acc;
	/* Receive sequence space. rcv_adv: right edge we advertised. */
	uint32_t irs, rcv_nxt, rcv_adv, rcv_fin_seq;
	uint32_t ts_recent, ts_offset, last_ack_sent;
	uint16_t segs_unacked;     /* full segments since our last ACK */

	/* RTT (RFC 6298) in microseconds: srtt scaled by 8, rttvar by 4. */
	uint32_t srtt, rttvar, rto;
	uint32_t rt_seq;           /* the segment being timed */
	kiln_time_t rt_time;

	/* Timers: absolute monotonic deadlines, KILN_TIME_NEVER when off. */
	kiln_time_t t_rtx, t_delack, t_persist, t_keep, t_close, t_idle;
	kiln_time_t last_rcv;      /* for keepalive */
	kiln_time_t last_oow_ack;  /* rate limit of ACKs to unacceptable segments */
	kiln_time_t deadline;      /* min of the timers: the heap key */
	uint32_t heap_idx;         /* position in the stack's timer heap + 1; 0 = not in */

	struct tcp_ring snd;       /* from snd_una: unacknowledged then unsent bytes */
	struct tcp_ring rcv;       /* in order bytes unread, then out-of-order data */
	uint8_t ooo_n;
	struct { uint32_t start, end; } ooo[TCP_OOO_MAX]; /* sequence ranges past rcv_nxt */

	/* SACK (RFC 2018): the receiver's most recent out-of-order segment
	 * (its block goes first); the sender's scoreboard and, while data is
	 * in flight, RACK's log (NULL otherwise, or without SACK). */
	uint32_t sack_recent;
	struct tcp_rack *rack;
	uint8_t sb_n;
	struct tcp_sack_block sb[TCP_SB_MAX];

	struct waitq rq, wq;       /* readers; writers and connecters */
};

struct tcp_stack {
	struct tcp_config cfg;
	struct tcp_stats st;
	struct tcp_conn **table;   /* buckets of the 4-tuple hash */
	uint32_t table_mask;
	struct tcp_listener *listeners;
	struct tcp_conn *all;      /* every connection, for tcp_stack_free */
	struct tcp_conn **heap;    /* timer min-heap on conn->deadline */
	uint32_t heap_len, heap_cap;
	uint32_t nconns, nlisteners;
	size_t mem;                /* bytes allocated through tcp_mem_alloc */
	uint32_t port_seq;         /* ephemeral port search (RFC 6056 alg. 3) */
	uint64_t hash_key[2];      /* SipHash key from cfg.secret */
	void (*wake)(struct waitq *q); /* set by the blocking calls (tcp_block.c) */
	struct loop_source src;
	void (*loop_remove)(struct loop_source *src); /* set by attach: no link to loop.c otherwise */
	bool in_loop;
};

/* tcp_stack.c: accounting allocation (the limit is cfg.mem_max). */
void *tcp_mem_alloc(struct tcp_stack *s, size_t n);
void tcp_mem_free(struct tcp_stack *s, void *p, size_t n);
kiln_time_t tcp_now(struct tcp_stack *s);
void tcp_wake(struct tcp_stack *s, struct waitq *q);

/* tcp_hash.c: SipHash-2-4 (keyed PRF for ISNs, cookies, table). */
uint64_t tcp_siphash(const uint64_t key[2], const void *data, size_t len);

/* tcp_isn.c: ISNs (RFC 6528) and SYN cookies. */
uint32_t tcp_isn(struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		 uint16_t rport, kiln_time_t now);
uint32_t tcp_cookie_make(struct tcp_stack *s, uint32_t laddr, uint16_t lport,
			 uint32_t raddr, uint16_t rport, uint32_t peer_isn, uint16_t mss,
			 kiln_time_t now);
/* The MSS encoded in a cookie, or 0 if it is not one we made recently. */
uint16_t tcp_cookie_check(struct tcp_stack *s, uint32_t laddr, uint16_t lport,
			  uint32_t raddr, uint16_t rport, uint32_t peer_isn, uint32_t cookie,
			  kiln_time_t now);

/* tcp_table.c: connections by 4-tuple, listeners by port. */
struct tcp_conn *tcp_table_find(struct tcp_stack *s, uint32_t laddr, uint16_t lport,
				uint32_t raddr, uint16_t rport);
void tcp_table_insert(struct tcp_stack *s, struct tcp_conn *c);
void tcp_table_remove(struct tcp_stack *s, struct tcp_conn *c);
struct tcp_listener *tcp_listener_find(struct tcp_stack *s, uint16_t port);

/* tcp_conn.c: lifetime. */
struct tcp_conn *tcp_conn_new(struct tcp_stack *s, uint32_t laddr, uint16_t lport,
			      uint32_t raddr, uint16_t rport);
/* The protocol is done with c: out of the table and timers; freed now
 * unless the application still holds it (then freed by close/abort). */
void tcp_conn_closed(struct tcp_conn *c, int err);
void tcp_conn_free(struct tcp_conn *c);
void tcp_set_state(struct tcp_conn *c, enum tcp_state st);
void tcp_accept_enqueue(struct tcp_conn *c);
void tcp_conn_init_send(struct tcp_conn *c, uint16_t peer_mss);

/* tcp_ring.c: byte rings. */
/* Make room for need bytes from head (grow up to max, keep the contents). */
bool tcp_ring_reserve(struct tcp_stack *s, struct tcp_ring *r, uint32_t need, uint32_t max);
void tcp_ring_release(struct tcp_stack *s, struct tcp_ring *r);
void tcp_ring_write_at(struct tcp_ring *r, uint32_t off, const void *src, uint32_t n);
void tcp_ring_read_at(const struct tcp_ring *r, uint32_t off, void *dst, uint32_t n);
void tcp_ring_consume(struct tcp_ring *r, uint32_t n);

/* tcp_rcv.c: the receive buffer and window (RFC 9293 3.8.6.2, RFC 7323). */
/* Accept payload at seq (already trimmed into the window); returns false if
 * memory was short (dropped). Advances rcv_nxt over in-order data. */
bool tcp_rcv_data(struct tcp_conn *c, uint32_t seq, struct view data);
uint32_t tcp_rcv_window(const struct tcp_conn *c); /* bytes we can take now */
uint16_t tcp_rcv_wnd_field(struct tcp_conn *c);    /* scaled field; moves rcv_adv */
void tcp_rcv_after_read(struct tcp_conn *c);       /* window update if worth it */

/* tcp_output.c: segments out. */
void tcp_output(struct tcp_conn *c, kiln_time_t now);
/* The most payload one segment may carry: snd_mss, or with TSO a whole
 * number of snd_mss up to TCP_TSO_MAX_PAYLOAD. */
uint32_t tcp_seg_limit(const struct tcp_conn *c);
/* After the application queued data: false if tcp_output() should run now,
 * true if it may wait for the ACK that is due (TSO: bigger super-segments). */
bool tcp_output_can_wait(const struct tcp_conn *c);
void tcp_send_ctl(struct tcp_conn *c, uint8_t flags, uint32_t seq, kiln_time_t now);
void tcp_send_syn(struct tcp_conn *c, kiln_time_t now);
void tcp_send_data(struct tcp_conn *c, uint32_t seq, uint32_t len, bool fin,
		   kiln_time_t now);
/* A RST (or any segment) with no connection behind it. */
void tcp_send_reset(struct tcp_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
		    uint16_t rport, uint32_t seq, uint32_t ack, bool with_ack);
void tcp_send_raw(struct tcp_stack *s, uint32_t laddr, uint32_t raddr,
		  const struct tcp_hdr *h, const uint8_t *payload, uint32_t len);
void tcp_challenge_ack(struct tcp_conn *c, kiln_time_t now);

/* tcp_timer.c: RTO, delayed ACK, persist, keepalive, TIME_WAIT. */
void tcp_timer_update(struct tcp_conn *c);
void tcp_timer_remove(struct tcp_conn *c);
void tcp_rtt_sample(struct tcp_conn *c, uint32_t rtt_us);
void tcp_rtx_arm(struct tcp_conn *c, kiln_time_t now);
void tcp_time_wait(struct tcp_conn *c, kiln_time_t now);
/* A ring drained: release empty rings at now + TCP_IDLE_RELEASE. */
void tcp_idle_arm(struct tcp_conn *c, kiln_time_t now);

/* tcp_cc.c: NewReno (RFC 5681, RFC 6582). */
void tcp_cc_init(struct tcp_conn *c);
void tcp_cc_ack(struct tcp_conn *c, uint32_t acked, kiln_time_t now);
void tcp_cc_dupack(struct tcp_conn *c, kiln_time_t now);
void tcp_cc_timeout(struct tcp_conn *c);
/* After the ACK: SACK shows snd_una lost (RFC 6675 IsLost) or the tail
 * loss probe came back without it: recover now, without 3 duplicates. */
void tcp_cc_sack_check(struct tcp_conn *c, kiln_time_t now);
void tcp_cc_tail_probe(struct tcp_conn *c, kiln_time_t now);
/* tcp_sack.c: the sender's scoreboard and hole retransmission. */
void tcp_sack_update(struct tcp_conn *c, const struct tcp_opts *o);
void tcp_sack_trim(struct tcp_conn *c);
/* RFC 6675 SetPipe: outstanding, less SACKed, less deemed lost (RACK). */
uint32_t tcp_sack_pipe(const struct tcp_conn *c);
/* SACKed bytes of the scoreboard inside [a, b). */
uint32_t tcp_sack_sacked(const struct tcp_conn *c, uint32_t a, uint32_t b);
unsigned tcp_sack_fill(const struct tcp_conn *c, struct tcp_opts *o);
uint32_t tcp_flight(const struct tcp_conn *c);

/* tcp_rack_log.c: the send log. Send times are microseconds in 32 bits
 * (a flight lasts far less than their 71 minutes): compare by difference. */
#define TCP_T_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
static inline uint32_t tcp_rack_us(kiln_time_t now)
{
	return (uint32_t)(now / 1000);
}
static inline uint32_t tcp_rack_start(const struct tcp_rack *r, unsigned i)
{
	return i ? r->e[i - 1].end : r->start; /* where range i begins */
}
kiln_time_t tcp_rack_clock(const struct tcp_conn *c, kiln_time_t now);
void tcp_rack_compact(struct tcp_rack *r); /* frees one range; n >= 2 */
void tcp_rack_split(struct tcp_rack *r, uint32_t seq); /* a boundary at seq; needs a free range */
/* tcp_rack.c: RACK (RFC 8985 6) on the send log. */
/* [seq, seq + len) (a FIN counts one) went out now: logged, no longer lost. */
void tcp_rack_sent(struct tcp_conn *c, uint32_t seq, uint32_t len, kiln_time_t now);
/* Before the ACK moves snd_una and the scoreboard: what it delivers. */
void tcp_rack_ack(struct tcp_conn *c, uint32_t ack, const struct tcp_opts *o, kiln_time_t now);
void tcp_rack_trim(struct tcp_conn *c); /* after snd_una moved */
bool tcp_rack_detect(struct tcp_conn *c, kiln_time_t now);
uint32_t tcp_rack_lost_bytes(const struct tcp_conn *c);
bool tcp_rack_rtx_lost(struct tcp_conn *c, kiln_time_t now);
void tcp_rack_mark_first(struct tcp_conn *c);
void tcp_rack_timeout(struct tcp_conn *c);
void tcp_rack_arm(struct tcp_conn *c);
void tcp_rack_free(struct tcp_conn *c);

/* tcp_input.c / tcp_listen_input.c */
void tcp_input_listen(struct tcp_stack *s, struct tcp_listener *l, uint32_t src,
		      uint32_t dst, const struct tcp_seg *sg, kiln_time_t now);
void tcp_input_conn(struct tcp_conn *c, const struct tcp_seg *sg, kiln_time_t now);
/* Window shift we offer for our receive buffer (RFC 7323 2.3). */
uint8_t tcp_rcv_wscale_for(const struct tcp_stack *s);

/* The sequence number our FIN occupies (valid with TF_FIN_QUEUED). */
static inline uint32_t tcp_fin_seq(const struct tcp_conn *c)
{
	return c->snd_una + c->snd.len;
}
static inline uint32_t tcp_ts_now(const struct tcp_conn *c, kiln_time_t now)
{
	/* RFC 7323 5.4: a 1 ms clock, offset per connection. */
	return (uint32_t)(now / 1000000) + c->ts_offset;
}

#endif
