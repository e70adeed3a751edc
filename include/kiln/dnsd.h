/* dnsd.h: the DNS server's network side: the authoritative server of
 * dns_server.h on UDP and TCP port 53 (RFC 1035 4.2, RFC 7766), and its
 * zones loaded from a key-value store at boot (kv.h).
 *
 *     static struct dns_server server;
 *     static struct dnsd dnsd;
 *     dns_server_init(&server);
 *     if (dnsd_load_zones(&server, &kiln_files, argc, argv) < 0) return 1;
 *     dnsd_udp_start(&dnsd, &server, &net.udp, 53);
 *     dnsd_tcp_start(&dnsd, net_tcp_open(&net, NULL), 53);
 *     fiber_run();
 *
 * UDP. The socket gets a receive callback (udp_on_receive): each query is
 * answered during input, in place, into a buffer inside struct dnsd, and
 * sent back from the port it came to. Nothing is queued and nothing is
 * allocated per query by this library (udp_send makes the outgoing packet).
 * A query that gets no answer (dns_server.h: a response, or under 12 bytes)
 * is counted and dropped.
 *
 * TCP (RFC 7766). One fiber accepts; each connection gets a fiber of its
 * own that reads 2-byte-length-framed queries, answers them in order (a
 * client may pipeline several queries on one connection) and writes the
 * framed responses. A connection ends when the client closes, when it has
 * been idle (no complete query: bytes that do not finish one do not count)
 * for cfg.tcp_idle, when a frame announces a query longer than
 * DNSD_TCP_QUERY_MAX or an empty one (length 0: reset, as NSD and Knot
 * close), or on a TCP error. At most
 * cfg.tcp_conns connections are served at once; one more is reset at accept
 * (the client retries, as after any refused connection).
 *
 * Zones. dnsd_load_zones() parses every key "ORIGIN.zone" of the store with
 * dns_zone_parse() (origin = the key without ".zone", the file name used in
 * messages = the key), or, when the boot arguments hold one or more
 * --zone=KEY or --zone=KEY:ORIGIN, only those keys. An error prints one line
 * "dnsd: KEY:LINE: problem" and returns -1: the appliance should exit 1.
 */
#ifndef KILN_DNSD_H
#define KILN_DNSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kiln/dns_server.h>
#include <kiln/kv.h>
#include <kiln/tcp.h>
#include <kiln/udp.h>

/* --- Limits, each with its reason ----------------------------------------- */

/* The UDP response buffer: dns_server_answer never writes more than the
 * server's udp_max (DNS_SERVER_UDP_MAX, 1232, by default); 4096 is the
 * largest EDNS size any common client advertises, so a server configured
 * up to that still fits. */
#define DNSD_UDP_OUT_MAX 4096
/* A query over TCP longer than this closes the connection: a query is one
 * question (<= 255 + 4 octets) plus header and an OPT with options, far
 * below 1 KiB; 4 KiB leaves room for cookies and padding (RFC 7830). */
#define DNSD_TCP_QUERY_MAX 4096
/* Connections served at once (default): each costs a fiber stack
 * (DNSD_TCP_STACK) and its TCP buffers; 64 bounds the total near 4 MiB on
 * unix, and TCP is the fallback path (TC answers), not the main one. */
#define DNSD_TCP_CONNS_DEFAULT 64
/* Idle time before the server closes a connection (default): RFC 7766
 * 6.2.3 asks for a timeout of "a few seconds"; NSD uses 120 s under no
 * load, BIND 30 s. 10 s lets dig/kdig pipeline and keeps idle conns few. */
#define DNSD_TCP_IDLE_DEFAULT (10ull * 1000000000ull)
/* A connection fiber's stack: dns_server_answer uses ~9 KiB (dns_server.h),
 * the TCP/IPv4 send path ~1 KiB more on hvt, glibc's path more on unix;
 * sanitizer builds need about twice as much. */
