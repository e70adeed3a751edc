/* stack_test.c: two whole kiln stacks in one process over the in-memory link:
 * ARP, ping both ways, UDP both ways, fragmented UDP both ways, reassembly
 * timeout, port unreachable, bad TTL and checksums, an impaired link, and a
 * blocking udp_recv. Every case checks that every pbuf and queue is freed. */
#include "harness.h"
#include "netstack/netstack_test.h"

#include <kiln/checksum.h>
#include <kiln/net.h>
#include <stdlib.h>

#define MS 1000000ull
#define SEC 1000000000ull
#define IP_A 0x0a000001u
#define IP_B 0x0a000002u

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};

struct pair {
	struct net_memlink link;
	struct net a, b;
	size_t live;
};

static void pair_up(struct pair *p, const struct net_memlink_impair *imp)
{
	struct eth_dev da, db;
	memset(p, 0, sizeof(*p));
	p->live = pbuf_live();
	fake_now = 1 * SEC;
	net_memlink_init(&p->link, 1500, imp);
	da = net_memlink_dev(&p->link, 0);
	db = net_memlink_dev(&p->link, 1);
	net_init(&p->a, "a", &da, mac_a, 1500);
	net_init(&p->b, "b", &db, mac_b, 1500);
	net_memlink_attach(&p->link, 0, &p->a);
	net_memlink_attach(&p->link, 1, &p->b);
	net_set_ipv4(&p->a, IP_A, 24, 0);
	net_set_ipv4(&p->b, IP_B, 24, 0);
}

/* Deliver everything in flight and run due timers, at the fake time. */
static void settle(struct pair *p)
{
	for (int i = 0; i < 100 && p->link.count; i++) {
		net_memlink_pump(&p->link, fake_now, NET_MEMLINK_QUEUE);
		net_tick(&p->a, fake_now);
		net_tick(&p->b, fake_now);
	}
}

/* Advance the clock by dt, running timers, and settle. */
static void advance(struct pair *p, kiln_time_t dt)
{
	fake_now += dt;
	net_tick(&p->a, fake_now);
	net_tick(&p->b, fake_now);
	settle(p);
}

/* Free both stacks and the link; true if every pbuf came back. */
static bool pair_down(struct pair *p)
{
	net_memlink_destroy(&p->link);
	net_destroy(&p->a);
	net_destroy(&p->b);
	return pbuf_live() == p->live && p->a.ip.reass_bytes == 0 && p->b.ip.reass_bytes == 0 &&
	       p->a.arp.pending_total == 0 && p->b.arp.pending_total == 0;
}

TEST(arp_resolves_and_gratuitous_announcements_go_out)
{
	struct pair p;
	uint8_t mac[6];
	pair_up(&p, NULL);
	/* Each stack announced its address when it was set. */
	CHECK_EQ(p.a.arp.counters.tx_announcements, 1);
	CHECK_EQ(p.link.count, 2);
	settle(&p);
	struct udp_socket *sa = udp_open(&p.a.udp, 5000), *sb = udp_open(&p.b.udp, 7);
	CHECK_EQ(udp_send(sa, IP_B, 7, "x", 1), 1);
	CHECK_EQ(p.a.arp.counters.tx_requests, 1);
	CHECK_EQ(p.a.arp.pending_total, 1);
	settle(&p);
	CHECK(arp_lookup(&p.a.arp, IP_B, mac, fake_now));
	CHECK_MEM(mac, mac_b, 6);
	CHECK(arp_lookup(&p.b.arp, IP_A, mac, fake_now));
	CHECK_MEM(mac, mac_a, 6);
	CHECK_EQ(udp_pending(sb), 1);
	CHECK_EQ(p.b.arp.counters.tx_replies, 1);
	CHECK(pair_down(&p));
}

