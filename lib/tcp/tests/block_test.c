/* block_test.c: the blocking calls (tcp_connect, tcp_accept, tcp_read, tcp_write) over wait_on(), driven by a park hook that turns the in-memory pair. */
#include <kiln/wait.h>

#include "pair.h"

/* wait_on() asks the park hook first (lib/fiber's entry point). Here it
 * stands in for "the rest of the world runs while we wait": it steps the
 * pair and a background task until the waiter is woken or the deadline (in
 * the pair's clock) passes. */
static struct pair *g_pair;
static void (*g_background)(void);

static bool park(struct waiter *w, kiln_time_t deadline)
{
	for (long i = 0; i < 10000000 && !w->woken && g_pair->now < deadline; i++) {
		if (g_background)
			g_background();
		if (!pair_step(g_pair))
			g_pair->now = deadline; /* idle: time passes */
	}
	return true;
}

static struct tcp_conn *g_reader;
static uint64_t g_read_total, g_read_hash;
static void drain_reader(void)
{
	static uint8_t buf[32768];
	long n;
	while (g_reader && (n = tcp_read_nb(g_reader, buf, sizeof(buf))) > 0) {
		stream_hash(&g_read_hash, buf, (size_t)n);
		g_read_total += (uint64_t)n;
	}
}

TEST(blocking_calls_read_straight)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_config small = {.sndbuf = 16384};
	static uint8_t data[1 << 20];
	struct stream gen;
	char buf[16];
	int err = 0;

	pair_init(&p, &small, NULL, 61);
	g_pair = &p;
	wait_park_hook = park;
	CHECK_EQ(tcp_listen(p.b, 80, 4, &l), 0);
	/* connect blocks through the handshake. */
	ca = tcp_connect(p.a, A_ADDR, B_ADDR, 80, p.now + 5 * SECS, &err);
	CHECK(ca != NULL);
	CHECK_EQ(err, 0);
	cb = tcp_accept(l, p.now + 1 * SECS);
	CHECK(cb != NULL);
	/* write blocks while the 16 KiB send buffer is full, until all of
	 * 1 MiB is queued; B reads in the background. */
	stream_init(&gen, 7);
	stream_fill(&gen, data, sizeof(data));
	g_reader = cb;
	g_read_total = 0;
	g_read_hash = 0xcbf29ce484222325ull;
	g_background = drain_reader;
	CHECK_EQ(tcp_write(ca, data, sizeof(data), p.now + 60 * SECS), (long)sizeof(data));
	CHECK_EQ(tcp_shutdown_write(ca), 0);
	while (g_read_total < sizeof(data) && pair_step(&p))
		drain_reader();
	CHECK_EQ(g_read_total, sizeof(data));
	CHECK_EQ(g_read_hash, gen.hash);
	g_background = NULL;
	/* read blocks until data, then returns 0 at EOF. */
	CHECK_EQ(tcp_write_nb(cb, "reply", 5), 5);
	CHECK_EQ(tcp_read(ca, buf, sizeof(buf), p.now + 1 * SECS), 5);
	CHECK_MEM(buf, "reply", 5);
	tcp_close(cb);
	CHECK_EQ(tcp_read(ca, buf, sizeof(buf), p.now + 1 * SECS), 0);
	/* Deadlines: accept with nobody connecting, connect to nowhere. */
	CHECK(tcp_accept(l, p.now + 1 * SECS) == NULL);
	p.drop_pct = 100;
	CHECK(tcp_connect(p.a, A_ADDR, B_ADDR, 80, p.now + 2 * SECS, &err) == NULL);
	CHECK_EQ(err, -TCP_ETIMEDOUT);
	p.drop_pct = 0;
	tcp_close(ca);
	tcp_listener_close(l);
	wait_park_hook = NULL;
	pair_run_for(&p, 10 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(waitq_accessors_are_woken)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct waiter w = {0};
	struct waitq *q;

	pair_init(&p, NULL, NULL, 62);
	CHECK_EQ(tcp_listen(p.b, 80, 4, &l), 0);
	/* A parked task on the accept queue is woken by the handshake. */
	q = tcp_accept_waitq(l);
	w.q = q;
	q->head = &w;
	CHECK_EQ(tcp_connect_nb(p.a, A_ADDR, B_ADDR, 80, &ca), 0);
	PAIR_RUN_UNTIL(&p, w.woken, 1000);
	CHECK(w.woken);
	cb = tcp_accept_nb(l);
	CHECK(cb != NULL);
	/* And one on the read queue by data. */
	w = (struct waiter){0};
	q = tcp_read_waitq(cb);
	w.q = q;
	q->head = &w;
	CHECK_EQ(tcp_write_nb(ca, "x", 1), 1);
	PAIR_RUN_UNTIL(&p, w.woken, 1000);
	CHECK(w.woken);
	CHECK(tcp_readable(cb));
	tcp_abort(ca);
	tcp_abort(cb);
	tcp_listener_close(l);
	pair_run_for(&p, 10 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}
