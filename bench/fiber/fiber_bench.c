/* fiber_bench.c: fiber switch cost beside glibc's swapcontext, stack depth of a request handler, memory per idle fiber (docs/fibers.md). */
#include "../../lib/core/tests/fake_platform.h"
#include "../../lib/fiber/fiber_impl.h"

#include <kiln/checksum.h>
#include <kiln/fiber.h>
#include <kiln/pbuf.h>
#include <kiln/view.h>

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUNS 15
#define ITERS 200000

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* median of RUNS samples of ns per operation, in tenths of a ns */
static uint64_t median(uint64_t *s)
{
	qsort(s, RUNS, sizeof(*s), cmp_u64);
	return s[RUNS / 2];
}

/* --- 1. kiln_fiber_switch alone: main <-> one context, no scheduler ----- */

static void *main_sp, *ctx_sp;
static unsigned long bounces;

static void ctx_loop(void)
{
	for (;;) {
		bounces++;
		kiln_fiber_switch(&ctx_sp, main_sp);
	}
}

static uint64_t bench_raw_switch(void)
{
	static uint64_t stack[2048] __attribute__((aligned(16)));
	uint64_t s[RUNS];
	/* a frame as switch.S leaves it, returning into ctx_loop as if called */
	uint64_t *frame = &stack[2048 - 11];
	frame[0] = 0x0000037f00001f80ull;
	for (int i = 1; i < 7; i++)
		frame[i] = 0;
	frame[7] = (uint64_t)(uintptr_t)ctx_loop;
	ctx_sp = frame;
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < ITERS; i++)
			kiln_fiber_switch(&main_sp, ctx_sp);
		s[r] = (now_ns() - t0) * 10 / (2ull * ITERS); /* two switches per round trip */
	}
	return median(s);
}

/* --- 2. glibc swapcontext, the same ping-pong --------------------------- */

static ucontext_t uc_main, uc_ctx;
static void uc_loop(void)
{
	for (;;)
		swapcontext(&uc_ctx, &uc_main);
}

static uint64_t bench_swapcontext(void)
{
	static char stack[16384] __attribute__((aligned(16)));
	uint64_t s[RUNS];
	getcontext(&uc_ctx);
	uc_ctx.uc_stack.ss_sp = stack;
	uc_ctx.uc_stack.ss_size = sizeof(stack);
	uc_ctx.uc_link = NULL;
	makecontext(&uc_ctx, uc_loop, 0);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < ITERS; i++)
			swapcontext(&uc_main, &uc_ctx);
		s[r] = (now_ns() - t0) * 10 / (2ull * ITERS);
	}
	return median(s);
}

/* --- 3. fiber_yield through the scheduler, n fibers --------------------- */

static int yields_left;
static void yielder(void *arg)
{
	(void)arg;
	while (yields_left-- > 0)
		fiber_yield();
}

static uint64_t bench_yield(int nfibers)
{
	uint64_t s[RUNS];
	for (int r = 0; r < RUNS; r++) {
		for (int i = 0; i < nfibers; i++)
			fiber_spawn(yielder, NULL, 0);
		yields_left = ITERS;
		uint64_t t0 = now_ns();
		fiber_run();
		s[r] = (now_ns() - t0) * 10 / ITERS;
	}
	return median(s);
}

/* --- 4. Stack depth of a request handler -------------------------------
 * What a connection fiber of the www appliance does, using kiln's own
 * pieces where they exist: block in wait_on() for the request (delivered
 * by an engine in the loop), parse the request line and fields through
 * checked views into a field table, build the response head with snprintf
 * in a response record on the stack (as struct http_response is), compute
 * an ETag, and send: a pbuf with the segment pushed under TCP, IPv4 and
 * Ethernet headers through writers, with checksums. */

struct conn {
	struct waitq rq;
	const char *in;
	size_t in_len;
	int delivered;
	uint8_t wire[2048];
	size_t wire_len;
	size_t used; /* the handler's deepest stack use, painted */
};

struct field {
	struct view name, value;
};