TEST(arp_pending_queue_bounds_hold_across_the_stack)
{
	struct pair p;
	pair_up(&p, NULL);
	settle(&p);
	struct udp_socket *sa = udp_open(&p.a.udp, 5000), *sb = udp_open(&p.b.udp, 7);
	int accepted = 0;
	for (int i = 0; i < 10; i++)
		accepted += udp_send(sa, IP_B, 7, "burst", 5) == 5;
	CHECK_EQ(accepted, ARP_PENDING_PER_ADDR);
	CHECK_EQ(p.a.arp.counters.drop_queue_full, 10 - ARP_PENDING_PER_ADDR);
	CHECK_EQ(p.a.ip.counters.tx_link_dropped, 10 - ARP_PENDING_PER_ADDR);
	settle(&p);
	CHECK_EQ(udp_pending(sb), ARP_PENDING_PER_ADDR);
	/* An address nobody has: retried, then given up, memory freed. */
	CHECK_EQ(udp_send(sa, 0x0a000063, 7, "void", 4), 4);
	for (int i = 0; i < ARP_MAX_TRIES + 1; i++)
		advance(&p, ARP_RETRY_NS);
	CHECK_EQ(p.a.arp.counters.gave_up, 1);
	CHECK_EQ(p.a.arp.counters.drop_unresolved, 1);
	CHECK_EQ(p.a.arp.pending_total, 0);
	CHECK(pair_down(&p));
}

struct pings {
	int n;
	uint32_t from;
	uint16_t seq;
	size_t len;
};

static void on_reply(void *ctx, uint32_t from, uint16_t id, uint16_t seq, struct view data,
		     kiln_time_t now)
{
	struct pings *r = ctx;
	(void)id, (void)now;
	r->n++, r->from = from, r->seq = seq, r->len = data.len;
}

TEST(ping_both_ways)
{
	struct pair p;
	struct pings ra = {0}, rb = {0};
	uint8_t data[56];
	pair_up(&p, NULL);
	memset(data, 0xa5, sizeof(data));
	icmp_on_echo_reply(&p.a.icmp, on_reply, &ra);
	icmp_on_echo_reply(&p.b.icmp, on_reply, &rb);
	CHECK_EQ(icmp_send_echo_request(&p.a.icmp, IP_B, 1, 1, data, 56, fake_now), IPV4_OK);
	settle(&p);
	CHECK_EQ(ra.n, 1);
	CHECK_EQ(ra.from, IP_B);
	CHECK_EQ(ra.len, 56);
	CHECK_EQ(icmp_send_echo_request(&p.b.icmp, IP_A, 2, 7, data, 56, fake_now), IPV4_OK);
	settle(&p);
	CHECK_EQ(rb.n, 1);
	CHECK_EQ(rb.seq, 7);
	/* A 3000-byte ping travels as fragments, and its reply too. */
	uint8_t *big = calloc(1, 3000);
	CHECK_EQ(icmp_send_echo_request(&p.a.icmp, IP_B, 1, 2, big, 3000, fake_now), IPV4_OK);
	settle(&p);
	free(big);
	CHECK_EQ(ra.n, 2);
	CHECK_EQ(ra.len, 3000);
	CHECK_EQ(p.b.ip.counters.reass_done, 1);
	CHECK_EQ(p.a.ip.counters.reass_done, 1);
	CHECK_EQ(p.b.icmp.counters.tx_echo_replies, 2);
	CHECK(pair_down(&p));
}

TEST(udp_both_ways)
{
	struct pair p;
	uint8_t buf[64];
	uint32_t from;
	uint16_t port;
	pair_up(&p, NULL);
	struct udp_socket *sa = udp_open(&p.a.udp, 0), *sb = udp_open(&p.b.udp, 7);
	CHECK_EQ(udp_send(sa, IP_B, 7, "hello", 5), 5);
	settle(&p);
	CHECK_EQ(udp_recv(sb, buf, sizeof(buf), &from, &port, 0), 5);
	CHECK_MEM(buf, "hello", 5);
	CHECK_EQ(from, IP_A);
	CHECK_EQ(port, udp_port(sa));
	CHECK_EQ(udp_send(sb, from, port, "olleh", 5), 5);
	settle(&p);
	CHECK_EQ(udp_recv(sa, buf, sizeof(buf), &from, &port, 0), 5);
	CHECK_MEM(buf, "olleh", 5);
	CHECK_EQ(port, 7);
	CHECK_EQ(udp_recv(sa, buf, sizeof(buf), NULL, NULL, 0), UDP_ETIMEDOUT);
	CHECK(pair_down(&p));
}

