/* arp_test.c: ARP wire format, replies, resolution queue bounds, retries,
 * give-up and expiry, and malformed input. */
#include "harness.h"
#include "netstack/captured_frames.h"
#include "netstack/netstack_test.h"

#include <kiln/arp.h>

#define SEC 1000000000ull
static const uint8_t mac_b[6] = {0x56, 0x2b, 0xe5, 0x49, 0xf2, 0x91}; /* 10.9.0.2 */
static const uint8_t mac_a[6] = {0x12, 0x08, 0xb0, 0x0b, 0x25, 0x8b}; /* 10.9.0.1 */
#define IP_A 0x0a090001u
#define IP_B 0x0a090002u

struct fixture {
	struct capture cap;
	struct eth_dev dev;
	struct eth eth;
	struct arp arp;
	size_t live;
};

static void setup(struct fixture *f, uint32_t ip)
{
	memset(f, 0, sizeof(*f));
	f->live = pbuf_live();
	f->dev = capture_dev(&f->cap);
	eth_init(&f->eth, mac_b, &f->dev);
	arp_init(&f->arp, &f->eth);
	f->arp.ip = ip; /* no announcement: tests of it set the address themselves */
}

static void teardown(struct fixture *f)
{
	arp_destroy(&f->arp);
	capture_clear(&f->cap);
}

static void input(struct fixture *f, const uint8_t *frame, size_t len, kiln_time_t now)
{
	struct eth_hdr h;
	struct view payload;
	if (eth_decode(view_make(frame, len), &h, &payload))
		arp_input(&f->arp, &h, payload, now);
}

static struct pbuf *packet(void)
{
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, 20);
	memset(pb->data, 0x45, 20);
	return pb;
}

TEST(decode_captured_request)
{
	struct arp_pkt p;
	CHECK_EQ(arp_decode(view_make(cap_arp_request + 14, 28), &p), ARP_DECODE_OK);
	CHECK_EQ(p.op, ARP_OP_REQUEST);
	CHECK_EQ(p.spa, IP_A);
	CHECK_EQ(p.tpa, IP_B);
	CHECK_MEM(p.sha, mac_a, 6);
}

TEST(encode_matches_captured_reply)
{
	struct arp_pkt p = {.op = ARP_OP_REPLY, .spa = IP_B, .tpa = IP_A};
	struct pbuf *pb;
	memcpy(p.sha, mac_b, 6);
	memcpy(p.tha, mac_a, 6);
	pb = arp_encode(&p);
	CHECK(pb != NULL);
	CHECK_EQ(pb->len, 28);
	CHECK_MEM(pb->data, cap_arp_reply + 14, 28);
	pbuf_free(pb);
}

