/* rack_test.c: what made the sender wait for its retransmission timeout, and RACK (RFC 8985) with its send log: lost retransmissions, tails whose ACK was lost, reordering, a bounded log freed when idle. */
#include "script.h"

/* The resend of a hole is lost again and nothing new is left to send:
 * nothing sent after it can come back SACKed. The probe resends the
 * hole itself (the last segment is SACKed: repeating it tells nothing),
 * and its ACK ends the recovery; before, the timeout did (>= 200 ms). */
TEST(a_lost_retransmission_with_nothing_left_to_send_needs_no_timeout)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una, m;
	kiln_time_t t0;

	setup(&p, &cap, &l, &ca, &cb, 10); /* all the data is in flight */
	una = ca->snd_una;
	m = ca->snd_mss;
	t0 = p.now;
	struct tcp_sack_block b = {una + m, una + 10 * m};
	ack_to_a(&p, ca, una, 60000, &b, 1); /* 0 lost; RACK: at once (9 SACKed) */
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 1);
	CHECK_EQ(sent_at(&cap, 10, una), 1);
	CHECK_EQ(cap.n, 11);
	/* That resend is lost too. */
	pair_run_for(&p, 20 * MSEC);
	CHECK(tcp_stack_stats(p.a)->tail_loss_probes >= 1);
	CHECK(sent_at(&cap, 11, una) >= 1);
	CHECK_EQ(sent_at(&cap, 11, una + 9 * m), 0);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	ack_to_a(&p, ca, una + 10 * m, 60000, NULL, 0);
	CHECK_EQ(ca->snd_una, ca->snd_max);
	CHECK(!(ca->flags & TF_RECOVERY));
	CHECK(p.now - t0 < 50 * MSEC);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	teardown(&p, l, ca, cb);
}

/* The one ACK of a flight is lost (Linux acknowledges a small flight at
 * once): the probe sends two new segments, which a receiver acknowledges
 * at once, where one alone could wait for its delayed-ACK timer. */
TEST(a_probe_of_new_data_is_two_segments)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una, m;

	setup(&p, &cap, &l, &ca, &cb, 20);
	una = ca->snd_una;
	m = ca->snd_mss;
	pair_run_for(&p, 6 * MSEC); /* 2 SRTT of a 2 ms RTT, and the 2 ms floor */
	CHECK_EQ(tcp_stack_stats(p.a)->tail_loss_probes, 1);
	CHECK_EQ(cap.n, 12);
	CHECK_EQ(cap.seg[10].seq, una + 10 * m);
	CHECK_EQ(cap.seg[11].seq, una + 11 * m);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	teardown(&p, l, ca, cb);
}

/* Once a segment sent once arrived below one delivered before it, RACK
 * waits a reordering window (at least TCP_RACK_REO_MIN) before it calls
 * a hole lost, even with 3 segments SACKed above it: a swapped pair of
 * frames is no loss. Past the window the reorder timer calls it. */
TEST(reordering_seen_opens_a_window_then_the_reorder_timer_calls_the_loss)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una, m;
	int n0;

	setup(&p, &cap, &l, &ca, &cb, 40);
	una = ca->snd_una;
	m = ca->snd_mss;
	/* 1 arrives before 0: SACKed, then 0 fills the hole. */
	struct tcp_sack_block b1 = {una + m, una + 2 * m};
	ack_to_a(&p, ca, una, 60000, &b1, 1);
	p.now += 100 * 1000; /* 100 us later */
	ack_to_a(&p, ca, una + 2 * m, 60000, NULL, 0);
	CHECK(ca->rack && ca->rack->reordering_seen);
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 0);
	CHECK_EQ(tcp_stack_stats(p.a)->retransmits, 0);
	/* Now 2 is missing with 3, 4 and 5 SACKed: not lost yet. */
	n0 = cap.n;
	struct tcp_sack_block b2 = {una + 3 * m, una + 6 * m};
	ack_to_a(&p, ca, una + 2 * m, 60000, &b2, 1);
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 0);
	CHECK_EQ(sent_at(&cap, n0, una + 2 * m), 0);
	CHECK(ca->flags & TF_REO);
	CHECK(ca->t_rtx - p.now >= TCP_RACK_REO_MIN * 1000ull / 2);
	/* Nothing fills it: the reorder timer fires, recovery resends 2. */
	pair_run_for(&p, 3 * MSEC);
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 1);
	CHECK_EQ(sent_at(&cap, n0, una + 2 * m), 1);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	teardown(&p, l, ca, cb);
}

