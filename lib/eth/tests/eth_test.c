/* eth_test.c: Ethernet II decode/encode and the layer's filter and dispatch. */
#include "harness.h"
#include "netstack/captured_frames.h"
#include "netstack/netstack_test.h"

#include <kiln/eth.h>

static const uint8_t our_mac[6] = {0x56, 0x2b, 0xe5, 0x49, 0xf2, 0x91};
static const uint8_t peer_mac[6] = {0x12, 0x08, 0xb0, 0x0b, 0x25, 0x8b};

struct seen {
	int calls;
	uint16_t type;
	size_t len;
	uint8_t src[6];
};

static void record(void *ctx, const struct eth_hdr *h, struct view payload, kiln_time_t now)
{
	struct seen *s = ctx;
	(void)now;
	s->calls++;
	s->type = h->type;
	s->len = payload.len;
	memcpy(s->src, h->src, 6);
}

TEST(decode_captured_arp_request)
{
	struct eth_hdr h;
	struct view payload;
	CHECK(eth_decode(view_make(cap_arp_request, sizeof(cap_arp_request)), &h, &payload));
	CHECK_MEM(h.dst, eth_broadcast, 6);
	CHECK_MEM(h.src, peer_mac, 6);
	CHECK_EQ(h.type, ETH_TYPE_ARP);
	CHECK_EQ(payload.len, 28);
}

TEST(push_then_decode_round_trip)
{
	size_t before = pbuf_live();
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, 4);
	struct eth_hdr h;
	struct view payload;
	memcpy(pb->data, "abcd", 4);
	CHECK(eth_push(pb, peer_mac, our_mac, ETH_TYPE_IPV4));
	CHECK_EQ(pb->len, 18);
	CHECK(eth_decode(pbuf_view(pb), &h, &payload));
	CHECK_MEM(h.dst, peer_mac, 6);
	CHECK_MEM(h.src, our_mac, 6);
	CHECK_EQ(h.type, 0x0800);
	CHECK_EQ(payload.len, 4);
	CHECK_MEM(payload.data, "abcd", 4);
	pbuf_free(pb);
	CHECK_EQ(pbuf_live(), before);
}

TEST(push_without_headroom_fails_cleanly)
{
	struct pbuf *pb = pbuf_alloc(10, 4);
	size_t len = pb->len;
	CHECK(!eth_push(pb, peer_mac, our_mac, ETH_TYPE_IPV4));
	CHECK_EQ(pb->len, len);
	pbuf_free(pb);
}

TEST(dispatch_by_type_and_filter_by_address)
{
	struct capture cap = {0};
	struct eth_dev dev = capture_dev(&cap);
	struct eth e;
	struct seen arp = {0}, ip = {0};
	eth_init(&e, our_mac, &dev);
	CHECK(eth_register(&e, ETH_TYPE_ARP, record, &arp));
	CHECK(eth_register(&e, ETH_TYPE_IPV4, record, &ip));
	CHECK(!eth_register(&e, ETH_TYPE_IPV4, record, &ip));

	eth_input(&e, view_make(cap_arp_request, sizeof(cap_arp_request)), 0);
	CHECK_EQ(arp.calls, 1);
	CHECK_EQ(arp.len, 28);
	eth_input(&e, view_make(cap_icmp_echo_request, sizeof(cap_icmp_echo_request)), 0);
	CHECK_EQ(ip.calls, 1);
	CHECK_EQ(ip.len, 84);
	/* The echo reply was sent to the other host: not for us. */
	eth_input(&e, view_make(cap_icmp_echo_reply, sizeof(cap_icmp_echo_reply)), 0);
	CHECK_EQ(ip.calls, 1);
	CHECK_EQ(e.counters.rx_not_for_us, 1);
	CHECK_EQ(e.counters.rx_frames, 3);
}

TEST(truncated_and_unknown_frames_are_counted)
{
	struct capture cap = {0};
	struct eth_dev dev = capture_dev(&cap);
	struct eth e;
	uint8_t ipv6[60];
	eth_init(&e, our_mac, &dev);
	for (size_t n = 0; n < ETH_HDR_LEN; n++)
		eth_input(&e, view_make(cap_arp_request, n), 0);
	CHECK_EQ(e.counters.rx_truncated, ETH_HDR_LEN);
	memcpy(ipv6, cap_arp_request, sizeof(ipv6) > sizeof(cap_arp_request) ? sizeof(cap_arp_request) : sizeof(ipv6));
	ipv6[12] = 0x86, ipv6[13] = 0xdd;
	eth_input(&e, view_make(ipv6, 42), 0);
	CHECK_EQ(e.counters.rx_unknown_type, 1);
	/* A bare header is a frame with an empty payload, not truncated. */
	eth_input(&e, view_make(ipv6, ETH_HDR_LEN), 0);
	CHECK_EQ(e.counters.rx_unknown_type, 2);
}

TEST(output_sends_through_device_and_counts_refusal)
{
	size_t before = pbuf_live();
	struct capture cap = {0};
	struct eth_dev dev = capture_dev(&cap);
	struct eth e;
	eth_init(&e, our_mac, &dev);
	CHECK(eth_output(&e, peer_mac, ETH_TYPE_ARP, pbuf_alloc(PBUF_HEADROOM, 28)));
	CHECK_EQ(cap.n, 1);
	CHECK_EQ(cap.frames[0]->len, 42);
	CHECK_MEM(cap.frames[0]->data + 6, our_mac, 6);
	cap.refuse = true;
	CHECK(!eth_output(&e, peer_mac, ETH_TYPE_ARP, pbuf_alloc(PBUF_HEADROOM, 28)));
	CHECK_EQ(e.counters.tx_device_refused, 1);
	CHECK(!eth_output(&e, peer_mac, ETH_TYPE_ARP, pbuf_alloc(4, 28)));
	CHECK_EQ(e.counters.tx_no_headroom, 1);
	CHECK_EQ(e.counters.tx_frames, 1);
	capture_clear(&cap);
	CHECK_EQ(pbuf_live(), before);
}