TEST(answers_captured_request_byte_for_byte)
{
	struct fixture f;
	setup(&f, IP_B);
	input(&f, cap_arp_request, sizeof(cap_arp_request), 0);
	CHECK_EQ(f.cap.n, 1);
	CHECK_EQ(f.cap.frames[0]->len, sizeof(cap_arp_reply));
	CHECK_MEM(f.cap.frames[0]->data, cap_arp_reply, sizeof(cap_arp_reply));
	CHECK_EQ(f.arp.counters.tx_replies, 1);
	/* The requester is now known (it talked to us). */
	uint8_t mac[6];
	CHECK(arp_lookup(&f.arp, IP_A, mac, 0));
	CHECK_MEM(mac, mac_a, 6);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(resolves_then_sends_queued_packets_in_order)
{
	struct fixture f;
	setup(&f, IP_B);
	struct pbuf *p1 = packet(), *p2 = packet();
	p1->data[0] = 1, p2->data[0] = 2;
	CHECK(arp_output(&f.arp, IP_A, p1, 0));
	CHECK(arp_output(&f.arp, IP_A, p2, 0));
	CHECK_EQ(f.cap.n, 1); /* one request, not one per packet */
	struct arp_pkt req;
	CHECK_EQ(arp_decode(view_make(f.cap.frames[0]->data + 14, 28), &req), ARP_DECODE_OK);
	CHECK_EQ(req.op, ARP_OP_REQUEST);
	CHECK_EQ(req.tpa, IP_A);
	CHECK_EQ(req.spa, IP_B);
	CHECK_MEM(f.cap.frames[0]->data, eth_broadcast, 6);
	CHECK_EQ(f.arp.pending_total, 2);
	/* The captured reply is from B to A; swap roles by building A's reply. */
	struct arp_pkt rep = {.op = ARP_OP_REPLY, .spa = IP_A, .tpa = IP_B};
	memcpy(rep.sha, mac_a, 6);
	memcpy(rep.tha, mac_b, 6);
	struct pbuf *rb = arp_encode(&rep);
	struct eth_hdr h = {.type = ETH_TYPE_ARP};
	arp_input(&f.arp, &h, pbuf_view(rb), SEC / 10);
	pbuf_free(rb);
	CHECK_EQ(f.cap.n, 3);
	CHECK_MEM(f.cap.frames[1]->data, mac_a, 6);
	CHECK_EQ(f.cap.frames[1]->data[14], 1);
	CHECK_EQ(f.cap.frames[2]->data[14], 2);
	CHECK_EQ(f.arp.pending_total, 0);
	/* Resolved: the next packet goes straight out. */
	CHECK(arp_output(&f.arp, IP_A, packet(), SEC));
	CHECK_EQ(f.cap.n, 4);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(pending_queue_is_bounded_per_address_and_in_total)
{
	struct fixture f;
	setup(&f, IP_B);
	for (int i = 0; i < ARP_PENDING_PER_ADDR; i++)
		CHECK(arp_output(&f.arp, IP_A, packet(), 0));
	CHECK(!arp_output(&f.arp, IP_A, packet(), 0));
	CHECK_EQ(f.arp.counters.drop_queue_full, 1);
	/* Fill the total with other addresses. */
	uint32_t ip = 0x0a090010;
	while (f.arp.pending_total < ARP_PENDING_TOTAL)
		CHECK(arp_output(&f.arp, ip++, packet(), 0));
	CHECK(!arp_output(&f.arp, ip, packet(), 0));
	CHECK_EQ(f.arp.counters.drop_queue_full, 2);
	CHECK_EQ(f.arp.pending_total, ARP_PENDING_TOTAL);
	teardown(&f);
	CHECK_EQ(f.arp.pending_total, 0);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(cache_full_of_pending_entries_drops)
{
	struct fixture f;
	setup(&f, IP_B);
	/* One packet each to ARP_CACHE_SIZE addresses would exceed the total
	 * queue first; check the cache bound with queue space to spare. */
	int sent = 0;
	for (uint32_t i = 0; i < ARP_CACHE_SIZE; i++)
		sent += arp_output(&f.arp, 0x0a000100 + i, packet(), 0);
	CHECK_EQ(sent, ARP_CACHE_SIZE <= ARP_PENDING_TOTAL ? ARP_CACHE_SIZE : ARP_PENDING_TOTAL);
	CHECK(!arp_output(&f.arp, 0x0a000200, packet(), 0));
	CHECK_EQ(f.arp.counters.drop_cache_full + f.arp.counters.drop_queue_full, 1);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(retries_then_gives_up_and_frees_queue)
{
	struct fixture f;
	setup(&f, IP_B);
	CHECK(arp_output(&f.arp, IP_A, packet(), 0));
	CHECK(arp_output(&f.arp, IP_A, packet(), 0));
	CHECK_EQ(arp_next_deadline(&f.arp), ARP_RETRY_NS);
	arp_tick(&f.arp, ARP_RETRY_NS / 2); /* not due */
	CHECK_EQ(f.arp.counters.tx_requests, 1);
	kiln_time_t t = 0;
	for (int i = 1; i < ARP_MAX_TRIES; i++) {
		t = arp_next_deadline(&f.arp);
		arp_tick(&f.arp, t);
	}
	CHECK_EQ(f.arp.counters.tx_requests, ARP_MAX_TRIES);
	CHECK_EQ(f.cap.n, ARP_MAX_TRIES);
	arp_tick(&f.arp, arp_next_deadline(&f.arp));
	CHECK_EQ(f.arp.counters.gave_up, 1);
	CHECK_EQ(f.arp.counters.drop_unresolved, 2);
	CHECK_EQ(f.arp.pending_total, 0);
	CHECK_EQ(arp_next_deadline(&f.arp), KILN_TIME_NEVER);
	capture_clear(&f.cap);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(entries_expire)
{
	struct fixture f;
	uint8_t mac[6];
	setup(&f, IP_B);
	input(&f, cap_arp_request, sizeof(cap_arp_request), 5 * SEC);
	CHECK(arp_lookup(&f.arp, IP_A, mac, 5 * SEC + ARP_ENTRY_TTL_NS - 1));
	CHECK(!arp_lookup(&f.arp, IP_A, mac, 5 * SEC + ARP_ENTRY_TTL_NS));
	CHECK_EQ(arp_next_deadline(&f.arp), 5 * SEC + ARP_ENTRY_TTL_NS);
	arp_tick(&f.arp, 5 * SEC + ARP_ENTRY_TTL_NS);
	CHECK_EQ(f.arp.counters.expired, 1);
	CHECK_EQ(arp_next_deadline(&f.arp), KILN_TIME_NEVER);
	/* Sending after expiry asks again. */
	CHECK(arp_output(&f.arp, IP_A, packet(), 100 * SEC));
	CHECK_EQ(f.arp.counters.tx_requests, 1);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}

TEST(announces_address_when_set)
{
	struct fixture f;
	struct arp_pkt p;
	setup(&f, 0);
	arp_set_ipv4(&f.arp, IP_B, 0);
	CHECK_EQ(f.cap.n, 1);
	CHECK_EQ(arp_decode(view_make(f.cap.frames[0]->data + 14, 28), &p), ARP_DECODE_OK);
	CHECK_EQ(p.spa, IP_B);
	CHECK_EQ(p.tpa, IP_B);
	CHECK_MEM(f.cap.frames[0]->data, eth_broadcast, 6);
	CHECK_EQ(f.arp.counters.tx_announcements, 1);
	teardown(&f);
}

TEST(ignores_requests_for_others_and_learns_nothing_from_them)
{
	struct fixture f;
	uint8_t mac[6];
	setup(&f, 0x0a090003);
	input(&f, cap_arp_request, sizeof(cap_arp_request), 0);
	CHECK_EQ(f.cap.n, 0);
	CHECK_EQ(f.arp.counters.rx_not_for_us, 1);
	CHECK(!arp_lookup(&f.arp, IP_A, mac, 0));
	teardown(&f);
}

TEST(malformed_packets_are_counted)
{
	struct fixture f;
	uint8_t buf[42];
	setup(&f, IP_B);
	for (size_t n = 14; n < 42; n++)
		input(&f, cap_arp_request, n, 0);
	CHECK_EQ(f.arp.counters.rx_truncated, 28);
	memcpy(buf, cap_arp_request, 42);
	buf[15] = 6; /* htype 6 (IEEE 802) */
	input(&f, buf, 42, 0);
	CHECK_EQ(f.arp.counters.rx_unsupported, 1);
	memcpy(buf, cap_arp_request, 42);
	buf[21] = 3; /* RARP request */
	input(&f, buf, 42, 0);
	CHECK_EQ(f.arp.counters.rx_bad_op, 1);
	memcpy(buf, cap_arp_request, 42);
	buf[22] = 0x01; /* multicast sender */
	input(&f, buf, 42, 0);
	CHECK_EQ(f.arp.counters.rx_bad_sender, 1);
	memcpy(buf, cap_arp_request, 42);
	memcpy(buf + 28, (uint8_t[]){10, 9, 0, 2}, 4); /* someone claims our address */
	input(&f, buf, 42, 0);
	CHECK_EQ(f.arp.counters.rx_conflict, 1);
	CHECK_EQ(f.cap.n, 0);
	teardown(&f);
}

TEST(entry_in_use_is_refreshed_before_expiry)
{
	struct fixture f;
	struct arp_pkt p;
	setup(&f, IP_B);
	input(&f, cap_arp_request, sizeof(cap_arp_request), 0); /* learn A, reply */
	capture_clear(&f.cap);
	/* Far from expiry: no refresh. */
	CHECK(arp_output(&f.arp, IP_A, packet(), SEC));
	CHECK_EQ(f.cap.n, 1);
	/* In the last ARP_REFRESH_NS: one unicast request, the packet still goes. */
	kiln_time_t late = ARP_ENTRY_TTL_NS - ARP_REFRESH_NS;
	CHECK(arp_output(&f.arp, IP_A, packet(), late));
	CHECK(arp_output(&f.arp, IP_A, packet(), late + 1));
	CHECK_EQ(f.cap.n, 4);
	CHECK_EQ(f.arp.counters.tx_refreshes, 1);
	CHECK_MEM(f.cap.frames[1]->data, mac_a, 6); /* unicast */
	CHECK_EQ(arp_decode(view_make(f.cap.frames[1]->data + 14, 28), &p), ARP_DECODE_OK);
	CHECK_EQ(p.op, ARP_OP_REQUEST);
	CHECK_EQ(p.tpa, IP_A);
	/* A's reply extends the entry: no queueing at the old expiry. */
	struct arp_pkt rep = {.op = ARP_OP_REPLY, .spa = IP_A, .tpa = IP_B};
	memcpy(rep.sha, mac_a, 6);
	memcpy(rep.tha, mac_b, 6);
	struct pbuf *rb = arp_encode(&rep);
	struct eth_hdr h = {.type = ETH_TYPE_ARP};
	arp_input(&f.arp, &h, pbuf_view(rb), late + 2);
	pbuf_free(rb);
	CHECK(arp_output(&f.arp, IP_A, packet(), ARP_ENTRY_TTL_NS + 1));
	CHECK_EQ(f.arp.pending_total, 0);
	CHECK_EQ(f.cap.n, 5);
	teardown(&f);
	CHECK_EQ(pbuf_live(), f.live);
}