/* More bursts in flight than the log has ranges: neighbours merge, the
 * log still covers snd_una to snd_max, and it is freed with the idle
 * buffers once nothing is in flight. */
TEST(the_send_log_stays_bounded_and_is_freed_when_idle)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_stack_info before, after;
	struct tcp_config cfg = {.sndbuf = 1u << 20, .rcvbuf = 1u << 20};
	uint32_t una, m, k, wnd;

	setup_cfg(&p, &cap, &l, &ca, &cb, 40, &cfg);
	una = ca->snd_una;
	m = ca->snd_mss;
	wnd = 65535u << ca->snd_wscale;
	CHECK(ca->rack != NULL);
	/* Each ACK, 20 us after the last, acks one segment and (slow start)
	 * releases two at its own time: the flight grows by one segment, a
	 * burst of two. */
	for (k = 1; k <= 200; k++) {
		static uint8_t more[2 * 1448];
		(void)tcp_write_nb(ca, more, 2 * m); /* as the buffer takes it */
		p.now += (TCP_RACK_BURST_US + 8) * 1000; /* bursts apart */
		ack_to_a(&p, ca, una + k * m, wnd, NULL, 0);
		CHECK(ca->rack && ca->rack->n <= TCP_RACK_LOG);
	}
	CHECK(ca->snd_max - ca->snd_una > 2 * TCP_RACK_LOG * m); /* more bursts than ranges */
	CHECK_EQ(ca->rack->n, TCP_RACK_LOG);
	CHECK_EQ(ca->rack->start, ca->snd_una);
	CHECK_EQ(ca->rack->e[ca->rack->n - 1].end, ca->snd_max);
	for (unsigned i = 1; i < ca->rack->n; i++)
		CHECK(SEQ_LT(ca->rack->e[i - 1].end, ca->rack->e[i].end));
	tcp_stack_info(p.a, &before);
	for (k = 0; k < 100 && ca->snd.len; k++) { /* the rest goes, all acked */
		p.now += 10 * 1000;
		ack_to_a(&p, ca, ca->snd_max, wnd, NULL, 0);
	}
	CHECK(ca->rack && ca->rack->n == 0);
	pair_run_for(&p, TCP_IDLE_RELEASE + 10 * MSEC);
	CHECK(ca->rack == NULL);
	tcp_stack_info(p.a, &after);
	CHECK(after.mem + sizeof(struct tcp_rack) <= before.mem);
	teardown(&p, l, ca, cb);
}

/* One way through loss, reordering and duplicates (pair.h's, seeded):
 * before RACK, each of these seeds cost 2 to 5 timeouts for 8 MiB
 * (lost retransmissions, tails whose ACKs were lost, probes unanswered).
 * Now none, and every byte arrives intact. */
static void one_way_impaired(uint64_t seed, uint64_t total)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct flow f;
	long i;

	pair_init(&p, NULL, NULL, seed);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	p.drop_pct = 5;
	p.reorder_pct = 10;
	p.dup_pct = 1;
	flow_init(&f, ca, cb, total, seed);
	for (i = 0; i < 20000000 && !flow_pump(&f); i++)
		if (!pair_step(&p))
			break;
	CHECK_EQ(f.read, total);
	CHECK(f.rhash == f.gen.hash);
	CHECK(tcp_stack_stats(p.a)->fast_retransmits > 0);
	CHECK(tcp_stack_stats(p.a)->lost_retransmits > 0);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	p.drop_pct = p.reorder_pct = p.dup_pct = 0;
	PAIR_END(&p, l, ca, cb);
}

TEST(impaired_one_way_without_timeouts_seed_1) { one_way_impaired(1, 8u << 20); }
TEST(impaired_one_way_without_timeouts_seed_4) { one_way_impaired(4, 8u << 20); }