static int parse_request(struct view req, struct view *method, struct view *path,
			 struct field *f, size_t maxf, size_t *nf)
{
	struct reader r = reader_make(req);
	size_t start = 0, pos = 0, line = 0;
	*nf = 0;
	while (reader_left(&r) > 0) {
		uint8_t c = reader_u8(&r);
		pos++;
		if (c != '\n')
			continue;
		struct view l;
		if (!view_sub(req, start, pos - start - 2, &l))
			return -1;
		if (line == 0) {
			size_t sp1 = 0, sp2 = 0;
			for (size_t i = 0; i < l.len; i++) {
				uint8_t b;
				view_u8(l, i, &b);
				if (b == ' ' && !sp1)
					sp1 = i;
				else if (b == ' ')
					sp2 = i;
			}
			if (!sp1 || !sp2 || !view_sub(l, 0, sp1, method) ||
			    !view_sub(l, sp1 + 1, sp2 - sp1 - 1, path))
				return -1;
		} else if (l.len == 0) {
			return 0;
		} else if (*nf < maxf) {
			for (size_t i = 0; i < l.len; i++) {
				uint8_t b;
				view_u8(l, i, &b);
				if (b == ':') {
					view_sub(l, 0, i, &f[*nf].name);
					view_tail(l, i + 2 < l.len ? i + 2 : l.len, &f[*nf].value);
					(*nf)++;
					break;
				}
			}
		}
		start = pos;
		line++;
	}
	return -1;
}

static int send_segment(struct conn *c, const void *data, size_t len)
{
	struct pbuf *pb = pbuf_alloc(64, len);
	uint8_t *p;
	struct writer w;
	uint32_t sum;

	if (!pb)
		return -1;
	memcpy(pb->data, data, len);
	p = pbuf_push(pb, 20); /* TCP */
	w = writer_make(p, 20);
	writer_be16(&w, 80);
	writer_be16(&w, 40000);
	writer_be32(&w, 1);
	writer_be32(&w, 2);
	writer_be16(&w, 0x5018);
	writer_be16(&w, 65535);
	writer_be32(&w, 0);
	sum = checksum_pseudo_ipv4(0x0a000001, 0x0a000002, 6, (uint16_t)(20 + len));
	sum = checksum_add(sum, p, 20 + len);
	store_be16(p + 16, checksum_fold(sum));
	p = pbuf_push(pb, 20); /* IPv4 */
	w = writer_make(p, 20);
	writer_be16(&w, 0x4500);
	writer_be16(&w, (uint16_t)(40 + len));
	writer_zeros(&w, 8);
	writer_be32(&w, 0x0a000001);
	writer_be32(&w, 0x0a000002);
	store_be16(p + 10, checksum_fold(checksum_add(0, p, 20)));
	p = pbuf_push(pb, 14); /* Ethernet */
	memset(p, 0x02, 12);
	store_be16(p + 12, 0x0800);
	struct view v = pbuf_view(pb);
	c->wire_len = v.len < sizeof(c->wire) ? v.len : sizeof(c->wire);
	view_copy(v, 0, c->wire, c->wire_len);
	pbuf_free(pb);
	return 0;
}

struct response { /* the shape of struct http_response (http.h) */
	int status;
	char fields[1024];
	size_t fields_len;
	char etag[64];
	struct view body;
};

static const char page[] = "<!doctype html><title>kiln</title><p>Hello from a fiber.</p>\n";

static void handler(void *arg)
{
	struct conn *c = arg;
	struct field fields[64];
	struct view method, path;
	struct response resp;
	char head[512];
	size_t nf;
	int n;

	while (!c->delivered)
		if (!wait_on(&c->rq, kiln_clock_monotonic() + 5000000000ull))
			return;
	if (parse_request(view_make(c->in, c->in_len), &method, &path, fields, 64, &nf) != 0)
		return;
	memset(&resp, 0, sizeof(resp));
	resp.status = 200;
	resp.body = view_make(page, sizeof(page) - 1);
	snprintf(resp.etag, sizeof(resp.etag), "\"%08x\"",
		 (unsigned)checksum_fold(checksum_add(0, page, sizeof(page) - 1)));
	resp.fields_len = (size_t)snprintf(resp.fields, sizeof(resp.fields),
					   "Content-Type: text/html; charset=utf-8\r\n");
	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 %d OK\r\nDate: %s\r\nServer: kiln\r\nContent-Length: %zu\r\n"
		     "ETag: %s\r\n%.*s\r\n",
		     resp.status, "Tue, 24 Nov 2026 09:00:00 GMT", resp.body.len, resp.etag,
		     (int)resp.fields_len, resp.fields);
	if (n < 0 || (size_t)n >= sizeof(head))
		return;
	send_segment(c, head, (size_t)n);
	send_segment(c, page, sizeof(page) - 1);
	c->used = fiber_stack_used(fiber_self());
}

