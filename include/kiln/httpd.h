/* httpd.h: an HTTP/1.1 server on kiln's TCP, one fiber per active connection:
 * lib/http's engine (http.h) over lib/tcp (tcp.h) with lib/fiber (fiber.h).
 *
 *     static struct http_server server = {routes, nroutes, "kiln", now_fn};
 *     struct httpd_config cfg = {.port = 80};
 *     struct httpd *h = httpd_start(tcp, &server, &cfg);
 *     fiber_run();                     // serves for ever
 *
 * Shape (docs/fibers.md, "Memory per fiber, and idle connections"):
 *   - an acceptor fiber takes connections from a TCP listener on cfg.port;
 *   - each connection gets a small record (struct httpd_conn, 24 bytes)
 *     and a *dormant* fiber (fiber_spawn_on on tcp_read_waitq): no stack
 *     until the client sends something;
 *   - when it is readable, the fiber starts, allocates a struct http_conn
 *     (~21 KiB: the parser and buffers) and runs http_conn_serve(), straight-
 *     line code that blocks only this fiber in tcp_read/tcp_write;
 *   - between requests (http_conn_serve returns HTTP_CONN_IDLE) the fiber
 *     keeps its stack and http_conn for `linger` (a keep-alive client's next
 *     request usually comes within a round trip, and a fresh stack costs a
 *     mapping on unix); after that the http_conn is freed and the fiber
 *     ends, leaving a dormant fiber again. So an idle
 *     keep-alive connection costs its TCP state (tcp.h: ~440 B), the record
 *     and a fiber record (FIBER_RECORD_BYTES): 10,000 of them fit in a few MB.
 *
 * Connections have TCP_NODELAY on: lib/http already coalesces a response's
 * head and small body (and pipelined responses) into one write, so Nagle
 * would only hold the last segment of a response until the peer's delayed
 * ACK (40 ms or more per response).
 *
 * Limits (struct httpd_config, each with its reason):
 *   - max_conns: connections held at once; for one more, the connection
 *     waiting longest (idle since its last request or its accept, or
 *     collecting a request head) is shed (reset, stats.shed); if every one
 *     is busy with a body or a response, the new one is reset at accept
 *     (stats.refused). So neither a flood nor slow clients lock others out;
 *   - max_active: connections with a fiber stack and an http_conn at once;
 *     one more sheds a request head arriving for over 200 ms, or waits;
 *   - head_timeout, body_timeout and body_min_rate: a request head must be
 *     complete head_timeout after its first byte; a body must arrive at
 *     body_min_rate after body_timeout (slowloris);
 *   - idle_timeout: a keep-alive connection with no request for this long is
 *     closed (and one that never sends anything);
 *   - io_timeout: a read or write inside a request that makes no progress for
 *     this long closes the connection (a client that stops reading, or sends
 *     half a request), so no fiber blocks for ever;
 *   - body_max: request bodies up to this many bytes are collected (a buffer
 *     of that size is allocated while a request is active); longer: 413.
 */
#ifndef KILN_HTTPD_H
#define KILN_HTTPD_H

#include <stddef.h>
#include <stdint.h>
#include <kiln/http.h>
#include <kiln/platform.h>
#include <kiln/tcp.h>

/* Defaults for the fields of struct httpd_config left 0. */
#define HTTPD_MAX_CONNS_DEFAULT 1024u       /* as lib/tcp's max_conns default */
#define HTTPD_BACKLOG_DEFAULT 128u          /* accepted-but-unserved connections */
#define HTTPD_IDLE_TIMEOUT_DEFAULT (120ull * 1000000000ull) /* nginx: 75 s; longer
						       keeps browsers' connections */
#define HTTPD_IO_TIMEOUT_DEFAULT (60ull * 1000000000ull)   /* nginx's send/read 60 s */
/* How long an active connection keeps its fiber and http_conn waiting for
 * the next request: a few round trips on a LAN. With it, wrk -c64 against
 * examples/www on unix went from ~26,000 to ~76,000 requests/s (each fresh
 * stack was an mmap, mprotect and munmap); it costs 10,000 idle connections
 * nothing, as each holds its stack only this long after its last request. */
#define HTTPD_LINGER_DEFAULT (2ull * 1000000ull)
/* Lingering close after an error response sent before the request was
 * read (413, 431, 400 with a body still coming; RFC 9112 9.6): the server
 * half-closes and discards what the client still sends, for at most this
 * long and this much (nginx: lingering_time 30 s), then closes. Without it
 * the close with unread data is a RST, and the client loses the response. */
