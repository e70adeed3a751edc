/* data_test.c: bulk data both ways over the in-memory pair, clean and impaired (loss, reorder, duplicates), window scaling. */
#include "pair.h"

/* Move total bytes each way at once; true if both arrive intact. */
static bool transfer(struct pair *p, struct tcp_conn *ca, struct tcp_conn *cb, uint64_t total,
		     long max_events)
{
	struct flow ab, ba;
	flow_init(&ab, ca, cb, total, 1);
	flow_init(&ba, cb, ca, total, 2);
	for (long i = 0; i < max_events; i++) {
		bool d1 = flow_pump(&ab), d2 = flow_pump(&ba);
		if (d1 && d2)
			break;
		if (!pair_step(p))
			break;
	}
	if (ab.read != total || ba.read != total) {
		struct tcp_conn_info i;
		tcp_conn_info(ca, &i);
		fprintf(stderr, "A: %s wnd %u cwnd %u unacked %u unsent %u readable %u next %llu now %llu\n",
			tcp_state_name(i.state), i.snd_wnd, i.cwnd, i.unacked, i.unsent, i.readable,
			(unsigned long long)tcp_next_deadline(p->a), (unsigned long long)p->now);
		tcp_conn_info(cb, &i);
		fprintf(stderr, "B: %s wnd %u cwnd %u unacked %u unsent %u readable %u next %llu\n",
			tcp_state_name(i.state), i.snd_wnd, i.cwnd, i.unacked, i.unsent, i.readable,
			(unsigned long long)tcp_next_deadline(p->b));
	}
	if (ab.read != total || ba.read != total) {
		for (int k = 0; k < 2; k++) {
			const struct tcp_stats *st = tcp_stack_stats(k ? p->b : p->a);
			fprintf(stderr, "%c: rtx %llu rto %llu fr %llu tmo %llu oow %llu paws %llu badack %llu mem %llu ooo %llu chal %llu rst %llu/%llu\n",
				'A' + k, (unsigned long long)st->retransmits, (unsigned long long)st->rto_expired,
				(unsigned long long)st->fast_retransmits, (unsigned long long)st->conns_timed_out,
				(unsigned long long)st->drop_out_of_window, (unsigned long long)st->drop_paws,
				(unsigned long long)st->drop_bad_ack, (unsigned long long)st->drop_memory,
				(unsigned long long)st->ooo_segments, (unsigned long long)st->challenge_acks,
				(unsigned long long)st->rst_sent, (unsigned long long)st->rst_received);
		}
	}
	if (ab.read != total || ba.read != total)
		fprintf(stderr, "transfer: a->b %llu/%llu b->a %llu/%llu\n",
			(unsigned long long)ab.read, (unsigned long long)total,
			(unsigned long long)ba.read, (unsigned long long)total);
	return ab.read == total && ba.read == total && ab.rhash == ab.gen.hash &&
	       ba.rhash == ba.gen.hash;
}

