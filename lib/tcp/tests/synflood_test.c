/* synflood_test.c: a bounded SYN queue, SYN cookies under flood (RFC 4987 3.6), and ISNs (RFC 6528). */
#include "pair.h"
#include "tcp_priv.h"

/* A SYN from a spoofed address straight into stack s. */
static void spoofed_syn(struct pair *p, struct tcp_stack *s, uint32_t src, uint16_t sport,
			uint32_t seq)
{
	uint8_t seg[40];
	struct tcp_hdr h;
	unsigned n;
	memset(&h, 0, sizeof(h));
	h.sport = sport;
	h.dport = 80;
	h.seq = seq;
	h.flags = TCP_SYN;
	h.wnd = 65535;
	h.opts.has = TCP_HAS_MSS;
	h.opts.mss = 1460;
	n = tcp_hdr_encode(&h, seg);
	tcp_seg_checksum_set(seg, n, src, B_ADDR);
	tcp_input(s, src, B_ADDR, view_make(seg, n), p->now);
}

TEST(flood_fills_queue_then_cookies_let_client_in)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_config client = {.mss = 1200};
	struct tcp_config server = {.syn_queue = 16, .max_conns = 64};
	struct tcp_stack_info si;
	struct tcp_conn_info ib;
	struct flow f1, f2;

	pair_init(&p, &client, &server, 51);
	CHECK_EQ(tcp_listen(p.b, 80, 16, &l), 0);
	for (uint32_t i = 0; i < 1000; i++)
		spoofed_syn(&p, p.b, 0x0a090000u + i, (uint16_t)(1024 + i), i * 7919u);
	tcp_stack_info(p.b, &si);
	CHECK_EQ(si.conns, 16); /* the SYN queue, no more */
	CHECK_EQ(tcp_stack_stats(p.b)->syn_cookies_sent, 1000 - 16);
	/* A legitimate client still gets in, through a cookie. */
	CHECK_EQ(tcp_connect_nb(p.a, A_ADDR, B_ADDR, 80, &ca), 0);
	cb = NULL;
	PAIR_RUN_UNTIL(&p, (cb = tcp_accept_nb(l)) != NULL, 10000);
	CHECK(cb != NULL);
	CHECK_EQ(tcp_conn_status(ca), 0);
	CHECK_EQ(tcp_stack_stats(p.b)->syn_cookies_ok, 1);
	tcp_conn_info(cb, &ib);
	CHECK_EQ(ib.snd_mss, 1200); /* the MSS came back inside the cookie */
	CHECK(!ib.timestamps);      /* not encoded: the connection runs without */
	/* And it carries data both ways. */
	flow_init(&f1, ca, cb, 300000, 5);
	flow_init(&f2, cb, ca, 300000, 6);
	for (long i = 0; i < 1000000; i++) {
		bool d1 = flow_pump(&f1), d2 = flow_pump(&f2);
		if ((d1 && d2) || !pair_step(&p))
			break;
	}
	CHECK_EQ(f1.read, 300000);
	CHECK_EQ(f2.read, 300000);
	CHECK_EQ(f1.rhash, f1.gen.hash);
	CHECK_EQ(f2.rhash, f2.gen.hash);
	/* The half-open flood entries give up after their SYN-ACK retries. */
	pair_run_for(&p, 120 * SECS);
	tcp_stack_info(p.b, &si);
	CHECK_EQ(si.conns, 1);
	tcp_abort(ca);
	tcp_abort(cb);
	tcp_listener_close(l);
	pair_run_for(&p, 10 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(forged_cookie_ack_is_refused)
{
	struct pair p;
	struct tcp_listener *l;
	uint8_t seg[20];
	struct tcp_hdr h;
	struct tcp_stack_info si;

	pair_init(&p, NULL, NULL, 52);
	CHECK_EQ(tcp_listen(p.b, 80, 16, &l), 0);
	for (uint32_t guess = 0; guess < 1000; guess++) {
		memset(&h, 0, sizeof(h));
		h.sport = 40000;
		h.dport = 80;
		h.seq = 1000;
		h.ack = guess * 4294967u;
		h.flags = TCP_ACK;
		h.wnd = 1000;
		tcp_hdr_encode(&h, seg);
		tcp_seg_checksum_set(seg, 20, A_ADDR, B_ADDR);
		tcp_input(p.b, A_ADDR, B_ADDR, view_make(seg, 20), p.now);
	}
	CHECK_EQ(tcp_stack_stats(p.b)->syn_cookies_bad, 1000);
	CHECK_EQ(tcp_stack_stats(p.b)->syn_cookies_ok, 0);
	tcp_stack_info(p.b, &si);
	CHECK_EQ(si.conns, 0);
	tcp_listener_close(l);
	pair_run_for(&p, 1 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(without_cookies_a_full_queue_drops)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_config server = {.syn_queue = 4, .no_syncookies = true};
	struct tcp_stack_info si;

	pair_init(&p, NULL, &server, 53);
	CHECK_EQ(tcp_listen(p.b, 80, 16, &l), 0);
	for (uint32_t i = 0; i < 10; i++)
		spoofed_syn(&p, p.b, 0x0a090000u + i, 2000, i);
	tcp_stack_info(p.b, &si);
	CHECK_EQ(si.conns, 4);
	CHECK_EQ(tcp_stack_stats(p.b)->drop_syn_queue, 6);
	CHECK_EQ(tcp_stack_stats(p.b)->syn_cookies_sent, 0);
	tcp_listener_close(l);
	pair_run_for(&p, 1 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(isns_differ_per_tuple_and_grow_with_time)
{
	struct pair p, q;
	uint32_t i0, i1, i2, i3;

	pair_init(&p, NULL, NULL, 54);
	pair_init(&q, NULL, NULL, 54);
	/* RFC 6528: ISN = M + F(tuple, secret), M ticking every 4 us. */
	i0 = tcp_isn(p.a, A_ADDR, 50000, B_ADDR, 80, 10 * SECS);
	i1 = tcp_isn(p.a, A_ADDR, 50000, B_ADDR, 80, 11 * SECS);
	CHECK_EQ(i1 - i0, 250000);
	i2 = tcp_isn(p.a, A_ADDR, 50001, B_ADDR, 80, 10 * SECS);
	CHECK(i2 != i0 && i2 - i0 > 1000000 && i0 - i2 > 1000000); /* unrelated */
	/* Another secret: another sequence space for the same tuple. */
	i3 = tcp_isn(q.b, A_ADDR, 50000, B_ADDR, 80, 10 * SECS);
	CHECK(i3 != i0);
	/* A cookie checks for its tuple and peer ISN only, and expires. */
	{
		uint32_t ck = tcp_cookie_make(p.b, B_ADDR, 80, A_ADDR, 40000, 777, 1400, 100 * SECS);
		CHECK_EQ(tcp_cookie_check(p.b, B_ADDR, 80, A_ADDR, 40000, 777, ck, 100 * SECS), 1400);
		CHECK_EQ(tcp_cookie_check(p.b, B_ADDR, 80, A_ADDR, 40000, 778, ck, 100 * SECS), 0);
		CHECK_EQ(tcp_cookie_check(p.b, B_ADDR, 80, A_ADDR, 40001, 777, ck, 100 * SECS), 0);
		CHECK_EQ(tcp_cookie_check(p.b, B_ADDR, 80, A_ADDR, 40000, 777, ck, 150 * SECS), 1400);
		CHECK_EQ(tcp_cookie_check(p.b, B_ADDR, 80, A_ADDR, 40000, 777, ck, 300 * SECS), 0);
	}
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
	pair_free(&q);
}
