/* httpd_test.c: lib/httpd end to end: HTTP clients (lib/http's client and raw TCP) against httpd over two TCP stacks on an in-memory link, with fibers (include/kiln/httpd.h). */
#include <kiln/fiber.h>
#include <kiln/http.h>
#include <kiln/httpd.h>
#include <stdio.h>

#include "harness.h"
#include "link.h"

/* --- The server's routes -------------------------------------------------- */

static int hello(struct http_request *req, struct http_response *resp)
{
	(void)req;
	http_response_field(resp, "Content-Type", "text/plain");
	http_response_body(resp, view_make("hello, world\n", 13));
	return 0;
}

/* GET /bytes/N: N bytes, byte i = i % 251, streamed in 4 KiB writes. */
static int bytes(struct http_request *req, struct http_response *resp)
{
	const char *p = req->path + strlen("/bytes/");
	uint64_t n = 0;
	static uint8_t buf[4096];

	for (int i = 0; *p >= '0' && *p <= '9' && i < 12; i++)
		n = n * 10 + (uint64_t)(*p++ - '0');
	if (*p)
		return 404;
	http_response_length(resp, n);
	for (uint64_t off = 0; off < n;) {
		size_t k = n - off < sizeof(buf) ? (size_t)(n - off) : sizeof(buf);
		for (size_t i = 0; i < k; i++)
			buf[i] = (uint8_t)((off + i) % 251);
		if (http_response_write(resp, buf, k) < 0)
			return -1;
		off += k;
	}
	return 0;
}

static const struct http_route routes[] = {
	{"GET", "/hello", hello, NULL},
	{"GET", "/bytes/", bytes, NULL},
};
static struct http_server server = {routes, 2, "kiln-test", NULL, {0}, 0, {0}};

static struct httpd *start(const struct httpd_config *cfg, const struct tcp_config *tcfg)
{
	int err = 1;
	link_open(tcfg);
	memset(&server.stats, 0, sizeof(server.stats));
	struct httpd *h = httpd_start(L.server, &server, cfg, &err);
	return err == 0 ? h : NULL;
}

/* Stop, let everything close, free; true if nothing is left behind. */
static bool stop(struct httpd *h)
{
	struct tcp_stack_info si;
	struct fiber_stats fs;

	httpd_stop(h);
	LINK_RUN_UNTIL(0, 3000); /* TIME_WAIT is 2 s here */
	tcp_stack_info(L.server, &si);
	fiber_get_stats(&fs);
	bool clean = si.conns == 0 && si.listeners == 0 && fs.live == 0;
	if (!clean)
		fprintf(stderr, "left: %u conns %u listeners %zu fibers\n", si.conns,
			si.listeners, fs.live);
	link_close();
	return clean;
}

/* --- A client in a fiber: lib/http's client over the client stack --------- */

static long cl_read(void *ctx, void *buf, size_t len)
{
	return tcp_read(ctx, buf, len, fake_now + 10 * SECS);
}
static long cl_write(void *ctx, const void *buf, size_t len)
{
	return tcp_write(ctx, buf, len, fake_now + 10 * SECS);
}
static const struct http_io cl_io = {cl_read, cl_write, NULL};

struct body_check {
	uint64_t len;
	int bad;
};
static int check_body(void *arg, struct view chunk)
{
	struct body_check *b = arg;
	for (size_t i = 0; i < chunk.len; i++)
		if (chunk.data[i] != (uint8_t)((b->len + i) % 251))
			b->bad = 1;
	b->len += chunk.len;
	return 0;
}

static struct {
	int requests, ok, done;
	uint64_t size;
} job;

static void client_many(void *arg)
{
	(void)arg;
	int err = 0;
	static struct http_client cl;
	struct tcp_conn *t = tcp_connect(L.client, CLIENT_ADDR, SERVER_ADDR, 80,
					 fake_now + 5 * SECS, &err);
	if (!t) {
		job.done = 1;
		return;
	}
	http_client_init(&cl, &cl_io, t, 1ull << 30);
	for (int i = 0; i < job.requests; i++) {
		char target[64];
		struct body_check b = {0, 0};
		snprintf(target, sizeof(target), "/bytes/%llu",
			 (unsigned long long)(job.size + (uint64_t)i * 37));
		struct http_client_request rq = {"GET", "test", target, NULL, {NULL, 0}, 0};
		if (http_client_exchange(&cl, &rq, check_body, &b) != 0 || !cl.reusable)
			break;
		if (cl.parser.msg.status == 200 && !b.bad && b.len == job.size + (uint64_t)i * 37)
			job.ok++;
	}
	tcp_close(t);
	job.done = 1;
}