static struct conn *pending;
static void deliver(kiln_time_t deadline)
{
	(void)deadline;
	if (pending && !pending->delivered) {
		pending->delivered = 1;
		waitq_wake(&pending->rq);
	}
}

static size_t bench_handler_stack(void)
{
	static const char req[] =
		"GET /index.html HTTP/1.1\r\nHost: 10.0.0.1\r\nUser-Agent: curl/7.88.1\r\n"
		"Accept: */*\r\nAccept-Encoding: gzip, deflate\r\nIf-None-Match: \"abc\"\r\n"
		"Connection: keep-alive\r\n\r\n";
	struct conn c = {.rq = WAITQ_INIT, .in = req, .in_len = sizeof(req) - 1};
	fiber_paint_stacks(true);
	pending = &c;
	fake_yield_hook = deliver;
	fiber_spawn(handler, &c, 64 * 1024);
	fiber_run();
	fake_yield_hook = NULL;
	fiber_paint_stacks(false);
	if (c.wire_len == 0)
		printf("handler: FAILED to send\n");
	return c.used;
}

/* --- 4b. The same with kiln's own HTTP server (lib/http), when built ----
 * http_conn_serve with the static-file handler over a kv store, its
 * transport's read blocking in wait_on() until an engine delivers the
 * request, as over TCP. The connection is on the heap, as http.h asks. */
#ifdef BENCH_HTTP
#include <kiln/http.h>

struct hconn {
	struct waitq rq;
	const char *in;
	size_t in_len, in_off;
	int delivered;
	size_t out_len;
};

static long h_read(void *ctx, void *buf, size_t len)
{
	struct hconn *h = ctx;
	while (!h->delivered)
		if (!wait_on(&h->rq, kiln_clock_monotonic() + 5000000000ull))
			return -1;
	size_t n = h->in_len - h->in_off;
	if (n > len)
		n = len;
	memcpy(buf, h->in + h->in_off, n);
	h->in_off += n;
	return (long)n;
}

static long h_write(void *ctx, const void *buf, size_t len)
{
	struct hconn *h = ctx;
	struct conn c = {.rq = WAITQ_INIT};
	(void)buf;
	h->out_len += len;
	/* down the stack as a TCP write would go: a segment per call */
	send_segment(&c, buf, len < 1400 ? len : 1400);
	return (long)len;
}

static const struct http_io h_ops = {h_read, h_write, NULL};
static const char h_page[] = "<!doctype html><title>kiln</title><p>Hello from a fiber.</p>\n";
static const struct kv_baked_entry h_entries[] = {
	{"index.html", 10, (const uint8_t *)h_page, sizeof(h_page) - 1, 0, {0}, "\"abc123\""},
};
static const struct kv_baked h_baked = {h_entries, 1};
static const struct kv_store h_store = {&kv_baked_ops, &h_baked};
static const struct http_static h_static = {&h_store, NULL};
static const struct http_route h_routes[] = {{"GET", "/", http_static_handler, (void *)&h_static}};
static struct http_server h_srv = {.routes = h_routes, .nroutes = 1, .name = "kiln"};
static struct hconn *h_pending;
static int h_result = -2;
static size_t h_used;

static uint64_t h_now(void)
{
	return 1795000000ull * 1000000000ull;
}

static void h_fiber(void *arg)
{
	struct hconn *h = arg;
	struct http_conn *c = malloc(sizeof(*c));
	if (!c)
		return;
	http_conn_init(c, &h_srv, &h_ops, h, NULL, 0);
	h_result = http_conn_serve(c);
	free(c);
	h_used = fiber_stack_used(fiber_self());
}

static void h_deliver(kiln_time_t deadline)
{
	(void)deadline;
	if (h_pending && !h_pending->delivered) {
		h_pending->delivered = 1;
		waitq_wake(&h_pending->rq);
	}
}

static size_t bench_http_stack(size_t *out_len)
{
	static const char req[] =
		"GET /index.html HTTP/1.1\r\nHost: 10.0.0.1\r\nUser-Agent: curl/7.88.1\r\n"
		"Accept: */*\r\nAccept-Encoding: gzip, deflate\r\nConnection: close\r\n\r\n";
	struct hconn h = {.rq = WAITQ_INIT, .in = req, .in_len = sizeof(req) - 1};

	h_srv.now = h_now;
	fiber_paint_stacks(true);
	h_pending = &h;
	fake_yield_hook = h_deliver;
	fiber_spawn(h_fiber, &h, 64 * 1024);
	fiber_run();
	fake_yield_hook = NULL;
	fiber_paint_stacks(false);
	*out_len = h.out_len;
	return h_result == 0 && h.out_len > sizeof(h_page) ? h_used : 0;
}
#endif