static void pattern(uint8_t *d, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 31 + seed + i / 256);
}

TEST(fragmented_udp_both_ways)
{
	struct pair p;
	enum { N = 8000 };
	uint8_t *out = malloc(N), *in = malloc(N + 1);
	pair_up(&p, NULL);
	struct udp_socket *sa = udp_open(&p.a.udp, 4000), *sb = udp_open(&p.b.udp, 4001);
	settle(&p);
	/* Resolve first, so all six fragments go at once (not 4 queued). */
	udp_send(sa, IP_B, 4001, "", 0);
	settle(&p);
	CHECK_EQ(udp_recv(sb, in, N, NULL, NULL, 0), 0);
	pattern(out, N, 1);
	CHECK_EQ(udp_send(sa, IP_B, 4001, out, N), N);
	CHECK_EQ(p.a.ip.counters.tx_fragmented, 1);
	CHECK_EQ(p.link.count, 6);
	settle(&p);
	CHECK_EQ(udp_recv(sb, in, N + 1, NULL, NULL, 0), N);
	CHECK_MEM(in, out, N);
	pattern(out, N, 2);
	CHECK_EQ(udp_send(sb, IP_A, 4000, out, N), N);
	settle(&p);
	CHECK_EQ(udp_recv(sa, in, N + 1, NULL, NULL, 0), N);
	CHECK_MEM(in, out, N);
	/* The largest datagram there is. */
	free(out), free(in);
	out = malloc(UDP_MAX_PAYLOAD), in = malloc(UDP_MAX_PAYLOAD);
	pattern(out, UDP_MAX_PAYLOAD, 3);
	CHECK_EQ(udp_send(sa, IP_B, 4001, out, UDP_MAX_PAYLOAD), UDP_MAX_PAYLOAD);
	settle(&p);
	CHECK_EQ(udp_recv(sb, in, UDP_MAX_PAYLOAD, NULL, NULL, 0), UDP_MAX_PAYLOAD);
	CHECK_MEM(in, out, UDP_MAX_PAYLOAD);
	free(out), free(in);
	CHECK_EQ(p.b.ip.counters.reass_done, 2);
	CHECK(pair_down(&p));
}

/* Drops the second IPv4 fragment sent from side 0. */
static bool lose_second_fragment(void *ctx, int from, struct view frame)
{
	int *seen = ctx;
	uint16_t type, frag;
	if (from != 0 || !view_be16(frame, 12, &type) || type != ETH_TYPE_IPV4 ||
	    !view_be16(frame, 14 + 6, &frag) || (frag & 0x3fff) == 0)
		return true;
	return ++*seen != 2;
}