TEST(many_requests_on_one_keepalive_connection)
{
	struct httpd_config cfg = {.port = 80};
	struct httpd *h = start(&cfg, NULL);
	CHECK(h != NULL);
	memset(&job, 0, sizeof(job));
	job.requests = 300;
	job.size = 1000;
	fiber_spawn(client_many, NULL, 0);
	LINK_RUN_UNTIL(job.done, 200000);
	CHECK(job.done);
	CHECK_EQ(job.ok, 300);
	CHECK_EQ(server.stats.requests, 300);
	CHECK_EQ(server.stats.responses_2xx, 300);
	struct httpd_stats st;
	httpd_get_stats(h, &st);
	CHECK_EQ(st.accepted, 1);
	LINK_RUN_UNTIL(0, 100);
	httpd_get_stats(h, &st);
	CHECK_EQ(st.open, 0);
	CHECK(stop(h));
}

TEST(large_response_arrives_intact)
{
	struct httpd_config cfg = {.port = 80};
	struct httpd *h = start(&cfg, NULL);
	CHECK(h != NULL);
	memset(&job, 0, sizeof(job));
	job.requests = 1;
	job.size = 8u << 20;
	fiber_spawn(client_many, NULL, 0);
	LINK_RUN_UNTIL(job.done, 400000);
	CHECK_EQ(job.ok, 1);
	CHECK(stop(h));
}

TEST(large_response_over_a_lossy_link)
{
	struct httpd_config cfg = {.port = 80};
	struct httpd *h = start(&cfg, NULL);
	CHECK(h != NULL);
	L.drop_every = 23; /* ~4% of segments, both ways */
	memset(&job, 0, sizeof(job));
	job.requests = 3;
	job.size = 1u << 20;
	fiber_spawn(client_many, NULL, 0);
	LINK_RUN_UNTIL(job.done, 2000000);
	CHECK_EQ(job.ok, 3);
	CHECK(L.dropped > 10);
	L.drop_every = 0;
	CHECK(stop(h));
}

/* Raw TCP from the main flow, non-blocking, to control exactly what is sent. */
static struct tcp_conn *raw_connect(void)
{
	struct tcp_conn *t = NULL;
	if (tcp_connect_nb(L.client, CLIENT_ADDR, SERVER_ADDR, 80, &t) != 0)
		return NULL;
	LINK_RUN_UNTIL(tcp_conn_status(t) == 0, 1000);
	return tcp_conn_status(t) == 0 ? t : NULL;
}

static size_t raw_read_all(struct tcp_conn *t, char *buf, size_t cap, long steps)
{
	size_t got = 0;
	for (long i = 0; i < steps && got < cap - 1; i++) {
		long n = tcp_read_nb(t, buf + got, cap - 1 - got);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n != -TCP_EAGAIN)
			break;
		fake_now += MSEC;
		loop_step(0);
	}
	buf[got] = '\0';
	return got;
}

