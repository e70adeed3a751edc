/* nettcp_test.c: TCP over two whole kiln IPv4 stacks on lib/net's in-memory link (include/kiln/nettcp.h): handshake after ARP, data both ways intact over a clean and an impaired link, simultaneous close, resets, a dropped segment resent, a zero window probed and reopened, path MTU discovery from an ICMP "fragmentation needed"; nothing left behind. */
#include "harness.h"
#include "../../core/tests/fake_platform.h"

#include <kiln/checksum.h>
#include <kiln/nettcp.h>
#include <stdlib.h>

#define MS 1000000ull
#define SEC 1000000000ull
#define IP_A 0x0a000001u
#define IP_B 0x0a000002u

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};
static struct net_memlink link;
static struct net a, b;
static struct tcp_stack *ta, *tb;
static size_t live0; /* pbufs alive before the case */

static void up(const struct net_memlink_impair *imp)
{
	struct eth_dev da, db;
	fake_reset();
	fake_now = 1 * SEC;
	live0 = pbuf_live();
	net_memlink_init(&link, 1500, imp);
	da = net_memlink_dev(&link, 0);
	db = net_memlink_dev(&link, 1);
	net_init(&a, "a", &da, mac_a, 1500);
	net_init(&b, "b", &db, mac_b, 1500);
	net_memlink_attach(&link, 0, &a);
	net_memlink_attach(&link, 1, &b);
	net_set_ipv4(&a, IP_A, 24, 0);
	net_set_ipv4(&b, IP_B, 24, 0);
	ta = net_tcp_open(&a, NULL);
	tb = net_tcp_open(&b, NULL);
}

/* 1 ms of time: frames in flight delivered, every timer (TCP's through
 * the loop, ARP's and IPv4's by hand) run. */
static void step(void)
{
	fake_now += 1 * MS;
	net_memlink_pump(&link, fake_now, 4 * NET_MEMLINK_QUEUE);
	net_tick(&a, fake_now);
	net_tick(&b, fake_now);
	loop_step(0);
}

static bool down(void)
{
	struct tcp_stack_info ia, ib;
	for (int i = 0; i < 5000; i++) /* TIME_WAIT: 60 s at the default MSL */
		fake_now += 20 * MS, step();
	tcp_stack_info(ta, &ia);
	tcp_stack_info(tb, &ib);
	net_tcp_close(&a, ta);
	net_tcp_close(&b, tb);
	net_memlink_destroy(&link);
	net_destroy(&a);
	net_destroy(&b);
	return ia.conns == 0 && ib.conns == 0 && pbuf_live() == live0;
}

static bool transfer(size_t len)
{
	struct tcp_listener *l;
	struct tcp_conn *c = NULL, *s = NULL;
	uint8_t *out = malloc(len), *in = malloc(len), back[len < 65536 ? len : 65536];
	size_t sent = 0, got = 0, back_sent = 0, back_got = 0, blen = sizeof(back);
	bool ok = false;

	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(i * 2654435761u >> 13);
	if (tcp_listen(tb, 80, 4, &l) != 0 || tcp_connect_nb(ta, IP_A, IP_B, 80, &c) != 0)
		goto out;
	for (int i = 0; i < 200000 && (got < len || back_got < blen); i++) {
		long n;
		if (!s)
			s = tcp_accept_nb(l);
		if (sent < len && (n = tcp_write_nb(c, out + sent, len - sent)) > 0)
			sent += (size_t)n;
		if (s && (n = tcp_read_nb(s, in + got, len - got)) > 0)
			got += (size_t)n;
		/* and the other way: the server sends the first 64 KiB back */
		if (s && back_sent < got && back_sent < blen &&
		    (n = tcp_write_nb(s, in + back_sent, (got < blen ? got : blen) - back_sent)) > 0)
			back_sent += (size_t)n;
		if ((n = tcp_read_nb(c, back + back_got, blen - back_got)) > 0)
			back_got += (size_t)n;
		step();
	}
	ok = got == len && memcmp(in, out, len) == 0 && back_got == blen &&
	     memcmp(back, out, blen) == 0;
	if (!ok)
		fprintf(stderr, "sent %zu got %zu back %zu\n", sent, got, back_got);
	if (s)
		tcp_close(s);
	tcp_close(c);
	tcp_listener_close(l);
out:
	free(out);
	free(in);
	return ok;
}

TEST(handshake_and_data_both_ways_over_ipv4)
{
	up(NULL);
	CHECK(ta != NULL && tb != NULL);
	CHECK(transfer(1 << 20));
	CHECK(tcp_stack_stats(tb)->retransmits == 0);
	CHECK(down());
}