/* Slowloris (a client holding a connection with a byte now and then): a
 * request head must be complete this long after its first byte arrived
 * (Apache mod_reqtimeout: header=20-40; nginx client_header_timeout 60 s),
 * and a body must arrive at HTTPD_BODY_MIN_RATE_DEFAULT bytes/s after a
 * grace of HTTPD_BODY_TIMEOUT_DEFAULT (Apache: body=20, MinRate=500). */
#define HTTPD_HEAD_TIMEOUT_DEFAULT (10ull * 1000000000ull)
#define HTTPD_BODY_TIMEOUT_DEFAULT (20ull * 1000000000ull)
#define HTTPD_BODY_MIN_RATE_DEFAULT 500u
/* Active connections (a running fiber and a struct http_conn: ~21 KiB plus
 * an 8 KiB stack plus body_max) at once. At the limit, or at max_conns,
 * the oldest idle connection and then the active one whose head has been
 * arriving longest are shed to let a new one in. 256 active cost ~8 MiB:
 * half of the smallest guest (mem = 16), which also holds ~2,700 idle
 * connections. Raise it with the appliance's memory. */
#define HTTPD_MAX_ACTIVE_DEFAULT 256u
#define HTTPD_LINGER_CLOSE_TIME (5ull * 1000000000ull)
#define HTTPD_LINGER_CLOSE_BYTES (16u << 20)

struct httpd_config {
	uint16_t port;             /* required */
	unsigned max_conns;        /* HTTPD_MAX_CONNS_DEFAULT */
	unsigned backlog;          /* HTTPD_BACKLOG_DEFAULT (1..1024, tcp_listen) */
	kiln_time_t idle_timeout;  /* HTTPD_IDLE_TIMEOUT_DEFAULT */
	kiln_time_t io_timeout;    /* HTTPD_IO_TIMEOUT_DEFAULT */
	kiln_time_t linger;        /* HTTPD_LINGER_DEFAULT (1 ns: practically none) */
	size_t body_max;           /* 0: bodiless requests only (413 otherwise) */
	size_t stack_size;         /* per active connection: 0 for FIBER_STACK_DEFAULT */
	unsigned max_active;       /* HTTPD_MAX_ACTIVE_DEFAULT */
	kiln_time_t head_timeout;  /* HTTPD_HEAD_TIMEOUT_DEFAULT */
	kiln_time_t body_timeout;  /* HTTPD_BODY_TIMEOUT_DEFAULT */
	uint32_t body_min_rate;    /* bytes/s, HTTPD_BODY_MIN_RATE_DEFAULT */
};

struct httpd_stats {
	uint64_t accepted;      /* connections accepted */
	uint64_t refused;       /* reset at accept: max_conns reached */
	uint64_t idle_timeouts; /* closed after idle_timeout without a request */
	uint64_t io_errors;     /* ended by an I/O error or io_timeout */
	uint64_t no_memory;     /* a connection closed because malloc failed */
	uint64_t lingering_closes; /* error responses followed by a lingering close */
	uint64_t shed;          /* closed to make room (oldest idle, slowest head) */
	uint64_t head_timeouts; /* a request head not complete in head_timeout */
	uint64_t body_timeouts; /* a body slower than body_min_rate */
	uint32_t open;          /* connections held now */
	uint32_t active;        /* of those, with a running fiber and an http_conn */
};

struct httpd;

/* Listen on cfg->port of tcp (which must be attached to the loop, or driven
 * by the caller) and start the acceptor fiber; srv (routes, name, clock) is
 * shared by every connection and must outlive the server. NULL with *err
 * (if not NULL) set to a negative TCP_E* (the port is taken: -TCP_EADDRINUSE)
 * or -TCP_ENOMEM / -TCP_EINVAL. Serving happens in fibers: the caller runs
 * fiber_run() (or blocks in wait_on) afterwards. */
struct httpd *httpd_start(struct tcp_stack *tcp, struct http_server *srv,
			  const struct httpd_config *cfg, int *err);

/* Stop listening (new connections are refused by TCP); connections already
 * open are served until they close, then everything is freed. Call once;
 * h must not be used afterwards. */
void httpd_stop(struct httpd *h);

void httpd_get_stats(const struct httpd *h, struct httpd_stats *out);

#endif