static int count(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

TEST(pipelined_requests_answered_in_order)
{
	struct httpd_config cfg = {.port = 80};
	struct httpd *h = start(&cfg, NULL);
	static char buf[1 << 16];
	CHECK(h != NULL);
	struct tcp_conn *t = raw_connect();
	CHECK(t != NULL);
	const char *req = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"
			  "GET /bytes/0 HTTP/1.1\r\nHost: a\r\n\r\n"
			  "GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n"
			  "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
	CHECK_EQ(tcp_write_nb(t, req, strlen(req)), (long)strlen(req));
	raw_read_all(t, buf, sizeof(buf), 2000);
	CHECK_EQ(count(buf, "HTTP/1.1 200 OK"), 3);
	CHECK_EQ(count(buf, "HTTP/1.1 404"), 1);
	const char *a = strstr(buf, "hello, world");
	const char *nf = strstr(buf, "404");
	const char *last = strstr(nf ? nf : buf, "hello, world");
	CHECK(a && nf && last && a < nf && nf < last);
	CHECK_EQ(tcp_read_nb(t, buf, 1), 0); /* Connection: close was honoured */
	tcp_close(t);
	CHECK(stop(h));
}

TEST(client_closing_mid_response_frees_everything)
{
	struct httpd_config cfg = {.port = 80};
	struct httpd *h = start(&cfg, NULL);
	static char buf[4096];
	CHECK(h != NULL);
	for (int k = 0; k < 2; k++) {
		struct tcp_conn *t = raw_connect();
		CHECK(t != NULL);
		const char *req = "GET /bytes/50000000 HTTP/1.1\r\nHost: a\r\n\r\n";
		CHECK_EQ(tcp_write_nb(t, req, strlen(req)), (long)strlen(req));
		size_t got = 0;
		for (int i = 0; i < 2000 && got < 100000; i++) {
			long n = tcp_read_nb(t, buf, sizeof(buf));
			if (n > 0)
				got += (size_t)n;
			else {
				fake_now += MSEC;
				loop_step(0);
			}
		}
		CHECK(got >= 100000);
		struct httpd_stats st;
		httpd_get_stats(h, &st);
		CHECK_EQ(st.active, 1);
		if (k == 0)
			tcp_abort(t); /* RST */
		else
			tcp_close(t); /* unread data: also a RST, after our FIN */
		LINK_RUN_UNTIL(0, 200);
		httpd_get_stats(h, &st);
		CHECK_EQ(st.active, 0);
		CHECK_EQ(st.open, 0);
		CHECK(st.io_errors >= (uint64_t)k + 1);
	}
	CHECK(stop(h));
}

/* At max_conns a new connection is let in and the oldest idle one shed
 * (reset): a crowd of silent connections cannot lock new clients out. */
TEST(connection_limit_sheds_the_oldest_idle)
{
	struct httpd_config cfg = {.port = 80, .max_conns = 4};
	struct httpd *h = start(&cfg, NULL);
	struct tcp_conn *t[6];
	CHECK(h != NULL);
	for (int i = 0; i < 6; i++)
		CHECK_EQ(tcp_connect_nb(L.client, CLIENT_ADDR, SERVER_ADDR, 80, &t[i]), 0);
	LINK_RUN_UNTIL(0, 100);
	struct httpd_stats st;
	httpd_get_stats(h, &st);
	CHECK_EQ(st.open, 4);
	CHECK_EQ(st.refused, 0);
	CHECK_EQ(st.shed, 2);
	int reset = 0;
	for (int i = 0; i < 6; i++) {
		reset += tcp_conn_status(t[i]) == -TCP_ECONNRESET;
		if (i < 2)
			CHECK_EQ(tcp_conn_status(t[i]), -TCP_ECONNRESET); /* the oldest */
		tcp_close(t[i]);
	}
	CHECK_EQ(reset, 2);
	CHECK(stop(h));
}

TEST(idle_timeout_closes_silent_connections)
{
	struct httpd_config cfg = {.port = 80, .idle_timeout = 5 * SECS};
	struct httpd *h = start(&cfg, NULL);
	char buf[16];
	CHECK(h != NULL);
	struct tcp_conn *t = raw_connect();
	CHECK(t != NULL);
	LINK_RUN_UNTIL(0, 4000);
	struct httpd_stats st;
	httpd_get_stats(h, &st);
	CHECK_EQ(st.open, 1);
	LINK_RUN_UNTIL(0, 2000);
	httpd_get_stats(h, &st);
	CHECK_EQ(st.open, 0);
	CHECK_EQ(st.idle_timeouts, 1);
	CHECK_EQ(tcp_read_nb(t, buf, sizeof(buf)), 0); /* the server's FIN */
	tcp_close(t);
	CHECK(stop(h));
}

/* 1,500 keep-alive connections, each having made one request, then idle:
 * no http_conn and no fiber stack is held for them, and after they close
 * the server's TCP memory, the fibers and httpd's own count are back where
 * they started. (ASan's leak check at exit covers the heap.) */
TEST(many_idle_connections_cost_no_stacks_and_are_freed)
{
	enum { N = 1500 };
	static struct tcp_conn *t[N];
	static char buf[512];
	struct httpd_config cfg = {.port = 80, .max_conns = 2 * N, .backlog = 1024};
	struct tcp_config tcfg = {.max_conns = 3 * N};
	struct httpd *h = start(&cfg, &tcfg);
	struct tcp_stack_info si0, si1, si2;
	struct fiber_stats fs0, fs1, fs2;
	struct httpd_stats st;
	CHECK(h != NULL);
	LINK_RUN_UNTIL(0, 2);
	tcp_stack_info(L.server, &si0);
	fiber_get_stats(&fs0);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(tcp_connect_nb(L.client, CLIENT_ADDR, SERVER_ADDR, 80, &t[i]), 0);
		if (i % 200 == 199)
			LINK_RUN_UNTIL(0, 3);
	}
	LINK_RUN_UNTIL(0, 20);
	const char *req = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";
	int sent = 0, answered = 0;
	for (int i = 0; i < N; i++)
		sent += tcp_write_nb(t[i], req, strlen(req)) == (long)strlen(req);
	CHECK_EQ(sent, N);
	LINK_RUN_UNTIL(0, 300); /* > 200 ms: idle buffers are given back */
	for (int i = 0; i < N; i++)
		answered += tcp_read_nb(t[i], buf, sizeof(buf)) > 0 &&
			    strstr(buf, "hello, world") != NULL;
	CHECK_EQ(answered, N);
	LINK_RUN_UNTIL(0, 300);
	httpd_get_stats(h, &st);
	tcp_stack_info(L.server, &si1);
	fiber_get_stats(&fs1);
	CHECK_EQ(st.open, N);
	CHECK_EQ(st.active, 0);
	CHECK_EQ(fs1.live - fs0.live, N);     /* one dormant fiber each */
	CHECK_EQ(fs1.dormant - fs0.dormant, N);
	CHECK_EQ(fs1.stack_bytes, fs0.stack_bytes); /* ... and no stack */
	/* The server's TCP holds the connection structs and nothing else. */
	CHECK(si1.mem - si0.mem <= (size_t)N * si1.conn_size);
	fprintf(stderr, "  %d idle: server TCP %zu B/conn, fibers %zu dormant\n", N,
		(si1.mem - si0.mem) / N, fs1.dormant);
	for (int i = 0; i < N; i++)
		tcp_close(t[i]);
	LINK_RUN_UNTIL(0, 3000);
	httpd_get_stats(h, &st);
	tcp_stack_info(L.server, &si2);
	fiber_get_stats(&fs2);
	CHECK_EQ(st.open, 0);
	CHECK_EQ(si2.conns, si0.conns);
	CHECK_EQ(si2.mem, si0.mem);
	CHECK_EQ(fs2.live, fs0.live);
	CHECK_EQ(fs2.stack_bytes, fs0.stack_bytes);
	CHECK(stop(h));
}

