/* recovery_test.c: the sender's loss recovery against scripted ACKs: SACK duplicate ACKs whose window changes (Linux's), limited transmit (RFC 3042), fast retransmit after a timeout, several holes per ACK (RFC 6675). */
#include "script.h"

/* Linux's duplicate ACKs carry a window that grows as the application
 * reads; with SACK blocks they are duplicates all the same (RFC 6675 2). */
TEST(sack_dupacks_with_a_growing_window_start_fast_retransmit)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una, mss;

	setup(&p, &cap, &l, &ca, &cb, 12);
	una = ca->snd_una;
	mss = ca->snd_mss;
	for (uint32_t k = 1; k <= 3; k++) {
		struct tcp_sack_block b = {una + mss, una + (k + 1) * mss};
		ack_to_a(&p, ca, una, 60000 + k * 4096, &b, 1);
	}
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 1);
	CHECK_EQ(sent_at(&cap, 10, una), 1);
	CHECK(ca->flags & TF_RECOVERY);
	teardown(&p, l, ca, cb);
}

/* RFC 3042: the first two duplicate ACKs each let one new segment out. */
TEST(limited_transmit_sends_new_data_on_the_first_two_dupacks)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una, mss;

	setup(&p, &cap, &l, &ca, &cb, 20);
	una = ca->snd_una;
	mss = ca->snd_mss;
	struct tcp_sack_block b1 = {una + mss, una + 2 * mss};
	ack_to_a(&p, ca, una, 60000, &b1, 1);
	CHECK_EQ(cap.n, 11);
	CHECK_EQ(cap.seg[10].seq, una + 10 * mss);
	CHECK_EQ(cap.seg[10].len, mss);
	struct tcp_sack_block b2 = {una + mss, una + 3 * mss};
	ack_to_a(&p, ca, una, 60000, &b2, 1);
	CHECK_EQ(cap.n, 12);
	CHECK_EQ(cap.seg[11].seq, una + 11 * mss);
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 0);
	/* The third starts recovery with the first segment. */
	struct tcp_sack_block b3 = {una + mss, una + 4 * mss};
	ack_to_a(&p, ca, una, 60000, &b3, 1);
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 1);
	CHECK_EQ(sent_at(&cap, 12, una), 1);
	teardown(&p, l, ca, cb);
}

/* Without SACK the same duplicates do not send (RFC 3042 holds for any
 * duplicate, but a window that changes makes an ACK no duplicate). */
TEST(window_updates_without_sack_are_not_duplicates)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una;

	setup(&p, &cap, &l, &ca, &cb, 20);
	una = ca->snd_una;
	for (uint32_t k = 1; k <= 3; k++)
		ack_to_a(&p, ca, una, 60000 + k * 4096, NULL, 0);
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 0);
	CHECK_EQ(cap.n, 10);
	teardown(&p, l, ca, cb);
}

/* After a timeout, SACK blocks that show holes start fast recovery again
 * (NewReno alone must wait for snd_una to pass the old snd_max, RFC 6582
 * 4.1: its duplicates could be echoes of the go-back retransmissions).
 * RACK deems lost what was sent before the delivered segment: the second
 * segment, not the first, whose resend after the timeout is younger. */
TEST(fast_retransmit_after_a_timeout_with_sack)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una, mss;
	int n0;

	setup(&p, &cap, &l, &ca, &cb, 20);
	una = ca->snd_una;
	mss = ca->snd_mss;
	pair_run_for(&p, 250 * MSEC); /* one RTO (the 200 ms floor) */
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 1);
	CHECK_EQ(sent_at(&cap, 10, una), 1);
	/* The first was lost again; everything from the third arrives. */
	n0 = cap.n;
	for (uint32_t k = 1; k <= 3; k++) {
		struct tcp_sack_block b = {una + 2 * mss, una + (k + 2) * mss};
		ack_to_a(&p, ca, una, 60000, &b, 1);
	}
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 1);
	CHECK_EQ(sent_at(&cap, n0, una + mss), 1);
	CHECK_EQ(sent_at(&cap, n0, una), 0);
	CHECK(ca->flags & TF_RECOVERY);
	teardown(&p, l, ca, cb);
}

/* RACK (RFC 8985): every hole sent before a SACKed segment is lost once
 * its reordering window passed, none when 3 segments are SACKed and no
 * reordering was seen; each is resent as soon as the pipe (RFC 6675)
 * leaves room in cwnd, several per ACK, not one per ACK. */
TEST(several_lost_holes_resent_per_ack_within_the_pipe)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una, m;
	int n0;

	setup(&p, &cap, &l, &ca, &cb, 20);
	una = ca->snd_una;
	m = ca->snd_mss;
	/* Segments 2, 5, 8 and 9 arrived; 0-1, 3-4 and 6-7 are holes. */
	struct tcp_sack_block b[3] = {{una + 8 * m, una + 10 * m}, {una + 5 * m, una + 6 * m},
				      {una + 2 * m, una + 3 * m}};
	ack_to_a(&p, ca, una, 60000, b, 3);
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 1);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	/* Limited transmit sent 10 first; ssthresh is half of 11 segments. */
	CHECK_EQ(cap.seg[10].seq, una + 10 * m);
	CHECK_EQ(ca->cwnd, 11 * m / 2);
	CHECK_EQ(tcp_rack_lost_bytes(ca), 6 * m - 4 * m); /* 6 lost, 4 resent */
	/* 0 first; then the pipe (11 out, 4 SACKed, 6 lost) = 1 leaves room
	 * for 3 more in the same ACK: 1, 3, 4. */
	CHECK_EQ(cap.n, 11 + 4);
	CHECK_EQ(sent_at(&cap, 11, una), 1);
	CHECK_EQ(sent_at(&cap, 11, una + m), 1);
	CHECK_EQ(sent_at(&cap, 11, una + 3 * m), 1);
	CHECK_EQ(sent_at(&cap, 11, una + 4 * m), 1);
	CHECK(tcp_sack_pipe(ca) <= ca->cwnd && tcp_sack_pipe(ca) + m > ca->cwnd);
	/* A duplicate: the pipe is full, nothing more. */
	ack_to_a(&p, ca, una, 60000, b, 3);
	CHECK_EQ(cap.n, 15);
	/* 0 and 1 arrive: the pipe drops to 3 (9 out, 4 SACKed, 6 and 7
	 * lost): both lost holes go in one ACK. */
	n0 = cap.n;
	ack_to_a(&p, ca, una + 2 * m, 60000, b, 3);
	CHECK_EQ(cap.n - n0, 2);
	CHECK_EQ(sent_at(&cap, n0, una + 6 * m), 1);
	CHECK_EQ(sent_at(&cap, n0, una + 7 * m), 1);
	CHECK_EQ(tcp_rack_lost_bytes(ca), 0);
	CHECK(ca->flags & TF_RECOVERY);
	teardown(&p, l, ca, cb);
}

