/* udp_test.c: UDP wire format against a captured datagram, input checks and
 * their counters, sockets: queue bounds, receive with and without waiting,
 * callbacks, ports, send errors. */
#include "harness.h"
#include "ipv4_link_record.h"
#include "netstack/captured_frames.h"
#include "netstack/netstack_test.h"

#include <kiln/checksum.h>
#include <kiln/udp.h>
#include <stdlib.h>

#define SEC 1000000000ull
#define IP_A 0x0a090001u
#define IP_B 0x0a090002u

struct fixture {
	struct sent sent;
	struct ipv4 ip;
	struct udp udp;
	int unreachable;
	size_t live;
};

static void on_unreach(void *ctx, const struct ipv4_packet *p, uint8_t code, kiln_time_t now)
{
	struct fixture *f = ctx;
	(void)p, (void)now;
	if (code == 3)
		f->unreachable++;
}

static void setup(struct fixture *f)
{
	struct ipv4_link link = {&f->sent, link_out, 1500};
	memset(f, 0, sizeof(*f));
	f->live = pbuf_live();
	fake_now = 0;
	ipv4_init(&f->ip, &link);
	ipv4_set_address(&f->ip, IP_B, 24, 0);
	udp_init(&f->udp, &f->ip);
	ipv4_register(&f->ip, IPV4_PROTO_UDP, udp_input, &f->udp);
	udp_set_unreachable(&f->udp, on_unreach, f);
}

static void teardown(struct fixture *f)
{
	sent_clear(&f->sent);
	udp_destroy(&f->udp);
	ipv4_destroy(&f->ip);
}

/* The captured datagram: 10.9.0.1:<port> -> 10.9.0.2:7, "hello-kiln\n". */
static const uint8_t *cap_udp = cap_udp_echo_to_closed_port + 34;
#define CAP_UDP_LEN 19

TEST(decode_captured_datagram_and_verify_checksum)
{
	struct udp_hdr h;
	struct view data;
	CHECK_EQ(udp_decode(view_make(cap_udp, CAP_UDP_LEN), IP_A, IP_B, &h, &data), UDP_DECODE_OK);
	CHECK_EQ(h.dst_port, 7);
	CHECK_EQ(h.len, 19);
	CHECK(h.checksum != 0);
	CHECK_EQ(data.len, 11);
	CHECK_MEM(data.data, "hello-kiln\n", 11);
	/* The same bytes claimed from another source fail the pseudo-header. */
	CHECK_EQ(udp_decode(view_make(cap_udp, CAP_UDP_LEN), IP_A + 5, IP_B, &h, &data),
		 UDP_DECODE_BAD_CHECKSUM);
}

TEST(push_reproduces_captured_header)
{
	struct udp_hdr h;
	struct view data;
	udp_decode(view_make(cap_udp, CAP_UDP_LEN), IP_A, IP_B, &h, &data);
	struct pbuf *pb = pbuf_from_view(data);
	CHECK(udp_push(pb, IP_A, IP_B, h.src_port, h.dst_port));
	CHECK_EQ(pb->len, CAP_UDP_LEN);
	CHECK_MEM(pb->data, cap_udp, CAP_UDP_LEN);
	pbuf_free(pb);
}

TEST(zero_checksum_is_accepted_bad_ones_counted_vouched_ones_not_checked)
{
	struct fixture f;
	uint8_t b[39];
	setup(&f);
	struct udp_socket *s = udp_open(&f.udp, 7);
	CHECK(s != NULL);
	memcpy(b, cap_udp_echo_to_closed_port + 14, 39);
	b[26] = b[27] = 0; /* no checksum */
	ipv4_input(&f.ip, view_make(b, 39), 0);
	CHECK_EQ(udp_pending(s), 1);
	memcpy(b, cap_udp_echo_to_closed_port + 14, 39);
	b[30] ^= 1; /* payload corrupted */
	ipv4_input(&f.ip, view_make(b, 39), 0);
	CHECK_EQ(f.udp.counters.rx_bad_checksum, 1);
	CHECK_EQ(udp_pending(s), 1);
	/* Unless the device vouched for it (receive offload: the field may
	 * hold only the pseudo-header's sum, docs/offload.md). */
	ipv4_input_ex(&f.ip, view_make(b, 39), true, 0);
	CHECK_EQ(f.udp.counters.rx_bad_checksum, 1);
	CHECK_EQ(udp_pending(s), 2);
	teardown(&f);
}