TEST(lost_fragment_times_out_and_frees_reassembly)
{
	struct pair p;
	int seen = 0;
	uint8_t *out = calloc(1, 8000);
	pair_up(&p, NULL);
	struct udp_socket *sa = udp_open(&p.a.udp, 4000), *sb = udp_open(&p.b.udp, 4001);
	p.link.filter = lose_second_fragment;
	p.link.filter_ctx = &seen;
	settle(&p);
	udp_send(sa, IP_B, 4001, "", 0);
	settle(&p);
	udp_recv(sb, out, 1, NULL, NULL, 0);
	CHECK_EQ(udp_send(sa, IP_B, 4001, out, 8000), 8000);
	settle(&p);
	free(out);
	CHECK_EQ(p.link.stats.filtered, 1);
	CHECK_EQ(udp_pending(sb), 0);
	CHECK(p.b.ip.reass_bytes > 0);
	kiln_time_t due = net_next_deadline(&p.b);
	CHECK(due <= fake_now + IPV4_REASS_TIMEOUT_NS);
	advance(&p, due - fake_now);
	CHECK_EQ(p.b.ip.counters.reass_timeout, 1);
	CHECK_EQ(p.b.ip.reass_bytes, 0);
	/* The first fragment arrived, so the sender hears of it (RFC 1122 3.3.2). */
	CHECK_EQ(p.b.icmp.counters.tx_time_exceeded, 1);
	CHECK_EQ(p.a.icmp.counters.rx_errors, 1);
	CHECK(pair_down(&p));
}

struct errs {
	int n;
	uint8_t type, code;
	uint16_t port;
};

static void on_error(void *ctx, uint8_t type, uint8_t code, uint32_t rest, uint32_t from,
		     struct view q, kiln_time_t now)
{
	(void)rest;
	struct errs *e = ctx;
	uint8_t ihl = 0;
	(void)from, (void)now;
	e->n++, e->type = type, e->code = code;
	/* The quoted datagram: its IPv4 header, then the UDP ports. */
	if (view_u8(q, 0, &ihl))
		view_be16(q, (size_t)(ihl & 15) * 4 + 2, &e->port);
}

TEST(closed_port_gets_port_unreachable)
{
	struct pair p;
	struct errs e = {0};
	pair_up(&p, NULL);
	icmp_on_error(&p.a.icmp, on_error, &e);
	struct udp_socket *sa = udp_open(&p.a.udp, 4000);
	CHECK_EQ(udp_send(sa, IP_B, 9999, "anyone?", 7), 7);
	settle(&p);
	CHECK_EQ(p.b.udp.counters.rx_no_port, 1);
	CHECK_EQ(p.b.icmp.counters.tx_unreachable, 1);
	CHECK_EQ(e.n, 1);
	CHECK_EQ(e.type, ICMP_DEST_UNREACH);
	CHECK_EQ(e.code, ICMP_UNREACH_PORT);
	CHECK_EQ(e.port, 9999);
	/* A broadcast to a closed port gets no error (RFC 1122 3.2.2). */
	CHECK_EQ(udp_send(sa, 0x0a0000ff, 9999, "all?", 4), 4);
	settle(&p);
	CHECK_EQ(p.b.udp.counters.rx_no_port, 2);
	CHECK_EQ(p.b.icmp.counters.tx_unreachable, 1);
	CHECK_EQ(p.b.icmp.counters.tx_suppressed, 1);
	CHECK(pair_down(&p));
}

/* Keeps the next UDP frame from side 0 for the test to mangle. */
struct grab {
	uint8_t frame[1514];
	size_t len;
};

static bool grab_udp(void *ctx, int from, struct view frame)
{
	struct grab *g = ctx;
	uint8_t proto;
	if (from == 0 && !g->len && view_u8(frame, 14 + 9, &proto) && proto == 17 &&
	    frame.len <= sizeof(g->frame)) {
		memcpy(g->frame, frame.data, frame.len);
		g->len = frame.len;
	}
	return true;
}

static void fix_ip_checksum(uint8_t *ip)
{
	ip[10] = ip[11] = 0;
	store_be16(ip + 10, checksum_fold(checksum_add(0, ip, 20)));
}

