/* timer_test.c: retransmission (RTO and fast), zero-window probes, Nagle, delayed ACK, keepalive, FIN_WAIT_2 timeout (RFC 6298, 5681, 6582, 9293 3.8). */
#include "pair.h"

/* Drop chosen data segments from A, once each: the n-th, counting from 1. */
struct dropper {
	int seen, drop_at[4];
	int data_from_a;
	uint32_t dropped_seq;
};
static bool drop_nth(struct pair *p, uint32_t src, uint32_t dst, const struct tcp_seg *s)
{
	struct dropper *d = p->filter_ctx;
	(void)dst;
	if (src != A_ADDR || !s->payload.len)
		return true;
	d->data_from_a++;
	d->seen++;
	for (int i = 0; i < 4; i++)
		if (d->drop_at[i] == d->seen) {
			d->dropped_seq = s->h.seq;
			return false;
		}
	return true;
}

static void teardown(struct pair *p, struct tcp_listener *l, struct tcp_conn *ca,
		     struct tcp_conn *cb)
{
	if (ca)
		tcp_abort(ca);
	if (cb)
		tcp_abort(cb);
	if (l)
		tcp_listener_close(l);
	p->filter = NULL;
	p->drop_pct = 0;
	pair_run_for(p, 10 * SECS);
}

TEST(rto_retransmits_a_lost_segment)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct dropper d = {.drop_at = {1}};
	char buf[200];
	kiln_time_t t0;

	pair_init(&p, NULL, NULL, 31);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	p.filter = drop_nth;
	p.filter_ctx = &d;
	t0 = p.now;
	CHECK_EQ(tcp_write_nb(ca, "0123456789", 10), 10);
	PAIR_RUN_UNTIL(&p, tcp_readable(cb), 100000);
	CHECK_EQ(tcp_read_nb(cb, buf, sizeof(buf)), 10);
	CHECK_MEM(buf, "0123456789", 10);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 1);
	CHECK_EQ(tcp_stack_stats(p.a)->retransmits, 1);
	/* The RTO is the 200 ms floor here (RTT 2 ms), not before. */
	CHECK(p.now - t0 >= 200 * MSEC);
	CHECK(p.now - t0 < 400 * MSEC);
	teardown(&p, l, ca, cb);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(fast_retransmit_on_three_dupacks)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct dropper d = {.drop_at = {3}};
	static uint8_t out[20 * 1448], in[sizeof(out)];
	size_t got = 0;

	pair_init(&p, NULL, NULL, 32);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7);
	p.filter = drop_nth;
	p.filter_ctx = &d;
	CHECK_EQ(tcp_write_nb(ca, out, sizeof(out)), sizeof(out));
	for (int i = 0; i < 100000 && got < sizeof(in); i++) {
		long n = tcp_read_nb(cb, in + got, sizeof(in) - got);
		if (n > 0)
			got += (size_t)n;
		else if (!pair_step(&p))
			break;
	}
	CHECK_EQ(got, sizeof(in));
	CHECK_MEM(in, out, sizeof(out));
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 1);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	CHECK(tcp_stack_stats(p.b)->ooo_segments >= 3);
	teardown(&p, l, ca, cb);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(newreno_partial_ack_two_losses_one_window)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct dropper d = {.drop_at = {3, 6}};
	static uint8_t out[30 * 1448], in[sizeof(out)];
	size_t got = 0;

	pair_init(&p, NULL, NULL, 33);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 13);
	p.filter = drop_nth;
	p.filter_ctx = &d;
	CHECK_EQ(tcp_write_nb(ca, out, sizeof(out)), sizeof(out));
	for (int i = 0; i < 100000 && got < sizeof(in); i++) {
		long n = tcp_read_nb(cb, in + got, sizeof(in) - got);
		if (n > 0)
			got += (size_t)n;
		else if (!pair_step(&p))
			break;
	}
	CHECK_EQ(got, sizeof(in));
	CHECK_MEM(in, out, sizeof(out));
	/* One recovery episode; the second hole resent on the partial ACK. */
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 1);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	CHECK_EQ(tcp_stack_stats(p.a)->retransmits, 2);
	teardown(&p, l, ca, cb);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(zero_window_probe_then_resume)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_config small = {.rcvbuf = 8192};
	struct flow f;
	struct tcp_conn_info ia;
	static uint8_t junk[65536];

	pair_init(&p, NULL, &small, 34);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	flow_init(&f, ca, cb, 200000, 9);
	/* Fill: A writes, B does not read. */
	for (int i = 0; i < 20; i++)
		tcp_write_nb(ca, junk, 0);
	{
		uint8_t chunk[16384];
		stream_fill(&f.gen, chunk, sizeof(chunk));
		CHECK_EQ(tcp_write_nb(ca, chunk, sizeof(chunk)), sizeof(chunk));
		f.written = sizeof(chunk);
	}
	pair_run_for(&p, 30 * SECS);
	tcp_conn_info(ca, &ia);
	CHECK_EQ(ia.state, TCP_ESTABLISHED);
	CHECK_EQ(ia.snd_wnd, 0);
	CHECK(ia.unsent > 0);
	CHECK(tcp_stack_stats(p.a)->zero_window_probes >= 3);
	CHECK_EQ(tcp_stack_stats(p.a)->conns_timed_out, 0);
	/* Persist backs off: ~ 0.2, 0.4, 0.8 ... capped: few probes in 30 s. */
	CHECK(tcp_stack_stats(p.a)->zero_window_probes < 30);
	/* Now B reads; the window opens and everything arrives. */
	for (long i = 0; i < 1000000 && !flow_pump(&f); i++)
		if (!pair_step(&p))
			break;
	CHECK_EQ(f.read, 200000);
	CHECK_EQ(f.rhash, f.gen.hash);
	teardown(&p, l, ca, cb);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