TEST(impaired_link_loss_reorder_dup)
{
	struct net_memlink_impair imp = {.loss_pct = 5, .dup_pct = 1, .reorder_pct = 10, .seed = 1};
	up(&imp);
	CHECK(transfer(1 << 20));
	CHECK(link.stats.lost > 10);
	CHECK(tcp_stack_stats(ta)->retransmits > 0);
	CHECK(down());
}

TEST(protocol_6_taken_twice_is_refused)
{
	up(NULL);
	CHECK(net_tcp_open(&a, NULL) == NULL);
	CHECK(down());
}

/* Connect a to b:80 over the whole stack; both ends established. */
static bool connect_pair(struct tcp_listener **l, struct tcp_conn **c, struct tcp_conn **s)
{
	*s = NULL;
	if (tcp_listen(tb, 80, 4, l) != 0 || tcp_connect_nb(ta, IP_A, IP_B, 80, c) != 0)
		return false;
	for (int i = 0; i < 3000 && !*s; i++) {
		step();
		*s = tcp_accept_nb(*l);
	}
	return *s && tcp_conn_status(*c) == 0;
}

static enum tcp_state state_of(struct tcp_conn *c)
{
	struct tcp_conn_info ci;
	tcp_conn_info(c, &ci);
	return ci.state;
}

TEST(simultaneous_close)
{
	struct tcp_listener *l;
	struct tcp_conn *c, *s;
	char buf[8];
	up(NULL);
	CHECK(connect_pair(&l, &c, &s));
	CHECK_EQ(tcp_write_nb(c, "ping", 4), 4);
	CHECK_EQ(tcp_write_nb(s, "pong", 4), 4);
	for (int i = 0; i < 20; i++)
		step();
	CHECK_EQ(tcp_read_nb(s, buf, sizeof(buf)), 4);
	CHECK_EQ(tcp_read_nb(c, buf, sizeof(buf)), 4);
	CHECK_EQ(tcp_shutdown_write(c), 0); /* both FINs leave in the same step */
	CHECK_EQ(tcp_shutdown_write(s), 0);
	for (int i = 0; i < 20; i++)
		step();
	/* Both sides closed first: each ends in TIME_WAIT (RFC 9293 3.6, case 3). */
	CHECK_EQ(state_of(c), TCP_TIME_WAIT);
	CHECK_EQ(state_of(s), TCP_TIME_WAIT);
	CHECK_EQ(tcp_read_nb(c, buf, sizeof(buf)), 0);
	tcp_close(c);
	tcp_close(s);
	tcp_listener_close(l);
	CHECK(down());
}

TEST(resets_refused_and_aborted)
{
	struct tcp_listener *l;
	struct tcp_conn *c, *s, *x = NULL;
	char buf[8];
	up(NULL);
	/* No listener on port 81: the SYN is answered with RST. */
	CHECK_EQ(tcp_connect_nb(ta, IP_A, IP_B, 81, &x), 0);
	for (int i = 0; i < 50 && tcp_conn_status(x) == -TCP_EINPROGRESS; i++)
		step();
	CHECK_EQ(tcp_conn_status(x), -TCP_ECONNREFUSED);
	tcp_close(x);
	/* An abort resets the peer, whose next read says so. */
	CHECK(connect_pair(&l, &c, &s));
	tcp_abort(s);
	for (int i = 0; i < 20; i++)
		step();
	CHECK_EQ(tcp_read_nb(c, buf, sizeof(buf)), -TCP_ECONNRESET);
	CHECK(tcp_stack_stats(ta)->rst_received >= 2);
	tcp_close(c);
	tcp_listener_close(l);
	CHECK(down());
}

static int drop_budget;
static bool drop_one_data_frame(void *ctx, int from, struct view frame)
{
	(void)ctx;
	if (from == 0 && frame.len > 200 && drop_budget > 0) {
		drop_budget--;
		return false;
	}
	return true;
}

TEST(dropped_segment_is_resent)
{
	struct tcp_listener *l;
	struct tcp_conn *c, *s;
	static uint8_t out[20000], in[20000];
	size_t got = 0;
	up(NULL);
	CHECK(connect_pair(&l, &c, &s));
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7);
	drop_budget = 1;
	link.filter = drop_one_data_frame;
	CHECK_EQ(tcp_write_nb(c, out, sizeof(out)), (long)sizeof(out));
	for (int i = 0; i < 3000 && got < sizeof(in); i++) {
		long n = tcp_read_nb(s, in + got, sizeof(in) - got);
		if (n > 0)
			got += (size_t)n;
		step();
	}
	CHECK_EQ(drop_budget, 0);
	CHECK_EQ(got, sizeof(in));
	CHECK_MEM(in, out, sizeof(out));
	CHECK(tcp_stack_stats(ta)->retransmits >= 1);
	link.filter = NULL;
	tcp_close(c);
	tcp_close(s);
	tcp_listener_close(l);
	CHECK(down());
}