/* --- 5. Memory per idle connection --------------------------------------- */

static size_t rss_bytes(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return (size_t)rss * (size_t)sysconf(_SC_PAGESIZE);
}

static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static void idle(void *arg)
{
	wait_on(arg, KILN_TIME_NEVER); /* a connection waiting for its next request */
}
static void noop(void *arg)
{
	(void)arg;
}

static void bench_idle(const char *what, bool dormant, bool guard, int n)
{
	struct waitq *qs = calloc((size_t)n, sizeof(*qs));
	size_t h0, r0, h1, r1;

	fiber_guard_pages(guard);
	(void)rss_bytes(); /* stdio's first-use allocations happen here, not below */
	h0 = heap_bytes();
	r0 = rss_bytes();
	for (int i = 0; i < n; i++) {
		if (dormant)
			fiber_spawn_on(&qs[i], KILN_TIME_NEVER, noop, NULL, 0);
		else
			fiber_spawn(idle, &qs[i], 0);
	}
	loop_step(0); /* every fiber runs once and parks */
	h1 = heap_bytes();
	r1 = rss_bytes();
	for (int i = 0; i < n; i++)
		waitq_wake(&qs[i]);
	fiber_run();
	{
		struct fiber_stats st;
		fiber_get_stats(&st);
		if (st.live || st.stack_bytes)
			printf("LEAK: %zu fibers, %zu stack bytes left\n", st.live, st.stack_bytes);
	}
	printf("idle %-26s %6d fibers: heap %6zu B/fiber, resident %6zu B/fiber; "
	       "heap after all ended: %+ld B\n",
	       what, n, (h1 - h0) / (size_t)n, (r1 > r0 ? r1 - r0 : 0) / (size_t)n,
	       (long)heap_bytes() - (long)h0);
	free(qs);
}

int main(void)
{
	uint64_t raw = bench_raw_switch();
	uint64_t uc = bench_swapcontext();
	uint64_t y2 = bench_yield(2);
	uint64_t y1000 = bench_yield(1000);

	printf("switch kiln_fiber_switch     %4llu.%llu ns (median of %d runs x %d)\n",
	       (unsigned long long)raw / 10, (unsigned long long)raw % 10, RUNS, ITERS);
	printf("switch glibc swapcontext     %4llu.%llu ns\n",
	       (unsigned long long)uc / 10, (unsigned long long)uc % 10);
	printf("ratio swapcontext/kiln       %4llu.%02llu x\n",
	       (unsigned long long)(uc / raw), (unsigned long long)(uc * 100 / raw % 100));
	printf("fiber_yield, 2 fibers        %4llu.%llu ns per yield (2 switches + scheduler)\n",
	       (unsigned long long)y2 / 10, (unsigned long long)y2 % 10);
	printf("fiber_yield, 1000 fibers     %4llu.%llu ns per yield\n",
	       (unsigned long long)y1000 / 10, (unsigned long long)y1000 % 10);
	printf("stack: request handler used  %zu bytes (painted 64 KiB stack)\n",
	       bench_handler_stack());
#ifdef BENCH_HTTP
	{
		size_t out = 0, used = bench_http_stack(&out);
		if (used)
			printf("stack: lib/http serving a file used %zu bytes (%zu bytes sent)\n",
			       used, out);
		else
			printf("stack: lib/http serving a file: FAILED (%zu bytes sent)\n", out);
	}
#else
	printf("stack: lib/http not measured (it did not build)\n");
#endif
	printf("record: sizeof(struct fiber) %zu bytes\n", sizeof(struct fiber));
	/* each in a fresh process: pages an earlier run left resident in the
	 * heap would hide what the next one costs */
	fflush(stdout);
	for (int k = 0; k < 3; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			if (k == 0)
				bench_idle("parked, guard page", false, true, 10000);
			else if (k == 1)
				bench_idle("parked, no guard page", false, false, 10000);
			else
				bench_idle("dormant (fiber_spawn_on)", true, false, 10000);
			fflush(stdout);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	return 0;
}