TEST(bad_lengths_are_counted)
{
	struct fixture f;
	struct ipv4_packet p = {.src = IP_A, .dst = IP_B, .proto = 17};
	uint8_t b[19];
	setup(&f);
	for (size_t n = 0; n < 8; n++) {
		p.payload = view_make(cap_udp, n);
		udp_input(&f.udp, &p, 0);
	}
	CHECK_EQ(f.udp.counters.rx_truncated, 8);
	memcpy(b, cap_udp, 19);
	b[4] = 0, b[5] = 20; /* longer than the IP payload */
	p.payload = view_make(b, 19);
	udp_input(&f.udp, &p, 0);
	b[5] = 7; /* shorter than a header */
	udp_input(&f.udp, &p, 0);
	CHECK_EQ(f.udp.counters.rx_bad_length, 2);
	teardown(&f);
}

TEST(closed_port_reports_unreachable)
{
	struct fixture f;
	setup(&f);
	ipv4_input(&f.ip, view_make(cap_udp_echo_to_closed_port + 14, 39), 0);
	CHECK_EQ(f.udp.counters.rx_no_port, 1);
	CHECK_EQ(f.unreachable, 1);
	teardown(&f);
}

TEST(receive_without_waiting_and_truncation)
{
	struct fixture f;
	uint8_t buf[64];
	uint32_t from;
	uint16_t port;
	setup(&f);
	struct udp_socket *s = udp_open(&f.udp, 7);
	CHECK_EQ(udp_recv(s, buf, sizeof(buf), &from, &port, 0), UDP_ETIMEDOUT);
	ipv4_input(&f.ip, view_make(cap_udp_echo_to_closed_port + 14, 39), 0);
	ipv4_input(&f.ip, view_make(cap_udp_echo_to_closed_port + 14, 39), 0);
	CHECK_EQ(udp_recv(s, buf, sizeof(buf), &from, &port, 0), 11);
	CHECK_MEM(buf, "hello-kiln\n", 11);
	CHECK_EQ(from, IP_A);
	CHECK_EQ(port, cap_udp[0] << 8 | cap_udp[1]);
	CHECK_EQ(udp_recv(s, buf, 5, NULL, NULL, 0), 5);
	CHECK_EQ(f.udp.counters.rx_truncated_read, 1);
	CHECK_EQ(udp_pending(s), 0);
	teardown(&f);
}

TEST(receive_queue_is_bounded)
{
	struct fixture f;
	struct ipv4_packet p = {.src = IP_A, .dst = IP_B, .proto = 17};
	setup(&f);
	struct udp_socket *s = udp_open(&f.udp, 7);
	p.payload = view_make(cap_udp, CAP_UDP_LEN);
	for (int i = 0; i < UDP_RECV_QUEUE_LEN + 3; i++)
		udp_input(&f.udp, &p, 0);
	CHECK_EQ(udp_pending(s), UDP_RECV_QUEUE_LEN);
	CHECK_EQ(f.udp.counters.rx_queue_full, 3);
	/* Bytes: two 40000-byte datagrams do not fit in 64 KiB. */
	struct udp_socket *t = udp_open(&f.udp, 9);
	uint8_t *big = calloc(1, 40008);
	big[1] = 1, big[3] = 9;
	store_be16(big + 4, 40008);
	p.payload = view_make(big, 40008);
	udp_input(&f.udp, &p, 0);
	udp_input(&f.udp, &p, 0);
	CHECK_EQ(udp_pending(t), 1);
	CHECK_EQ(f.udp.counters.rx_queue_full, 4);
	free(big);
	teardown(&f);
}

static int wake_calls;
static struct fixture *wake_fixture;

/* Stands in for lib/fiber: "parks" the caller by delivering a datagram, as
 * the loop would while the fiber slept. */