TEST(zero_window_is_probed_and_reopened)
{
	struct tcp_listener *l;
	struct tcp_conn *c, *s;
	struct tcp_config small = {.rcvbuf = 8192, .sndbuf = 65536};
	static uint8_t out[100000], in[100000];
	size_t sent = 0, got = 0;
	up(NULL);
	net_tcp_close(&b, tb); /* b again, with a small receive buffer */
	tb = net_tcp_open(&b, &small);
	CHECK(tb != NULL);
	CHECK(connect_pair(&l, &c, &s));
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 13);
	/* b reads nothing for 5 s: its window closes and a probes it. */
	for (int i = 0; i < 5000; i++) {
		long n = tcp_write_nb(c, out + sent, sizeof(out) - sent);
		if (n > 0)
			sent += (size_t)n;
		step();
	}
	struct tcp_conn_info ci;
	tcp_conn_info(c, &ci);
	CHECK_EQ(ci.snd_wnd, 0);
	CHECK(tcp_stack_stats(ta)->zero_window_probes >= 1);
	CHECK(sent < sizeof(out));
	/* Reading reopens the window; everything arrives in order. */
	for (int i = 0; i < 20000 && got < sizeof(in); i++) {
		long n = tcp_read_nb(s, in + got, sizeof(in) - got);
		if (n > 0)
			got += (size_t)n;
		if (sent < sizeof(out) && (n = tcp_write_nb(c, out + sent, sizeof(out) - sent)) > 0)
			sent += (size_t)n;
		step();
	}
	CHECK_EQ(got, sizeof(in));
	CHECK_MEM(in, out, sizeof(out));
	tcp_close(c);
	tcp_close(s);
	tcp_listener_close(l);
	CHECK(down());
}

/* A router between A and B whose next link takes 1000-byte datagrams: it
 * drops A's bigger ones and answers each with an ICMP "fragmentation
 * needed" (RFC 1191), built here and handed to A's IPv4. Also checks every
 * TCP datagram of A's carries DF with ID 0 (RFC 6864). */
static uint8_t too_big[16][28];
static int too_big_n, not_df;
static bool router_1000(void *ctx, int from, struct view frame)
{
	const uint8_t *ip = frame.data + 14;
	(void)ctx;
	if (from != 0 || frame.len < 14 + 28 || ip[9] != IPV4_PROTO_TCP)
		return true;
	if (!(ip[6] & 0x40) || ip[4] || ip[5])
		not_df++;
	if (frame.len - 14 <= 1000)
		return true;
	if (too_big_n < 16)
		memcpy(too_big[too_big_n++], ip, 28);
	return false;
}

static void send_too_big(void)
{
	for (int i = 0; i < too_big_n; i++) {
		uint8_t d[20 + 8 + 28] = {0x45, 0, 0, sizeof(d), 0, 0, 0, 0, 64, IPV4_PROTO_ICMP};
		store_be32(d + 12, IP_B);
		store_be32(d + 16, IP_A);
		store_be16(d + 10, checksum_fold(checksum_add(0, d, 20)));
		d[20] = ICMP_DEST_UNREACH;
		d[21] = ICMP_UNREACH_NEEDFRAG;
		store_be16(d + 26, 1000); /* next-hop MTU */
		memcpy(d + 28, too_big[i], 28);
		store_be16(d + 22, checksum_fold(checksum_add(0, d + 20, 8 + 28)));
		ipv4_input(&a.ip, view_make(d, sizeof(d)), fake_now);
	}
	too_big_n = 0;
}

TEST(fragmentation_needed_lowers_the_mss)
{
	struct tcp_listener *l;
	struct tcp_conn *c, *s;
	static uint8_t out[50000], in[50000];
	size_t got = 0;
	up(NULL);
	CHECK(connect_pair(&l, &c, &s));
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 13);
	not_df = 0;
	link.filter = router_1000;
	CHECK_EQ(tcp_write_nb(c, out, sizeof(out)), (long)sizeof(out));
	for (int i = 0; i < 3000 && got < sizeof(in); i++) {
		long n = tcp_read_nb(s, in + got, sizeof(in) - got);
		if (n > 0)
			got += (size_t)n;
		step();
		send_too_big();
	}
	CHECK_EQ(got, sizeof(in));
	CHECK_MEM(in, out, sizeof(out));
	CHECK_EQ(not_df, 0);
	CHECK(tcp_stack_stats(ta)->pmtu_updates >= 1);
	CHECK_EQ(tcp_stack_stats(ta)->rto_expired, 0); /* resent at once, no timeout */
	link.filter = NULL;
	tcp_close(c);
	tcp_close(s);
	tcp_listener_close(l);
	CHECK(down());
}