#if defined(__SANITIZE_ADDRESS__)
#define DNSD_TCP_STACK (64u * 1024)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DNSD_TCP_STACK (64u * 1024)
#endif
#endif
#ifndef DNSD_TCP_STACK
#define DNSD_TCP_STACK (24u * 1024)
#endif
/* A framed TCP response at most: the 2-byte prefix and 65535 octets. */
#define DNSD_TCP_OUT_MAX (2u + 65535u)
/* Keys given with --zone: as many as a server holds zones. */
#define DNSD_ZONE_ARGS_MAX DNS_SERVER_ZONES_MAX

struct dnsd_stats {
	uint64_t udp_queries;     /* datagrams received on the port */
	uint64_t udp_answers;     /* responses sent */
	uint64_t udp_unanswered;  /* no response due (dns_server.h) */
	uint64_t udp_send_failed; /* udp_send refused the response */
	uint64_t tcp_accepted, tcp_refused; /* refused: over cfg.tcp_conns */
	uint64_t tcp_queries, tcp_answers;
	uint64_t tcp_idle_closed; /* idle timeout reached */
	uint64_t tcp_too_long;    /* a frame over DNSD_TCP_QUERY_MAX */
	uint64_t tcp_empty;       /* a frame of length 0 */
	uint64_t tcp_errors;      /* reset, timed out writing, no memory */
};

struct dnsd_config {
	unsigned tcp_conns;       /* 0: DNSD_TCP_CONNS_DEFAULT */
	kiln_time_t tcp_idle;     /* 0: DNSD_TCP_IDLE_DEFAULT */
};

struct dnsd {
	const struct dns_server *server;
	struct dnsd_config cfg;
	struct udp_socket *udp;
	struct tcp_listener *listener;
	unsigned tcp_open;        /* connections being served */
	uint8_t *tcp_out;         /* shared TCP response buffer (2 + 65535) */
	struct dnsd_stats stats;
	uint8_t udp_out[DNSD_UDP_OUT_MAX];
};

/* Serve s over UDP on port of u (cfg: NULL for the defaults; the config is
 * kept for dnsd_tcp_start too). s must outlive d. -1 (after printing why)
 * if the port is taken. */
int dnsd_udp_start(struct dnsd *d, const struct dns_server *s, const struct dnsd_config *cfg,
		   struct udp *u, uint16_t port);

/* Serve d's server over TCP on port of tcp (after dnsd_udp_start, or after
 * setting d->server and d->cfg by hand). Spawns the accept fiber: the
 * caller then runs fibers (fiber_run). -1 (after printing why) if the port
 * is taken or memory is short; tcp NULL is refused too. */
int dnsd_tcp_start(struct dnsd *d, struct tcp_stack *tcp, uint16_t port);

/* Answer every complete framed query at the start of in[0..len): append
 * each framed response to out[0..cap) while at least DNSD_TCP_OUT_MAX bytes
 * of out remain (a smaller room could make the server truncate an answer
 * that TCP must carry whole), so cap = DNSD_TCP_OUT_MAX answers one query. *consumed is the number of input
 * bytes used, *out_len the bytes written. Returns false if the next frame
 * announces 0 or more than DNSD_TCP_QUERY_MAX bytes (dnsd_tcp_frame_bad:
 * the connection should be closed), else true. The connection fibers run this; it does no I/O (the
 * fuzz harness drives it). */
/* A frame whose 2-byte length prefix (at p) announces no message or one
 * over DNSD_TCP_QUERY_MAX. */
static inline bool dnsd_tcp_frame_bad(const uint8_t *p)
{
	size_t len = (size_t)p[0] << 8 | p[1];
	return len == 0 || len > DNSD_TCP_QUERY_MAX;
}

bool dnsd_tcp_answer_stream(const struct dns_server *s, const uint8_t *in, size_t len,
			    size_t *consumed, uint8_t *out, size_t cap, size_t *out_len,
			    uint64_t *queries, uint64_t *answers);

/* Load the zones of store into s, as described above. Returns the number of
 * zones loaded (>= 1), or -1 after printing one line: a parse error
 * ("dnsd: KEY:LINE: problem"), a --zone key that is missing, a store with no
 * ".zone" key, or more zones than the server holds. */
int dnsd_load_zones(struct dns_server *s, const struct kv_store *store, int argc, char **argv);

/* Print d's counters on the console, one "dnsd.NAME VALUE" per line. */
void dnsd_print_stats(const struct dnsd *d);

#endif
