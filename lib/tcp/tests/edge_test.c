/* edge_test.c: PAWS (RFC 7323 5), TIME_WAIT re-ACKing a FIN, receive-memory limits, the receive window's right edge (RFC 9293 3.8.6.2). */
#include "pair.h"
#include "tcp_priv.h"

/* A segment from B's side of conn c (as seen by A) with the given fields. */
static void inject_to_a(struct pair *p, struct tcp_conn *ca, uint32_t seq, uint8_t flags,
			const void *data, unsigned len, bool ts, uint32_t tsval)
{
	uint8_t seg[128];
	struct tcp_hdr h;
	unsigned n;
	memset(&h, 0, sizeof(h));
	h.sport = ca->rport;
	h.dport = ca->lport;
	h.seq = seq;
	h.ack = ca->snd_nxt;
	h.flags = flags;
	h.wnd = 1000;
	if (ts) {
		h.opts.has = TCP_HAS_TS;
		h.opts.tsval = tsval;
		h.opts.tsecr = 0;
	}
	n = tcp_hdr_encode(&h, seg);
	if (len)
		memcpy(seg + n, data, len);
	tcp_seg_checksum_set(seg, n + len, B_ADDR, A_ADDR);
	tcp_input(p->a, B_ADDR, A_ADDR, view_make(seg, n + len), p->now);
}

TEST(paws_drops_an_old_timestamp)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	char buf[16];

	pair_init(&p, NULL, NULL, 71);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	CHECK(ca->flags & TF_TS);
	/* Old timestamp at the right sequence: a duplicate from the past. */
	inject_to_a(&p, ca, ca->rcv_nxt, TCP_ACK | TCP_PSH, "old", 3, true, ca->ts_recent - 1000);
	CHECK_EQ(tcp_stack_stats(p.a)->drop_paws, 1);
	CHECK_EQ(tcp_read_nb(ca, buf, sizeof(buf)), -TCP_EAGAIN);
	/* The same bytes with a current timestamp are taken. */
	inject_to_a(&p, ca, ca->rcv_nxt, TCP_ACK | TCP_PSH, "new", 3, true, ca->ts_recent + 1);
	CHECK_EQ(tcp_read_nb(ca, buf, sizeof(buf)), 3);
	CHECK_MEM(buf, "new", 3);
	/* A RST is never subject to PAWS (RFC 7323 5.3 R1). */
	inject_to_a(&p, ca, ca->rcv_nxt, TCP_RST, NULL, 0, true, 0);
	CHECK_EQ(tcp_conn_status(ca), -TCP_ECONNRESET);
	tcp_close(ca);
	tcp_abort(cb);
	tcp_listener_close(l);
	pair_run_for(&p, 10 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(time_wait_acks_a_retransmitted_fin_and_restarts)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_stack_info si;
	uint64_t out_before;
	uint32_t fin_seq;

	pair_init(&p, NULL, NULL, 72); /* MSL 1 s: TIME_WAIT 2 s */
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	tcp_close(ca);
	pair_run_for(&p, 20 * MSEC);
	fin_seq = ca->rcv_nxt; /* B's FIN will sit here */
	tcp_close(cb);
	pair_run_for(&p, 20 * MSEC);
	CHECK_EQ(ca->state, TCP_TIME_WAIT);
	pair_run_for(&p, 1500 * MSEC);
	/* B's FIN again (its ACK was lost, say): A ACKs and waits 2 MSL more. */
	out_before = tcp_stack_stats(p.a)->segs_out;
	inject_to_a(&p, ca, fin_seq, TCP_FIN | TCP_ACK, NULL, 0, true, ca->ts_recent + 5);
	CHECK_EQ(tcp_stack_stats(p.a)->segs_out, out_before + 1);
	pair_run_for(&p, 1000 * MSEC);
	/* B had forgotten the connection and answered A's ACK with a RST,
	 * which TIME_WAIT ignores (RFC 1337). */
	CHECK(tcp_stack_stats(p.a)->rst_received >= 1);
	tcp_stack_info(p.a, &si);
	CHECK_EQ(si.conns, 1); /* 2.5 s after entering: alive thanks to the restart */
	pair_run_for(&p, 1500 * MSEC);
	tcp_stack_info(p.a, &si);
	CHECK_EQ(si.conns, 0);
	tcp_listener_close(l);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(memory_limit_drops_received_data_then_recovers)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_config tight = {.mem_max = 4096};
	struct flow f;

	/* B may hold 4 KiB in all: the connection (440 bytes), the listener
	 * and a 2 KiB ring; a larger ring cannot be had. */
	pair_init(&p, NULL, &tight, 73);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	flow_init(&f, ca, cb, 100000, 11);
	/* A sends a window's worth before B reads anything. */
	{
		uint8_t chunk[30000];
		stream_fill(&f.gen, chunk, sizeof(chunk));
		CHECK_EQ(tcp_write_nb(ca, chunk, sizeof(chunk)), sizeof(chunk));
		f.written = sizeof(chunk);
	}
	pair_run_for(&p, 50 * MSEC);
	CHECK(tcp_stack_stats(p.b)->drop_memory > 0); /* it was short, and said so */
	for (long i = 0; i < 2000000 && !flow_pump(&f); i++)
		if (!pair_step(&p))
			break;
	CHECK_EQ(f.read, 100000);
	CHECK_EQ(f.rhash, f.gen.hash);
	tcp_abort(ca);
	tcp_abort(cb);
	tcp_listener_close(l);
	pair_run_for(&p, 10 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(receive_window_edge_never_moves_back)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	static uint8_t junk[30000];
	uint32_t edge = 0;
	bool ok = true;

	pair_init(&p, NULL, NULL, 74);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	/* A writes, B reads only part: B's advertised right edge must only grow. */
	for (int round = 0; round < 20; round++) {
		tcp_write_nb(ca, junk, sizeof(junk));
		for (int i = 0; i < 200 && pair_step(&p); i++) {
			uint32_t e = cb->rcv_adv;
			if (edge && SEQ_LT(e, edge))
				ok = false;
			edge = e;
		}
		if (round % 3 == 0)
			tcp_read_nb(cb, junk, 5000);
	}
	CHECK(ok);
	CHECK(edge != 0);
	tcp_abort(ca);
	tcp_abort(cb);
	tcp_listener_close(l);
	pair_run_for(&p, 10 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}
