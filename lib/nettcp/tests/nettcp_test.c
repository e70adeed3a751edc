/* nettcp_test.c: TCP over two whole kiln IPv4 stacks on lib/net's in-memory link (include/kiln/nettcp.h): handshake after ARP, data both ways intact over a clean and an impaired link, nothing left behind. */
#include "harness.h"
#include "../../core/tests/fake_platform.h"

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

static void up(const struct net_memlink_impair *imp)
{
	struct eth_dev da, db;
	fake_reset();
	fake_now = 1 * SEC;
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
	return ia.conns == 0 && ib.conns == 0;
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
