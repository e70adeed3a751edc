/* memlink_test.c: the in-memory link itself: order, bounds, oversize frames,
 * filter, and that nothing in flight leaks. */
#include "harness.h"
#include "netstack/netstack_test.h"

#include <kiln/net.h>

static struct pbuf *frame(size_t len, uint8_t tag)
{
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, len);
	memset(pb->data, 0, len);
	pb->data[len - 1] = tag;
	return pb;
}

TEST(frames_arrive_in_order_within_bounds)
{
	static struct net_memlink l;
	static struct net b;
	struct capture cap = {0};
	struct eth_dev dcap = capture_dev(&cap);
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 2};
	size_t live = pbuf_live();

	net_memlink_init(&l, 1500, NULL);
	net_init(&b, "b", &dcap, mac, 1500);
	net_memlink_attach(&l, 1, &b);
	struct eth_dev d = net_memlink_dev(&l, 0);
	for (int i = 0; i < 3; i++)
		CHECK(d.send(d.ctx, frame(60, (uint8_t)i)));
	/* Oversize: refused as a device would. */
	CHECK(!d.send(d.ctx, frame(1515, 9)));
	CHECK_EQ(l.count, 3);
	CHECK_EQ(net_memlink_pump(&l, 0, 2), 2);
	CHECK_EQ(l.count, 1);
	CHECK_EQ(b.eth.counters.rx_frames, 2);
	CHECK_EQ(net_memlink_pump(&l, 0, 100), 1);
	/* Overflow: counted and freed. */
	for (int i = 0; i < NET_MEMLINK_QUEUE + 5; i++)
		d.send(d.ctx, frame(60, 0));
	CHECK_EQ(l.count, NET_MEMLINK_QUEUE);
	CHECK_EQ(l.stats.overflow, 5);
	net_memlink_destroy(&l);
	CHECK_EQ(l.count, 0);
	net_destroy(&b);
	capture_clear(&cap);
	CHECK_EQ(pbuf_live(), live);
}

static bool drop_tag_7(void *ctx, int from, struct view f)
{
	(void)ctx, (void)from;
	return f.data[f.len - 1] != 7;
}

TEST(filter_drops_chosen_frames)
{
	static struct net_memlink l;
	size_t live = pbuf_live();
	net_memlink_init(&l, 1500, NULL);
	l.filter = drop_tag_7;
	struct eth_dev d = net_memlink_dev(&l, 1);
	CHECK(d.send(d.ctx, frame(60, 7))); /* lost on the wire: the sender cannot tell */
	CHECK(d.send(d.ctx, frame(60, 8)));
	CHECK_EQ(l.stats.filtered, 1);
	CHECK_EQ(l.count, 1);
	CHECK_EQ(l.q[l.head].to, 0);
	/* No stack attached on side 0: delivered into the void, still freed. */
	CHECK_EQ(net_memlink_pump(&l, 0, 10), 1);
	net_memlink_destroy(&l);
	CHECK_EQ(pbuf_live(), live);
}
