/* conform_test.c: RFC points external suites checked: no duplicate window updates (RFC 9293 3.8.6.2.2), persist back-off, a FIN past a hole ACKed at once (RFC 5681 4.2), SACK block order (RFC 2018 4), no tail loss probe in RTO recovery (RFC 8985 7.2). */
#include "pair.h"
#include "tcp_priv.h"

/* A segment from B's side of conn ca (as seen by A) with the given fields. */
static void inject_to_a(struct pair *p, struct tcp_conn *ca, uint32_t seq, uint8_t flags,
			const void *data, unsigned len)
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
	if (ca->flags & TF_TS) {
		h.opts.has = TCP_HAS_TS;
		h.opts.tsval = ca->ts_recent + 1;
	}
	n = tcp_hdr_encode(&h, seg);
	if (len)
		memcpy(seg + n, data, len);
	tcp_seg_checksum_set(seg, n + len, B_ADDR, A_ADDR);
	tcp_input(p->a, B_ADDR, A_ADDR, view_make(seg, n + len), p->now);
}

/* --- Window updates that would repeat the last ACK ------------------------ */

static unsigned long b_acks;
static bool count_b_acks(struct pair *p, uint32_t src, uint32_t dst, const struct tcp_seg *s)
{
	(void)p;
	(void)dst;
	if (src == B_ADDR && !s->payload.len)
		b_acks++;
	return true;
}

TEST(no_window_update_the_field_cannot_show)
{
	struct tcp_config cb = {.rcvbuf = 256 * 1024}, ca = {.no_wscale = true};
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *a, *b;
	static uint8_t buf[65536];
	long got = 0;

	/* B's buffer is four times what an unscaled field can say. */
	pair_init(&p, &ca, &cb, 91);
	CHECK(pair_connect(&p, 80, &l, &a, &b));
	CHECK_EQ(b->rcv_wscale, 0);
	CHECK_EQ(tcp_write_nb(a, buf, 60000), 60000);
	pair_run_for(&p, 500 * MSEC);
	CHECK_EQ(b->rcv.len, 60000);
	p.filter = count_b_acks;
	/* Reading frees space beyond the 65535 bytes offered already: the
	 * edge the peer can be told of does not move, so nothing is sent. */
	for (int i = 0; i < 60; i++) {
		long n = tcp_read_nb(b, buf, 1000);
		if (n > 0)
			got += n;
		pair_run_for(&p, 1 * MSEC);
	}
	CHECK_EQ(got, 60000);
	CHECK_EQ(b_acks, 0);
	p.filter = NULL;
	PAIR_END(&p, l, a, b);
}

/* --- Zero-window probes: 1, 2, 4 RTOs apart ------------------------------- */

static kiln_time_t probe_at[8];
static unsigned probes;
static bool note_probes(struct pair *p, uint32_t src, uint32_t dst, const struct tcp_seg *s)
{
	(void)dst;
	if (src == A_ADDR && !s->payload.len && !(s->h.flags & (TCP_SYN | TCP_FIN)) && probes < 8)
		probe_at[probes++] = p->now;
	return true;
}

TEST(zero_window_probes_back_off_from_the_first)
{
	struct tcp_config cb = {.rcvbuf = 8192};
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *a, *b;
	static uint8_t buf[32768];
	kiln_time_t rto;

	pair_init(&p, NULL, &cb, 92);
	CHECK(pair_connect(&p, 80, &l, &a, &b));
	CHECK(tcp_write_nb(a, buf, sizeof(buf)) > 8192);
	pair_run_for(&p, 100 * MSEC); /* B's window closes; B never reads */
	CHECK_EQ(a->snd_wnd, 0);
	rto = (kiln_time_t)a->rto * 1000;
	p.filter = note_probes;
	pair_run_for(&p, 8 * rto);
	p.filter = NULL;
	CHECK(probes >= 3);
	CHECK(tcp_stack_stats(p.a)->zero_window_probes >= 3);
	/* Intervals double from the first (RFC 6298 5.5, as Linux). */
	CHECK_EQ(probe_at[2] - probe_at[1], 2 * (probe_at[1] - probe_at[0]));
	CHECK_EQ(probe_at[1] - probe_at[0], 2 * rto);
	PAIR_END(&p, l, a, b);
}

/* --- A FIN beyond a hole ------------------------------------------------- */

TEST(fin_past_a_hole_is_acked_at_once)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *a, *b;
	uint64_t out;

	pair_init(&p, NULL, NULL, 93);
	CHECK(pair_connect(&p, 80, &l, &a, &b));
	out = tcp_stack_stats(p.a)->segs_out;
	inject_to_a(&p, a, a->rcv_nxt + 100, TCP_FIN | TCP_ACK, NULL, 0);
	CHECK_EQ(tcp_stack_stats(p.a)->segs_out, out + 1); /* the duplicate ACK */
	CHECK_EQ(a->state, TCP_ESTABLISHED);
	PAIR_END(&p, l, a, b);
}