static int count_small_segments(bool nodelay)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct dropper d = {.drop_at = {0}};
	char buf[64];
	int segs;

	pair_init(&p, NULL, NULL, 35);
	if (!pair_connect(&p, 80, &l, &ca, &cb))
		return -1;
	tcp_set_nodelay(ca, nodelay);
	p.filter = drop_nth;
	p.filter_ctx = &d;
	for (int i = 0; i < 10; i++)
		tcp_write_nb(ca, "x", 1); /* ten writes at the same instant */
	pair_run_for(&p, 1 * SECS);
	if (tcp_read_nb(cb, buf, sizeof(buf)) != 10)
		return -2;
	segs = d.data_from_a;
	teardown(&p, l, ca, cb);
	pair_free(&p);
	return segs;
}

TEST(nagle_coalesces_small_writes)
{
	CHECK_EQ(count_small_segments(false), 2); /* one, then the rest on the ACK */
	CHECK_EQ(count_small_segments(true), 10);
}

TEST(delayed_ack_waits_then_acks)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_conn_info ia;
	kiln_time_t t0;

	pair_init(&p, NULL, NULL, 36);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	t0 = p.now;
	CHECK_EQ(tcp_write_nb(ca, "x", 1), 1);
	pair_run_for(&p, 20 * MSEC);
	tcp_conn_info(ca, &ia);
	CHECK_EQ(ia.unacked, 1); /* B holds its ACK (40 ms) */
	pair_run_for(&p, 40 * MSEC);
	tcp_conn_info(ca, &ia);
	CHECK_EQ(ia.unacked, 0);
	CHECK_EQ(tcp_stack_stats(p.b)->delayed_acks, 1);
	CHECK(p.now - t0 >= 40 * MSEC);
	teardown(&p, l, ca, cb);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(keepalive_probes_then_times_out)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_config cfg = {.keep_idle = 10 * SECS, .keep_intvl = 1 * SECS, .keep_cnt = 3};

	pair_init(&p, &cfg, NULL, 37);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	/* Off by default: a long idle time sends nothing. */
	pair_run_for(&p, 60 * SECS);
	CHECK_EQ(tcp_stack_stats(p.a)->keepalive_probes, 0);
	tcp_set_keepalive(ca, true);
	pair_run_for(&p, 35 * SECS);
	CHECK_EQ(tcp_conn_status(ca), 0); /* answered each time */
	/* Idle 60 s already: one probe at once, then one per 10 s idle. */
	CHECK_EQ(tcp_stack_stats(p.a)->keepalive_probes, 4);
	/* The peer vanishes: 3 unanswered probes, then ETIMEDOUT. */
	p.drop_pct = 100;
	pair_run_for(&p, 20 * SECS);
	CHECK_EQ(tcp_conn_status(ca), -TCP_ETIMEDOUT);
	CHECK_EQ(tcp_stack_stats(p.a)->conns_timed_out, 1);
	tcp_close(ca);
	teardown(&p, l, NULL, cb);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(retransmissions_give_up)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_config cfg = {.max_retries = 4};

	pair_init(&p, &cfg, NULL, 38);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	p.drop_pct = 100;
	CHECK_EQ(tcp_write_nb(ca, "hello", 5), 5);
	pair_run_for(&p, 60 * SECS);
	CHECK_EQ(tcp_conn_status(ca), -TCP_ETIMEDOUT);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 5);
	CHECK_EQ(tcp_read_nb(ca, (char[8]){0}, 8), -TCP_ETIMEDOUT);
	tcp_close(ca);
	teardown(&p, l, NULL, cb);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(orphan_fin_wait_2_times_out)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_config cfg = {.fin_wait2_timeout = 5 * SECS};
	struct tcp_stack_info si;

	pair_init(&p, &cfg, NULL, 39);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	tcp_close(ca); /* B never closes */
	pair_run_for(&p, 1 * SECS);
	tcp_stack_info(p.a, &si);
	CHECK_EQ(si.conns, 1);
	pair_run_for(&p, 5 * SECS);
	tcp_stack_info(p.a, &si);
	CHECK_EQ(si.conns, 0);
	teardown(&p, l, NULL, cb);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(data_after_close_is_reset)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;

	pair_init(&p, NULL, NULL, 40);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	tcp_close(ca);
	pair_run_for(&p, 100 * MSEC);
	CHECK_EQ(tcp_write_nb(cb, "late", 4), 4); /* nobody reads it at A */
	pair_run_for(&p, 100 * MSEC);
	CHECK_EQ(tcp_stack_stats(p.a)->drop_after_close, 1);
	CHECK_EQ(tcp_conn_status(cb), -TCP_ECONNRESET);
	tcp_close(cb);
	teardown(&p, l, NULL, NULL);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(rtt_estimate_follows_the_link)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_conn_info ia;
	struct flow f;

	pair_init(&p, NULL, NULL, 41);
	p.delay = 50 * MSEC;
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	flow_init(&f, ca, cb, 1u << 20, 4);
	for (long i = 0; i < 1000000 && !flow_pump(&f); i++)
		if (!pair_step(&p))
			break;
	CHECK_EQ(f.read, 1u << 20);
	tcp_conn_info(ca, &ia);
	/* 100 ms RTT (+ up to 40 ms of delayed ACK on some samples). */
	CHECK(ia.srtt_us >= 95000 && ia.srtt_us <= 145000);
	CHECK(ia.rto_us >= ia.srtt_us && ia.rto_us <= 400000);
	teardown(&p, l, ca, cb);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

