/* www.c: the www appliance: site/ (baked in by `files = site`) served over HTTP/1.1 on port 80 by kiln's TCP, with /bytes/N, /stats, an upload checksum service on port 81 and a discard service on port 9 (docs/www.md).
 *
 * Boot arguments: --ipv4=ADDR/PREFIX [--ipv4-gateway=ADDR] (else DHCP);
 * --max-conns=N (HTTP connections held at once, default 1024);
 * --tcp-sndbuf=KIB (each connection's send buffer bound, default 4096 as
 * Linux's tcp_wmem, 256 on hvt, whose guests run in a few MiB; a connection
 * fills at most twice its congestion window);
 * --tcp-rcvbuf=KIB (its receive buffer and window, default 256);
 * --tcp-buf=KIB (both);
 * --tcp-rto-min-ms=N (TCP's lower bound on the retransmission timeout, default
 * lib/tcp's 200 ms; a LAN-only appliance may lower it);
 * --paint-stacks (measure: /stats then shows the deepest fiber stack use).
 *
 * Routes:
 *   GET /bytes/N   N bytes (N < 2^40), byte i = 'a' + i % 26 with a newline
 *                  every 64th byte: deterministic, for transfer tests
 *                  (`head -c N` of the same generator gives the same sha256);
 *   GET /stats     the heap, fibers, TCP and HTTP counters, one "name value"
 *                  per line (tests compare memory before and after a load);
 *   GET /...       the baked site; "/" is index.html.
 * Port 81: send anything, shut down writing, and get back "CRC LENGTH\n", the
 * POSIX cksum of what arrived (compare with `cksum < file`). */
#include <kiln/args.h>
#include <kiln/dhcp.h>
#include <kiln/fiber.h>
#include <kiln/http.h>
#include <kiln/httpd.h>
#include <kiln/kv.h>
#include <kiln/net.h>
#include <kiln/nettcp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "www.h"

KV_BAKED_DECLARE(kiln_files);

/* The default send buffer bound: Linux's largest tcp_wmem where memory is
 * the host's; on hvt, where a guest may have 2 MiB in all (tests/www/mem.sh),
 * what it was before lib/tcp's buffer followed the window. */
#if defined(KILN_TARGET_HVT)
#define WWW_SNDBUF_KIB 256
#else
#define WWW_SNDBUF_KIB 4096
#endif

static struct net net;
static struct dhcp_net dhcp;
static struct tcp_stack *tcp;
static struct httpd *httpd;

/* /bytes/N: written from a buffer holding the pattern from offset 0 with
 * a period to spare, so that each write starts at off % period and nothing
 * is made per request. */