/* --- SACK blocks most recent first ---------------------------------------- */

static struct tcp_opts last_ack_opts;
static bool note_a_ack(struct pair *p, uint32_t src, uint32_t dst, const struct tcp_seg *s)
{
	(void)p;
	(void)dst;
	if (src == A_ADDR)
		last_ack_opts = s->h.opts;
	return false; /* B need not see them */
}

TEST(sack_blocks_most_recently_reported_first)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *a, *b;
	uint32_t base;

	pair_init(&p, NULL, NULL, 94);
	CHECK(pair_connect(&p, 80, &l, &a, &b));
	CHECK(a->flags & TF_SACK);
	CHECK(a->flags & TF_TS); /* 3 blocks fit with timestamps */
	base = a->rcv_nxt;
	p.filter = note_a_ack;
	inject_to_a(&p, a, base + 100, TCP_ACK, "aaaaaaaaaa", 10);
	inject_to_a(&p, a, base + 200, TCP_ACK, "bbbbbbbbbb", 10);
	inject_to_a(&p, a, base + 300, TCP_ACK, "cccccccccc", 10);
	inject_to_a(&p, a, base + 400, TCP_ACK, "dddddddddd", 10);
	CHECK_EQ(last_ack_opts.nsack, 3);
	CHECK_EQ(last_ack_opts.sack[0].start, base + 400);
	CHECK_EQ(last_ack_opts.sack[1].start, base + 300);
	CHECK_EQ(last_ack_opts.sack[2].start, base + 200);
	/* New data at the oldest block makes it the most recent. */
	inject_to_a(&p, a, base + 110, TCP_ACK, "AAAAAAAAAA", 10);
	CHECK_EQ(last_ack_opts.nsack, 3);
	CHECK_EQ(last_ack_opts.sack[0].start, base + 100);
	CHECK_EQ(last_ack_opts.sack[0].end, base + 120);
	CHECK_EQ(last_ack_opts.sack[1].start, base + 400);
	CHECK_EQ(last_ack_opts.sack[2].start, base + 300);
	p.filter = NULL;
	PAIR_END(&p, l, a, b);
}

/* --- No tail loss probe after an RTO --------------------------------------- */

static kiln_time_t first_rto_at;
static uint64_t probes_at_rto;
/* Every data segment from A is lost but the one the first RTO resends:
 * its ACK moves snd_una while the rest of the flight is still missing. */
static bool lose_all_but_the_rto_resend(struct pair *p, uint32_t src, uint32_t dst,
					const struct tcp_seg *s)
{
	const struct tcp_stats *st = tcp_stack_stats(p->a);
	(void)dst;
	if (src != A_ADDR || !s->payload.len)
		return true;
	if (st->rto_expired == 1 && !first_rto_at) {
		first_rto_at = p->now;
		probes_at_rto = st->tail_loss_probes;
		return true;
	}
	return false;
}

TEST(no_tail_loss_probe_in_rto_recovery)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *a, *b;
	static uint8_t buf[20000];

	pair_init(&p, NULL, NULL, 95);
	CHECK(pair_connect(&p, 80, &l, &a, &b));
	CHECK(a->flags & TF_SACK);
	CHECK_EQ(tcp_write_nb(a, buf, sizeof(buf)), (long)sizeof(buf));
	pair_run_for(&p, 200 * MSEC);
	p.filter = lose_all_but_the_rto_resend;
	CHECK_EQ(tcp_write_nb(a, buf, sizeof(buf)), (long)sizeof(buf));
	PAIR_RUN_UNTIL(&p, tcp_stack_stats(p.a)->rto_expired >= 2, 100000);
	CHECK_EQ(tcp_stack_stats(p.a)->rto_expired, 2);
	CHECK(first_rto_at != 0);
	/* Between the two timeouts: no probe (RFC 8985 7.2), only RTOs. */
	CHECK_EQ(tcp_stack_stats(p.a)->tail_loss_probes, probes_at_rto);
	p.filter = NULL;
	PAIR_END(&p, l, a, b);
}

/* --- TIME_WAIT never keeps a new connection out ---------------------------- */