TEST(start_errors)
{
	struct httpd_config cfg = {.port = 80};
	int err = 0;
	link_open(NULL);
	CHECK(httpd_start(L.server, &server, &(struct httpd_config){.port = 0}, &err) == NULL);
	CHECK_EQ(err, -TCP_EINVAL);
	struct httpd *h = httpd_start(L.server, &server, &cfg, &err);
	CHECK(h != NULL);
	CHECK(httpd_start(L.server, &server, &cfg, &err) == NULL);
	CHECK_EQ(err, -TCP_EADDRINUSE);
	CHECK(stop(h));
}

/* Slowloris: a byte every second keeps each read within io_timeout, but
 * the head as a whole must be complete within head_timeout. */
TEST(slow_head_is_closed_at_head_timeout)
{
	struct httpd_config cfg = {.port = 80, .head_timeout = 5 * SECS, .io_timeout = 60 * SECS};
	struct httpd *h = start(&cfg, NULL);
	const char *req = "GET /hello HTTP/1.1\r\nHost: a\r\nX-Slow: ";
	struct httpd_stats st;
	CHECK(h != NULL);
	struct tcp_conn *t = raw_connect();
	CHECK(t != NULL);
	int sec = 0;
	for (; sec < 20; sec++) {
		long len = sec ? 1 : (long)strlen(req);
		CHECK_EQ(tcp_write_nb(t, sec ? "a" : req, (size_t)len), len);
		LINK_RUN_UNTIL(0, 1000);
		httpd_get_stats(h, &st);
		if (st.open == 0)
			break;
	}
	CHECK(sec >= 4 && sec <= 6); /* closed at ~5 s, not at io_timeout */
	CHECK_EQ(st.head_timeouts, 1);
	CHECK_EQ(st.active, 0);
	tcp_abort(t);
	CHECK(stop(h));
}

/* A body must keep up body_min_rate once body_timeout has passed: one byte
 * a second against 100 B/s after 3 s is closed at ~3 s, not io_timeout. */
TEST(slow_body_is_closed_below_min_rate)
{
	struct httpd_config cfg = {.port = 80, .body_max = 4096, .body_timeout = 3 * SECS,
				   .body_min_rate = 100, .io_timeout = 60 * SECS};
	struct httpd *h = start(&cfg, NULL);
	const char *req = "POST /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 4000\r\n\r\nbody";
	struct httpd_stats st;
	CHECK(h != NULL);
	struct tcp_conn *t = raw_connect();
	CHECK(t != NULL);
	int sec = 0;
	for (; sec < 20; sec++) {
		long len = sec ? 1 : (long)strlen(req);
		CHECK_EQ(tcp_write_nb(t, sec ? "b" : req, (size_t)len), len);
		LINK_RUN_UNTIL(0, 1000);
		httpd_get_stats(h, &st);
		if (st.open == 0)
			break;
	}
	CHECK(sec >= 2 && sec <= 4);
	CHECK_EQ(st.body_timeouts, 1);
	CHECK_EQ(st.head_timeouts, 0);
	tcp_abort(t);
	CHECK(stop(h));
}