static int bytes_handler(struct http_request *req, struct http_response *resp)
{
	enum { CHUNK = 16384 };
	const char *p = req->path + strlen("/bytes/");
	uint64_t n = 0;
	static uint8_t buf[CHUNK + WWW_PATTERN_PERIOD];
	static bool made;

	if (*p == '\0')
		return 404;
	for (int i = 0; *p >= '0' && *p <= '9'; i++, p++) {
		if (i == 13)
			return 400; /* 10^13 > 2^40: no such route */
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (*p || n >> 40)
		return 404;
	http_response_field(resp, "Content-Type", "text/plain");
	http_response_length(resp, n);
	if (req->head_only)
		return 0;
	if (!made) {
		www_pattern(buf, 0, sizeof(buf));
		made = true;
	}
	for (uint64_t off = 0; off < n;) {
		size_t k = n - off < CHUNK ? (size_t)(n - off) : CHUNK;
		if (http_response_write(resp, buf + off % WWW_PATTERN_PERIOD, k) < 0)
			return -1;
		off += k;
	}
	return 0;
}

static int stats_handler(struct http_request *req, struct http_response *resp)
{
	static char text[1024];
	struct fiber_stats fs;
	struct tcp_stack_info ti;
	struct httpd_stats hs;
	const struct tcp_stats *ts = tcp_stack_stats(tcp);
	(void)req;

	fiber_get_stats(&fs);
	tcp_stack_info(tcp, &ti);
	httpd_get_stats(httpd, &hs);
	int n = snprintf(text, sizeof(text),
			 "heap_used %zu\nfibers_live %zu\nfibers_dormant %zu\nfiber_stack_bytes %zu\n"
			 "tcp_conns %u\ntcp_mem %zu\ntcp_retransmits %llu\ntcp_rto_expired %llu\n"
			 "tcp_fast_retransmits %llu\ntcp_sack_retransmits %llu\n"
			 "httpd_open %u\nhttpd_active %u\nhttpd_accepted %llu\nhttpd_refused %llu\n"
			 "fiber_max_stack_used %zu\ntcp_segs_out %llu\ntcp_tso_sends %llu\n"
			 "net_rx_frames %llu\n",
			 kiln_heap_used(), fs.live, fs.dormant, fs.stack_bytes, ti.conns, ti.mem,
			 (unsigned long long)ts->retransmits, (unsigned long long)ts->rto_expired,
			 (unsigned long long)ts->fast_retransmits,
			 (unsigned long long)ts->sack_retransmits, hs.open, hs.active,
			 (unsigned long long)hs.accepted, (unsigned long long)hs.refused,
			 fs.max_stack_used, (unsigned long long)ts->segs_out,
			 (unsigned long long)ts->tso_sends,
			 (unsigned long long)net.eth.counters.rx_frames);
	http_response_field(resp, "Content-Type", "text/plain");
	http_response_field(resp, "Cache-Control", "no-store");
	http_response_body(resp, view_make(text, n > 0 && (size_t)n < sizeof(text) ? (size_t)n : 0));
	return 0;
}

static uint64_t wall_clock(void)
{
	return kiln_clock_wall();
}

static struct http_static site = {&kiln_files, NULL};
static const struct http_route routes[] = {
	{"GET", "/bytes/", bytes_handler, NULL},
	{"GET", "/stats", stats_handler, NULL},
	{"GET", "/", http_static_handler, &site},
};
static struct http_server server = {routes, sizeof(routes) / sizeof(routes[0]), "kiln",
				    wall_clock, {0}, 0, {0}};

int kiln_main(int argc, char **argv)
{
	unsigned long max_conns = args_ulong(argc, argv, "--max-conns", 1024);
	unsigned long buf_kib = args_ulong(argc, argv, "--tcp-buf", 0);
	unsigned long snd_kib = args_ulong(argc, argv, "--tcp-sndbuf",
					   buf_kib ? buf_kib : WWW_SNDBUF_KIB);
	unsigned long rcv_kib = args_ulong(argc, argv, "--tcp-rcvbuf", buf_kib ? buf_kib : 256);
	unsigned long rto_min_ms = args_ulong(argc, argv, "--tcp-rto-min-ms", 0);
	int err = 0;

	if (max_conns < 1 || max_conns > 100000 || snd_kib < 4 || snd_kib > 65536 ||
	    rcv_kib < 4 || rcv_kib > 65536 || rto_min_ms > 60000) {
		printf("www: --max-conns is 1..100000, --tcp-buf, --tcp-sndbuf and "
		       "--tcp-rcvbuf 4..65536 (KiB), "
		       "--tcp-rto-min-ms 1..60000\n");
		return 2;
	}
	if (args_flag(argc, argv, "--paint-stacks"))
		fiber_paint_stacks(true);
	if (dhcp_net_up(&net, &dhcp, "service", argc, argv) < 0)
		return 1;
	struct tcp_config tc = {0};
	/* Room for every HTTP connection, the checksum service's and the
	 * TIME_WAITs of connections the appliance closed. */
	tc.max_conns = (uint32_t)(max_conns + max_conns / 4 + 64);
	tc.sndbuf = (uint32_t)(snd_kib * 1024);
	tc.rcvbuf = (uint32_t)(rcv_kib * 1024);
	tc.syn_queue = 1024;
	tc.rto_min = (kiln_time_t)rto_min_ms * 1000000ull; /* 0: lib/tcp's default */
	tcp = net_tcp_open(&net, &tc);
	if (!tcp)
		return 1;
	struct httpd_config hc = {.port = 80, .max_conns = (unsigned)max_conns, .backlog = 1024,
				  .stack_size = WWW_STACK};
	httpd = httpd_start(tcp, &server, &hc, &err);
	if (!httpd) {
		printf("www: cannot serve port 80 (error %d)\n", err);
		return 1;
	}
	if (www_sink_start(tcp, 81) < 0 || www_discard_start(tcp, 9) < 0)
		return 1;
	uint32_t a = net.ip.addr;
	/* The appliance's own address: behind user-mode networking (kiln run's
	 * default) the host reaches it through the forward kiln announces. */
	printf("www: serving on port 80 of the appliance's own address %u.%u.%u.%u (checksums on "
	       "port 81, discard on 9)\n", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	fiber_run(); /* serves for ever */
	return 0;
}
