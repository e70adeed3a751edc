/* tso_test.c: what TSO changes in the sender: the send buffer follows the
 * congestion window, and small writes behind a full super-segment in flight
 * wait for its ACK instead of going out one by one (tcp_output_can_wait). */
#include "pair.h"

#define TSO (KILN_NET_OFFLOAD_CSUM | KILN_NET_OFFLOAD_TSO4)

/* Write as much of n bytes as the stack takes now; returns what it took. */
static size_t write_some(struct tcp_conn *c, size_t n)
{
	static uint8_t buf[1 << 20];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		long r = tcp_write_nb(c, buf, k);
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	return done;
}

static void drain(struct tcp_conn *c, uint64_t *got)
{
	static uint8_t buf[65536];
	long r;
	while ((r = tcp_read_nb(c, buf, sizeof(buf))) > 0)
		*got += (uint64_t)r;
}

TEST(send_buffer_follows_the_congestion_window)
{
	struct tcp_config cfg = {.sndbuf = 4u << 20, .rcvbuf = 4u << 20, .offloads = TSO};
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_conn_info i;
	uint64_t got = 0;
	size_t first, later;

	pair_init(&p, &cfg, &cfg, 41);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	/* A fresh connection's window is 10 segments: 64 KiB may queue, not 4 MiB. */
	first = write_some(ca, 4u << 20);
	CHECK_EQ(first, 64u << 10);
	/* Once a few MiB have gone through, the window and the buffer are big. */
	for (int round = 0; round < 200 && got < (8u << 20); round++) {
		write_some(ca, 1u << 20);
		PAIR_RUN_UNTIL(&p, false, 200);
		drain(cb, &got);
	}
	CHECK(got >= (8u << 20));
	tcp_conn_info(ca, &i);
	later = i.unacked + i.unsent;
	later += write_some(ca, 4u << 20);
	CHECK(later > (1u << 20));
	CHECK(later <= (4u << 20));
	PAIR_END(&p, l, ca, cb);
}

/* 256 KiB in 1000-byte writes: with a super-segment in flight the writes
 * gather, so far fewer sends than MSS-sized pieces leave the stack, and
 * the tail still arrives within a few round trips (no timer needed). */
TEST(small_writes_gather_behind_a_super_segment)
{
	struct tcp_config cfg = {.sndbuf = 1u << 20, .rcvbuf = 1u << 20, .offloads = TSO};
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	uint64_t got = 0, sends_before;
	kiln_time_t start;
	static uint8_t piece[1000];
	const uint64_t total = 256000;

	pair_init(&p, &cfg, &cfg, 42);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	/* Grow the window first, so that a full super-segment can be in flight. */
	for (size_t written = 0; written < (2u << 20);) {
		written += write_some(ca, (2u << 20) - written);
		PAIR_RUN_UNTIL(&p, false, 100);
		drain(cb, &got);
	}
	PAIR_RUN_UNTIL(&p, (drain(cb, &got), got == (2u << 20)), 100000);
	CHECK_EQ(got, 2u << 20);
	got = 0;
	sends_before = tcp_stack_stats(p.a)->segs_out;
	start = p.now;
	for (uint64_t written = 0; written < total;) {
		long r = tcp_write_nb(ca, piece, sizeof(piece));
		if (r > 0)
			written += (uint64_t)r;
		else if (!pair_step(&p))
			break;
		drain(cb, &got);
	}
	PAIR_RUN_UNTIL(&p, (drain(cb, &got), got == total), 100000);
	CHECK_EQ(got, total);
	CHECK(p.now - start < 50 * MSEC);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 0u);
	/* 256 writes; without gathering, about one send each. */
	CHECK(tcp_stack_stats(p.a)->segs_out - sends_before < 100);
	PAIR_END(&p, l, ca, cb);
}