static void bulk(unsigned drop, unsigned reorder, unsigned dup, uint64_t total,
		 const struct tcp_config *cfg, uint64_t seed)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	char c;

	pair_init(&p, cfg, cfg, seed);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	p.drop_pct = drop;
	p.reorder_pct = reorder;
	p.dup_pct = dup;
	CHECK(transfer(&p, ca, cb, total, 50000000));
	if (drop) {
		CHECK(tcp_stack_stats(p.a)->retransmits > 0);
		CHECK(tcp_stack_stats(p.a)->fast_retransmits > 0);
	}
	if (reorder)
		CHECK(tcp_stack_stats(p.b)->ooo_segments > 0);
	/* Orderly close both ways, then nothing left anywhere. */
	CHECK_EQ(tcp_shutdown_write(ca), 0);
	CHECK_EQ(tcp_shutdown_write(cb), 0);
	PAIR_RUN_UNTIL(&p, tcp_read_nb(ca, &c, 1) == 0 && tcp_read_nb(cb, &c, 1) == 0, 1000000);
	CHECK_EQ(tcp_read_nb(ca, &c, 1), 0);
	CHECK_EQ(tcp_read_nb(cb, &c, 1), 0);
	tcp_close(ca);
	tcp_close(cb);
	tcp_listener_close(l);
	pair_run_for(&p, 120 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(bulk_8mib_both_ways_clean) { bulk(0, 0, 0, 8u << 20, NULL, 21); }
TEST(bulk_8mib_both_ways_impaired) { bulk(5, 10, 1, 8u << 20, NULL, 22); }

TEST(bulk_impaired_without_options)
{
	struct tcp_config cfg = {.no_timestamps = true, .no_wscale = true};
	bulk(5, 10, 1, 1u << 20, &cfg, 23);
}

TEST(window_scaling_with_large_buffers)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	struct tcp_config cfg = {.sndbuf = 4u << 20, .rcvbuf = 4u << 20};
	struct tcp_conn_info ia;
	struct flow f;
	uint32_t max_inflight = 0, max_wnd = 0;

	pair_init(&p, &cfg, &cfg, 24);
	p.delay = 20 * MSEC; /* a long fat pipe: 40 ms RTT */
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	tcp_conn_info(ca, &ia);
	CHECK_EQ(ia.rcv_wscale, 7);
	CHECK_EQ(ia.snd_wscale, 7);
	flow_init(&f, ca, cb, 32u << 20, 3);
	for (long i = 0; i < 50000000 && !flow_pump(&f); i++) {
		tcp_conn_info(ca, &ia);
		if (ia.unacked > max_inflight)
			max_inflight = ia.unacked;
		if (ia.snd_wnd > max_wnd)
			max_wnd = ia.snd_wnd;
		if (!pair_step(&p))
			break;
	}
	CHECK_EQ(f.read, 32u << 20);
	CHECK_EQ(f.rhash, f.gen.hash);
	/* More than 64 KiB in flight: only possible with scaling. */
	CHECK(max_inflight > 1000000);
	CHECK(max_wnd > 4000000); /* B's scaled window */
	tcp_abort(ca);
	tcp_abort(cb);
	tcp_listener_close(l);
	pair_run_for(&p, 10 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(memory_per_idle_connection)
{
	struct pair p;
	struct tcp_listener *l;
	enum { N = 10000 };
	static struct tcp_conn *ca[N], *cb[N];
	struct tcp_config cfg = {.max_conns = 16384};
	struct tcp_stack_info ia, ib;
	int got = 0;

	pair_init(&p, &cfg, &cfg, 25);
	CHECK_EQ(tcp_listen(p.b, 80, 1024, &l), 0);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(tcp_connect_nb(p.a, A_ADDR, B_ADDR, 80, &ca[i]), 0);
		/* Exchange a little data so both buffers were used once. */
		PAIR_RUN_UNTIL(&p, (cb[got] = tcp_accept_nb(l)) != NULL, 1000);
		CHECK(cb[got] != NULL);
		got++;
	}
	for (int i = 0; i < N; i++) {
		CHECK_EQ(tcp_write_nb(ca[i], "ping", 4), 4);
		CHECK_EQ(tcp_write_nb(cb[i], "pong", 4), 4);
	}
	pair_run_for(&p, 1 * SECS);
	for (int i = 0; i < N; i++) {
		char b[8];
		CHECK_EQ(tcp_read_nb(ca[i], b, 8), 4);
		CHECK_EQ(tcp_read_nb(cb[i], b, 8), 4);
	}
	pair_run_for(&p, 1 * SECS);
	tcp_stack_info(p.a, &ia);
	tcp_stack_info(p.b, &ib);
	CHECK_EQ(ia.conns, N);
	/* Idle and drained: state only, no buffers. */
	CHECK_EQ(ia.mem, (size_t)N * ia.conn_size);
	CHECK(ib.mem <= (size_t)N * ib.conn_size + 4096);
	CHECK(ia.conn_size <= 512);
	printf("INFO: tcp: %zu bytes per idle established connection (%d held: %zu KiB)\n",
	       ia.conn_size, N, ia.mem / 1024);
	for (int i = 0; i < N; i++) {
		tcp_close(ca[i]);
		tcp_close(cb[i]);
	}
	tcp_listener_close(l);
	pair_run_for(&p, 10 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

TEST(memory_limits_hold)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb, *extra;
	struct tcp_config small = {.max_conns = 2, .sndbuf = 8192, .rcvbuf = 8192};
	long n;

	pair_init(&p, &small, &small, 26);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	/* The send buffer bounds what write takes. */
	static uint8_t big[100000];
	n = tcp_write_nb(ca, big, sizeof(big));
	CHECK_EQ(n, 8192);
	CHECK_EQ(tcp_write_nb(ca, big, 1), -TCP_EAGAIN);
	CHECK(!tcp_writable(ca));
	/* A holds 1 connection + 1 of max 2: a third is refused. */
	CHECK_EQ(tcp_connect_nb(p.a, A_ADDR, B_ADDR, 80, &extra), 0);
	CHECK_EQ(tcp_connect_nb(p.a, A_ADDR, B_ADDR, 80, &extra), -TCP_ENOMEM);
	CHECK_EQ(tcp_stack_stats(p.a)->drop_max_conns, 1);
	pair_run_for(&p, 100 * MSEC);
	CHECK_EQ(tcp_conn_status(extra), 0);
	tcp_abort(ca);
	tcp_abort(cb);
	tcp_abort(extra);
	tcp_listener_close(l);
	pair_run_for(&p, 10 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}
TEST(bulk_2mib_loss_only) { bulk(5, 0, 0, 2u << 20, NULL, 22); }
TEST(bulk_2mib_reorder_only) { bulk(0, 10, 0, 2u << 20, NULL, 22); }
TEST(bulk_2mib_duplicates_only) { bulk(0, 0, 1, 2u << 20, NULL, 22); }

TEST(many_connections_at_once_with_loss)
{
	struct pair p;
	struct tcp_listener *l;
	enum { N = 300 };
	static struct tcp_conn *ca[N], *cb[N];
	static struct flow f[N];
	/* A SYN queue for all: with cookies, a lost third ACK of an idle
	 * client is only repaired by the client's data (server-speaks-first
	 * protocols beware), and these clients wait to be accepted. */
	struct tcp_config cfg = {.max_conns = 1024, .syn_queue = 1024};
	int accepted = 0, done = 0;

	pair_init(&p, &cfg, &cfg, 27);
	CHECK_EQ(tcp_listen(p.b, 80, 1024, &l), 0);
	p.drop_pct = 2;
	p.reorder_pct = 5;
	for (int i = 0; i < N; i++)
		CHECK_EQ(tcp_connect_nb(p.a, A_ADDR, B_ADDR, 80, &ca[i]), 0);
	/* Accepted connections are not matched to ca[] by order: pair them up
	 * by ports once all are in. */
	for (long step = 0; step < 10000000 && accepted < N; step++) {
		struct tcp_conn *c;
		while (accepted < N && (c = tcp_accept_nb(l)) != NULL)
			cb[accepted++] = c;
		if (accepted < N && !pair_step(&p))
			break;
	}
	CHECK_EQ(accepted, N);
	for (int i = 0; i < N; i++) {
		struct tcp_conn_info ia;
		tcp_conn_info(ca[i], &ia);
		for (int j = i; j < N; j++) {
			struct tcp_conn_info ib;
			tcp_conn_info(cb[j], &ib);
			if (ib.rport == ia.lport) {
				struct tcp_conn *t = cb[i];
				cb[i] = cb[j];
				cb[j] = t;
				break;
			}
		}
		flow_init(&f[i], ca[i], cb[i], 20000 + 997u * (unsigned)i, (uint64_t)i + 100);
	}
	for (long step = 0; step < 20000000 && done < N; step++) {
		done = 0;
		for (int i = 0; i < N; i++)
			done += flow_pump(&f[i]);
		if (done < N && !pair_step(&p))
			break;
	}
	CHECK_EQ(done, N);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(f[i].rhash, f[i].gen.hash);
		tcp_close(ca[i]);
		tcp_close(cb[i]);
	}
	tcp_listener_close(l);
	p.drop_pct = 0;
	pair_run_for(&p, 600 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

/* Many seeds, harsher links (up to 20% loss, 29% reorder, 6% duplicates),
 * small and large windows, with and without options: every byte arrives
 * and everything is freed. */
TEST(many_seeds_heavy_impairment)
{
	for (uint64_t seed = 1; seed <= 24; seed++) {
		struct pair p;
		struct tcp_listener *l;
		struct tcp_conn *ca, *cb;
		struct tcp_config cfg = {.rcvbuf = (seed % 3) ? 65536 : 8192, .sndbuf = 32768,
					 .no_timestamps = seed % 4 == 0, .no_wscale = seed % 5 == 0,
					 .no_sack = seed % 6 == 0};
		char c;

		pair_init(&p, &cfg, &cfg, seed * 7919);
		CHECK(pair_connect(&p, 80, &l, &ca, &cb));
		p.drop_pct = 1 + seed % 20;
		p.reorder_pct = (unsigned)(seed * 7 % 30);
		p.dup_pct = seed % 7;
		p.delay = (1 + seed % 10) * MSEC;
		CHECK(transfer(&p, ca, cb, 400000, 50000000));
		tcp_shutdown_write(ca);
		tcp_shutdown_write(cb);
		PAIR_RUN_UNTIL(&p, tcp_read_nb(ca, &c, 1) <= 0 && tcp_read_nb(cb, &c, 1) <= 0, 1000000);
		tcp_close(ca);
		tcp_close(cb);
		tcp_listener_close(l);
		p.drop_pct = 0;
		pair_run_for(&p, 300 * SECS);
		CHECK_PAIR_CLEAN(&p);
		pair_free(&p);
	}
}

/* TSO and checksum offload (tcp_config.offloads): the pair plays the NIC
 * (pair.h pair_device). Data arrives intact clean and impaired, bursts
 * leave as super-segments, no segment on the wire exceeds the MSS and every
 * request the device got was right. */
static void bulk_offloaded(unsigned offloads, unsigned drop, unsigned reorder, unsigned dup,
			   uint64_t seed, unsigned min_share_pct)
{
	struct tcp_config cfg = {.offloads = offloads, .sndbuf = 1u << 20, .rcvbuf = 1u << 20};
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;

	pair_init(&p, &cfg, &cfg, seed);
	CHECK(pair_connect(&p, 80, &l, &ca, &cb));
	p.drop_pct = drop;
	p.reorder_pct = reorder;
	p.dup_pct = dup;
	CHECK(transfer(&p, ca, cb, 4u << 20, 50000000));
	CHECK(p.offloaded > 0);
	CHECK_EQ(p.bad_offload, 0ul);
	CHECK_EQ(p.oversize, 0ul);
	if (offloads & KILN_NET_OFFLOAD_TSO4) {
		CHECK(p.cut > 0);
		CHECK(tcp_stack_stats(p.a)->tso_sends > 0);
		/* Far fewer sends than segments on the wire. */
		/* A good share of the bytes (both ways) went as super-segments;
		 * this receiver ACKs every second segment, so each ACK frees
		 * a few MSS: they average over two. */
		CHECK(p.cut_bytes * 100 / (8ull << 20) >= min_share_pct);
		CHECK(p.cut_bytes / p.cut >= 2 * 1448);
	} else {
		CHECK_EQ(p.cut, 0ul);
		CHECK_EQ(tcp_stack_stats(p.a)->tso_sends, 0u);
	}
	PAIR_END(&p, l, ca, cb);
}

#define TSO (KILN_NET_OFFLOAD_CSUM | KILN_NET_OFFLOAD_TSO4)
TEST(bulk_tso_clean) { bulk_offloaded(TSO, 0, 0, 0, 31, 50); }
TEST(bulk_tso_impaired) { bulk_offloaded(TSO, 5, 10, 1, 32, 25); }
TEST(bulk_checksum_offload_only) { bulk_offloaded(KILN_NET_OFFLOAD_CSUM, 2, 5, 1, 33, 0); }