TEST(time_wait_never_blocks_new_connections)
{
	/* B is the server and closes first: each connection leaves it in
	 * TIME_WAIT for 2 MSL (60 s), far longer than the test runs. */
	struct tcp_config cb = {.max_conns = 64, .msl = 30 * SECS};
	struct pair p;
	struct tcp_listener *l;
	kiln_time_t start, worst = 0;
	unsigned done = 0;
	char buf[8];

	pair_init(&p, NULL, &cb, 96);
	CHECK_EQ(tcp_listen(p.b, 80, 16, &l), 0);
	start = p.now;
	for (unsigned i = 0; i < 20000; i++) {
		struct tcp_conn *a = NULL, *b = NULL;
		kiln_time_t t0 = p.now;
		long n = 0;

		if (tcp_connect_nb(p.a, A_ADDR, B_ADDR, 80, &a) != 0)
			break;
		PAIR_RUN_UNTIL(&p, (b = tcp_accept_nb(l)) != NULL && tcp_conn_status(a) == 0, 1000);
		if (!b || tcp_conn_status(a) != 0) {
			tcp_abort(a);
			break;
		}
		tcp_write_nb(b, "bye", 3);
		tcp_close(b);
		PAIR_RUN_UNTIL(&p, (n = tcp_read_nb(a, buf, sizeof(buf))) == 0, 1000);
		tcp_close(a);
		pair_run_for(&p, 5 * MSEC);
		if (n != 0)
			break;
		if (p.now - t0 > worst)
			worst = p.now - t0;
		done++;
	}
	CHECK_EQ(done, 20000);
	CHECK(worst < 50 * MSEC); /* each one a few round trips: no stall */
	CHECK(p.now - start < 20000 * 50 * MSEC);
	CHECK(tcp_stack_stats(p.b)->time_wait_recycled >= 20000 - 64);
	CHECK_EQ(tcp_stack_stats(p.b)->drop_max_conns, 0);
	tcp_listener_close(l);
	pair_run_for(&p, 120 * SECS);
	CHECK_PAIR_CLEAN(&p);
	pair_free(&p);
}

/* A SYN cookie whose ACK finds no room is answered with a RST, never by
 * silence: the client believes the connection open. */
TEST(cookie_ack_without_room_is_reset)
{
	struct tcp_config cb = {.max_conns = 1, .syn_queue = 1};
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *a1, *b1, *a2;

	pair_init(&p, NULL, &cb, 97);
	CHECK(pair_connect(&p, 80, &l, &a1, &b1)); /* B is full: 1 of 1 */
	CHECK_EQ(tcp_connect_nb(p.a, A_ADDR, B_ADDR, 80, &a2), 0);
	pair_run_for(&p, 3 * SECS);
	CHECK(tcp_stack_stats(p.b)->syn_cookies_sent >= 1);
	CHECK(tcp_stack_stats(p.b)->drop_max_conns >= 1);
	CHECK_EQ(tcp_conn_status(a2), -TCP_ECONNRESET);
	tcp_abort(a2);
	PAIR_END(&p, l, a1, b1);
}

/* --- Path MTU discovery ---------------------------------------------------- */

static uint32_t a_largest;
static bool note_a_size(struct pair *p, uint32_t src, uint32_t dst, const struct tcp_seg *s)
{
	(void)p;
	(void)dst;
	if (src == A_ADDR && s->payload.len > a_largest)
		a_largest = (uint32_t)s->payload.len;
	return true;
}

TEST(fragmentation_needed_lowers_the_mss_and_resends)
{
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *a, *b;
	static uint8_t buf[30000], got[30000];
	long n = 0;
	struct stream gen;
	uint32_t una;

	pair_init(&p, NULL, NULL, 98);
	CHECK(pair_connect(&p, 80, &l, &a, &b));
	CHECK(a->flags & TF_TS);
	CHECK_EQ(a->snd_mss, 1460 - 12);
	stream_init(&gen, 5);
	stream_fill(&gen, buf, sizeof(buf));
	CHECK_EQ(tcp_write_nb(a, buf, sizeof(buf)), (long)sizeof(buf));
	una = a->snd_una;
	/* Not about a segment in flight: ignored (RFC 5927 4.1). */
	tcp_icmp_too_big(p.a, A_ADDR, a->lport, B_ADDR, 80, una - 5000, 1000, p.now);
	tcp_icmp_too_big(p.a, A_ADDR, a->lport, B_ADDR, 80, a->snd_max + 1, 1000, p.now);
	CHECK_EQ(tcp_stack_stats(p.a)->pmtu_ignored, 2);
	CHECK_EQ(a->snd_mss, 1460 - 12);
	/* A router on the path takes 1000-byte datagrams. */
	p.filter = note_a_size;
	tcp_icmp_too_big(p.a, A_ADDR, a->lport, B_ADDR, 80, una, 1000, p.now);
	CHECK_EQ(tcp_stack_stats(p.a)->pmtu_updates, 1);
	CHECK_EQ(a->snd_mss, 1000 - 40 - 12);
	/* A forged tiny MTU cannot shrink segments below 552 bytes' worth. */
	tcp_icmp_too_big(p.a, A_ADDR, a->lport, B_ADDR, 80, a->snd_una, 100, p.now);
	CHECK_EQ(a->snd_mss, 552 - 40 - 12);
	a_largest = 0;
	while (n < (long)sizeof(got)) {
		long r;
		pair_run_for(&p, 10 * MSEC);
		r = tcp_read_nb(b, got + n, sizeof(got) - (size_t)n);
		if (r <= 0 && !p.head)
			break;
		if (r > 0)
			n += r;
	}
	CHECK_EQ(n, (long)sizeof(got));
	CHECK_MEM(got, buf, sizeof(buf));
	CHECK(a_largest > 0);
	CHECK(a_largest <= 552 - 40 - 12);
	p.filter = NULL;
	PAIR_END(&p, l, a, b);
}