TEST(bad_ttl_and_checksums_are_counted)
{
	struct pair p;
	struct grab g = {0};
	uint8_t f[1514];
	pair_up(&p, NULL);
	struct udp_socket *sa = udp_open(&p.a.udp, 4000), *sb = udp_open(&p.b.udp, 7);
	p.link.filter = grab_udp;
	p.link.filter_ctx = &g;
	udp_send(sa, IP_B, 7, "payload!", 8);
	settle(&p);
	CHECK(g.len > 0);
	CHECK_EQ(udp_pending(sb), 1);
	memcpy(f, g.frame, g.len);
	f[14 + 8] = 0; /* TTL 0 */
	fix_ip_checksum(f + 14);
	net_input(&p.b, view_make(f, g.len), fake_now);
	CHECK_EQ(p.b.ip.counters.rx_ttl_zero, 1);
	memcpy(f, g.frame, g.len);
	f[14 + 10] ^= 0x55; /* IPv4 header checksum */
	net_input(&p.b, view_make(f, g.len), fake_now);
	CHECK_EQ(p.b.ip.counters.rx_bad_checksum, 1);
	memcpy(f, g.frame, g.len);
	f[g.len - 1] ^= 0x55; /* payload: the UDP checksum fails */
	net_input(&p.b, view_make(f, g.len), fake_now);
	CHECK_EQ(p.b.udp.counters.rx_bad_checksum, 1);
	/* Truncated frames at every length are counted somewhere, never read past. */
	for (size_t n = 0; n < g.len; n++)
		net_input(&p.b, view_make(g.frame, n), fake_now);
	CHECK_EQ(p.b.eth.counters.rx_truncated, ETH_HDR_LEN);
	CHECK_EQ(p.b.ip.counters.rx_truncated, 20);
	CHECK_EQ(p.b.ip.counters.rx_bad_total_len, g.len - ETH_HDR_LEN - 20);
	CHECK_EQ(udp_pending(sb), 2); /* the TTL 0 one too: a host ignores TTL */
	CHECK(pair_down(&p));
}

struct tally {
	uint64_t nonzero;
	uint64_t ttl;
	int lines;
};

static void tally_one(void *ctx, const char *layer, const char *name, uint64_t v,
		      const char *what)
{
	struct tally *t = ctx;
	(void)what;
	t->lines++;
	if (v)
		t->nonzero++;
	if (strcmp(layer, "ipv4") == 0 && strcmp(name, "rx_ttl_zero") == 0)
		t->ttl = v;
}

TEST(counters_are_enumerated_by_name)
{
	struct pair p;
	struct tally t = {0};
	uint8_t f[60] = {0};
	pair_up(&p, NULL);
	settle(&p);
	/* An IPv6 frame for b: counted as an unknown type. */
	memcpy(f, mac_b, 6);
	f[12] = 0x86, f[13] = 0xdd;
	net_input(&p.b, view_make(f, sizeof(f)), fake_now);
	p.b.ip.counters.rx_ttl_zero = 3;
	net_counters_foreach(&p.b, tally_one, &t);
	CHECK_EQ(t.ttl, 3);
	CHECK(t.nonzero >= 3);
	CHECK(t.lines > 50);
	CHECK_EQ(p.b.eth.counters.rx_unknown_type, 1);
	net_print_counters(&p.b);
	CHECK(pair_down(&p));
}