static bool deliver_while_parked(struct waiter *w, kiln_time_t deadline)
{
	(void)w, (void)deadline;
	wake_calls++;
	fake_now += SEC;
	ipv4_input(&wake_fixture->ip, view_make(cap_udp_echo_to_closed_port + 14, 39), fake_now);
	return true;
}

TEST(receive_waits_until_data_or_deadline)
{
	struct fixture f;
	uint8_t buf[64];
	setup(&f);
	struct udp_socket *s = udp_open(&f.udp, 7);
	/* Nothing arrives: the loop turns (the fake yield advances the clock)
	 * until the deadline. */
	fake_now = 5 * SEC;
	CHECK_EQ(udp_recv(s, buf, sizeof(buf), NULL, NULL, 7 * SEC), UDP_ETIMEDOUT);
	CHECK(fake_now >= 7 * SEC);
	/* Something arrives while waiting. */
	wake_fixture = &f;
	wait_park_hook = deliver_while_parked;
	long n = udp_recv(s, buf, sizeof(buf), NULL, NULL, KILN_TIME_NEVER);
	wait_park_hook = NULL;
	CHECK_EQ(n, 11);
	CHECK_EQ(wake_calls, 1);
	teardown(&f);
}

struct cb {
	int n;
	size_t len;
};

static void on_rx(void *ctx, struct udp_socket *s, uint32_t from, uint16_t port,
		  struct view data, kiln_time_t now)
{
	struct cb *c = ctx;
	(void)s, (void)from, (void)port, (void)now;
	c->n++;
	c->len = data.len;
}

TEST(receive_callback_instead_of_queue)
{
	struct fixture f;
	struct cb c = {0};
	setup(&f);
	struct udp_socket *s = udp_open(&f.udp, 7);
	udp_on_receive(s, on_rx, &c);
	ipv4_input(&f.ip, view_make(cap_udp_echo_to_closed_port + 14, 39), 0);
	CHECK_EQ(c.n, 1);
	CHECK_EQ(c.len, 11);
	CHECK_EQ(udp_pending(s), 0);
	teardown(&f);
}

TEST(ports_bind_once_and_ephemeral_ports_are_free)
{
	struct fixture f;
	setup(&f);
	struct udp_socket *a = udp_open(&f.udp, 53);
	CHECK(a != NULL);
	CHECK(udp_open(&f.udp, 53) == NULL);
	struct udp_socket *e1 = udp_open(&f.udp, 0), *e2 = udp_open(&f.udp, 0);
	CHECK(udp_port(e1) >= UDP_EPHEMERAL_FIRST);
	CHECK(udp_port(e1) != udp_port(e2));
	udp_close(a);
	a = udp_open(&f.udp, 53);
	CHECK(a != NULL);
	int opened = 3;
	while (udp_open(&f.udp, 0))
		opened++;
	CHECK_EQ(opened, UDP_MAX_SOCKETS);
	teardown(&f);
	CHECK_EQ(f.udp.nsockets, 0);
}

TEST(send_builds_a_checked_datagram)
{
	struct fixture f;
	struct ipv4_hdr ih;
	struct view hdr, payload, data;
	struct udp_hdr h;
	setup(&f);
	struct udp_socket *s = udp_open(&f.udp, 4000);
	CHECK_EQ(udp_send(s, IP_A, 7, "ping", 4), 4);
	CHECK_EQ(f.sent.n, 1);
	CHECK_EQ(ipv4_decode(pbuf_view(f.sent.pb[0]), &ih, &hdr, &payload), IPV4_DECODE_OK);
	CHECK_EQ(ih.proto, IPV4_PROTO_UDP);
	CHECK_EQ(udp_decode(payload, ih.src, ih.dst, &h, &data), UDP_DECODE_OK);
	CHECK_EQ(h.src_port, 4000);
	CHECK_EQ(h.dst_port, 7);
	CHECK_MEM(data.data, "ping", 4);
	CHECK_EQ(udp_send(s, IP_A, 7, "", UDP_MAX_PAYLOAD + 1), UDP_ETOOBIG);
	CHECK_EQ(udp_send(s, 0x08080808, 7, "x", 1), UDP_ENOROUTE);
	CHECK_EQ(f.udp.counters.tx_datagrams, 1);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}