/* A resent hole lost again: data sent after it is SACKed, it is not
 * (RACK: no reordering seen, so no window to wait). It is resent at once,
 * not after the timeout. */
TEST(a_lost_retransmission_is_resent_without_a_timeout)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una, m;

	setup(&p, &cap, &l, &ca, &cb, 40);
	una = ca->snd_una;
	m = ca->snd_mss;
	/* Only segment 0 is lost; 1-9 arrive (10 left by limited transmit). */
	struct tcp_sack_block b = {una + m, una + 10 * m};
	ack_to_a(&p, ca, una, 60000, &b, 1);
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 1);
	CHECK_EQ(sent_at(&cap, 10, una), 1);
	/* New data (10, 11, ...) goes out as the pipe allows; it arrives,
	 * segment 0's resend does not. */
	for (uint32_t k = 11; k <= 16 && sent_at(&cap, 0, una + (k - 1) * m) &&
			      !tcp_stack_stats(p.a)->lost_retransmits; k++) {
		b.end = una + k * m;
		p.now += 2 * MSEC; /* a round trip after the send */
		ack_to_a(&p, ca, una, 60000, &b, 1);
	}
	CHECK_EQ(b.end, una + 12 * m); /* 11, sent after the resend, SACKed */
	CHECK_EQ(tcp_stack_stats(p.a)->lost_retransmits, 1);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	CHECK_EQ(sent_at(&cap, 10, una), 2);
	teardown(&p, l, ca, cb);
}

/* RFC 8985 7: a loss at the tail of a flight (no more data to send, no
 * duplicates come back) is probed at 2 SRTT, and if that goes unanswered
 * once more at twice that (TCP_TLP_MAX); the probe's SACK starts fast
 * recovery, well before the 200 ms RTO. */
TEST(tail_loss_probe_turns_a_tail_loss_into_fast_recovery)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una, m;
	kiln_time_t t0;

	setup(&p, &cap, &l, &ca, &cb, 10);
	una = ca->snd_una;
	m = ca->snd_mss;
	t0 = p.now;
	/* 0-7 arrive, 8 and 9 are lost: two ACKs, no duplicate. */
	ack_to_a(&p, ca, una + 4 * m, 60000, NULL, 0);
	ack_to_a(&p, ca, una + 8 * m, 60000, NULL, 0);
	CHECK_EQ(cap.n, 10);
	pair_run_for(&p, 50 * MSEC);
	CHECK_EQ(tcp_stack_stats(p.a)->tail_loss_probes, TCP_TLP_MAX);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	CHECK_EQ(cap.n, 10 + TCP_TLP_MAX);
	CHECK_EQ(cap.seg[10].seq, una + 9 * m); /* the last segment again */
	CHECK_EQ(cap.seg[11].seq, una + 9 * m);
	CHECK(cap.n == 12 && ca->t_rtx - t0 >= 200 * MSEC); /* then the full RTO */
	/* Its ACK SACKs 9, not 8: recovery resends 8 at once. */
	struct tcp_sack_block b = {una + 9 * m, una + 10 * m};
	ack_to_a(&p, ca, una + 8 * m, 60000, &b, 1);
	CHECK_EQ(tcp_stack_stats(p.a)->fast_retransmits, 1);
	CHECK_EQ(cap.n, 13);
	CHECK_EQ(cap.seg[12].seq, una + 8 * m);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	teardown(&p, l, ca, cb);
}

/* The tail of a response is often sent as the connection closes: the
 * probe works in FIN_WAIT_1 too. */
TEST(tail_loss_probe_after_close)
{
	struct pair p;
	struct capture cap;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint32_t una, m;

	setup(&p, &cap, &l, &ca, &cb, 10);
	una = ca->snd_una;
	m = ca->snd_mss;
	CHECK_EQ(tcp_shutdown_write(ca), 0);
	ack_to_a(&p, ca, una + 8 * m, 60000, NULL, 0);
	CHECK_EQ(ca->state, TCP_FIN_WAIT_1);
	pair_run_for(&p, 50 * MSEC);
	CHECK_EQ(tcp_stack_stats(p.a)->tail_loss_probes, TCP_TLP_MAX);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0);
	CHECK_EQ(cap.seg[cap.n - 1].seq, una + 9 * m);
	/* Its ACK covers everything and the FIN. */
	ack_to_a(&p, ca, una + 10 * m + 1, 60000, NULL, 0);
	CHECK_EQ(ca->state, TCP_FIN_WAIT_2);
	teardown(&p, l, ca, cb);
}