TEST(impaired_link_loses_duplicates_reorders_and_leaks_nothing)
{
	struct pair p;
	struct net_memlink_impair imp = {.loss_pct = 10, .dup_pct = 5, .reorder_pct = 20, .seed = 42};
	uint8_t buf[9000];
	pair_up(&p, &imp);
	struct udp_socket *sa = udp_open(&p.a.udp, 4000), *sb = udp_open(&p.b.udp, 7);
	int sent = 0, got = 0, big_got = 0;
	for (int i = 0; i < 200; i++) {
		uint8_t msg[8];
		store_be32(msg, (uint32_t)i);
		store_be32(msg + 4, (uint32_t)i * 7);
		sent += udp_send(sa, IP_B, 7, msg, 8) == 8;
		if (i % 10 == 9) {
			pattern(buf, 8000, (unsigned)i);
			udp_send(sa, IP_B, 7, buf, 8000);
		}
		advance(&p, 10 * MS);
		long n;
		while ((n = udp_recv(sb, buf, sizeof(buf), NULL, NULL, 0)) >= 0) {
			if (n == 8) {
				uint32_t a, b;
				view_be32(view_make(buf, 8), 0, &a);
				view_be32(view_make(buf, 8), 4, &b);
				CHECK_EQ(b, a * 7); /* never corrupted */
				got++;
			} else {
				CHECK_EQ(n, 8000);
				big_got++;
			}
		}
	}
	CHECK(p.link.stats.lost > 0);
	CHECK(p.link.stats.duplicated > 0);
	CHECK(p.link.stats.reordered > 0);
	CHECK(got > 100);
	CHECK(big_got > 0);
	/* Incomplete datagrams time out; nothing is left behind. */
	advance(&p, IPV4_REASS_TIMEOUT_NS);
	advance(&p, ARP_RETRY_NS * (ARP_MAX_TRIES + 1));
	CHECK_EQ(p.b.ip.reass_bytes, 0);
	CHECK(pair_down(&p));
}

/* lib/fiber's stand-in: while "parked", pump the link as the loop would. */
static struct pair *parked_pair;
static int parks;

static bool pump_while_parked(struct waiter *w, kiln_time_t deadline)
{
	(void)deadline;
	parks++;
	for (int i = 0; i < 10 && !w->woken; i++) {
		fake_now += MS;
		settle(parked_pair);
	}
	return true;
}

TEST(blocking_receive_waits_for_the_peer)
{
	struct pair p;
	uint8_t buf[16];
	pair_up(&p, NULL);
	struct udp_socket *sa = udp_open(&p.a.udp, 4000), *sb = udp_open(&p.b.udp, 7);
	/* Nothing in flight but a datagram the peer already sent: */
	udp_send(sa, IP_B, 7, "later", 5);
	parked_pair = &p;
	wait_park_hook = pump_while_parked;
	long n = udp_recv(sb, buf, sizeof(buf), NULL, NULL, KILN_TIME_NEVER);
	wait_park_hook = NULL;
	CHECK_EQ(n, 5);
	CHECK_MEM(buf, "later", 5);
	CHECK(parks >= 1);
	/* And a deadline in the past returns at once. */
	CHECK_EQ(udp_recv(sb, buf, sizeof(buf), NULL, NULL, fake_now), UDP_ETIMEDOUT);
	CHECK(pair_down(&p));
}

/* One impaired run: the link's statistics and what b received. */
static void impaired_run(uint64_t seed, uint64_t out[6])
{
	struct pair p;
	struct net_memlink_impair imp = {.loss_pct = 20, .dup_pct = 10, .reorder_pct = 30, .seed = seed};
	uint8_t buf[16];
	pair_up(&p, &imp);
	struct udp_socket *sa = udp_open(&p.a.udp, 4000), *sb = udp_open(&p.b.udp, 7);
	uint64_t got = 0;
	for (int i = 0; i < 100; i++) {
		udp_send(sa, IP_B, 7, "x", 1);
		advance(&p, 10 * MS);
		while (udp_recv(sb, buf, sizeof(buf), NULL, NULL, 0) >= 0)
			got++;
	}
	out[0] = p.link.stats.sent, out[1] = p.link.stats.lost;
	out[2] = p.link.stats.duplicated, out[3] = p.link.stats.reordered;
	out[4] = got, out[5] = pair_down(&p);
}

TEST(impairment_is_reproducible_from_its_seed)
{
	uint64_t a[6], b[6], c[6];
	impaired_run(7, a);
	impaired_run(7, b);
	impaired_run(8, c);
	CHECK_MEM(a, b, sizeof(a));
	CHECK(memcmp(a, c, sizeof(a)) != 0);
	CHECK(a[1] > 0 && a[2] > 0 && a[3] > 0);
	CHECK_EQ(a[5], 1);
	CHECK_EQ(c[5], 1);
}