/* Three losses in one window: time to deliver everything, and counters. */
static kiln_time_t three_losses(bool sack, uint64_t *rto, uint64_t *sack_rtx, int *sack_acks)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_config cfg = {.no_sack = !sack};
	struct dropper d = {.drop_at = {4, 7, 10}};
	/* 12 segments: the recovery is the tail of the transfer. */
	static uint8_t out[12 * 1448], in[sizeof(out)];
	size_t got = 0;
	kiln_time_t t0, t;

	pair_init(&p, &cfg, &cfg, 42);
	if (!pair_connect(&p, 80, &l, &ca, &cb))
		return 0;
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 31);
	p.filter = drop_nth;
	p.filter_ctx = &d;
	t0 = p.now;
	tcp_write_nb(ca, out, sizeof(out));
	for (int i = 0; i < 100000 && got < sizeof(in); i++) {
		long n = tcp_read_nb(cb, in + got, sizeof(in) - got);
		if (n > 0)
			got += (size_t)n;
		else if (!pair_step(&p))
			break;
	}
	t = got == sizeof(in) && !memcmp(in, out, sizeof(in)) ? p.now - t0 : 0;
	*rto = tcp_stack_stats(p.a)->rto_expired;
	*sack_rtx = tcp_stack_stats(p.a)->sack_retransmits;
	*sack_acks = 0;
	{
		struct tcp_conn_info i;
		tcp_conn_info(ca, &i);
		*sack_acks = i.sack;
	}
	teardown(&p, l, ca, cb);
	pair_free(&p);
	return t;
}

TEST(sack_recovers_several_losses_in_one_rtt)
{
	uint64_t rto_s, rto_n, srtx_s, srtx_n;
	int on_s, on_n;
	kiln_time_t t_sack = three_losses(true, &rto_s, &srtx_s, &on_s);
	kiln_time_t t_newreno = three_losses(false, &rto_n, &srtx_n, &on_n);

	CHECK(t_sack > 0 && t_newreno > 0); /* both deliver every byte intact */
	CHECK(on_s && !on_n);                /* negotiated, or not */
	CHECK_EQ(rto_s, 0);
	CHECK_EQ(rto_n, 0);
	CHECK(srtx_s >= 2);                  /* holes 2 and 3 resent from the scoreboard */
	CHECK_EQ(srtx_n, 0);
	/* NewReno needs one RTT (2 ms) per further hole; SACK fills them at once. */
	CHECK(t_sack + 2 * MSEC <= t_newreno);
}
