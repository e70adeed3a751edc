/* net_platform.c: the stack on a platform network device (platform.h),
 * driven by the event loop (loop.h). */
#include <kiln/net.h>

#include <stdio.h>
#include <stdlib.h>

static bool net_platform_send(void *ctx, struct pbuf *frame)
{
	struct net *n = ctx;
	struct kiln_net_offload o;
	enum kiln_result r;

	/* A sum left partial for a device without checksum offload (a stack
	 * configured by hand): finished here rather than sent wrong. */
	if (frame->offload.l4_len && !frame->offload.seg_size &&
	    !(n->offloads & KILN_NET_OFFLOAD_CSUM))
		pbuf_finish_checksum(frame);
	if (!frame->offload.l4_len)
		r = kiln_net_write(n->handle, frame->data, frame->len);
	else if (net_offload_request(frame, &o))
		r = kiln_net_write_offload(n->handle, &o, frame->data, frame->len);
	else
		r = KILN_EINVAL;
	pbuf_free(frame);
	if (r != KILN_OK) {
		n->counters.tx_write_errors++;
		return false;
	}
	return true;
}

static struct net *net_of(struct loop_source *src)
{
	return (struct net *)((char *)src - offsetof(struct net, src));
}

static void net_on_ready(struct loop_source *src)
{
	struct net *n = net_of(src);
	kiln_time_t now = kiln_clock_monotonic();

	for (int i = 0; i < NET_RX_BATCH; i++) {
		size_t len;
		unsigned flags;
		enum kiln_result r = kiln_net_read_offload(n->handle, n->rxbuf, n->rxbuf_len, &len,
							   &flags);
		if (r == KILN_AGAIN)
			break;
		if (r != KILN_OK) {
			n->counters.rx_read_errors++;
			continue;
		}
		net_input_ex(n, view_make(n->rxbuf, len), flags, now);
	}
}

static kiln_time_t net_src_deadline(struct loop_source *src)
{
	return net_next_deadline(net_of(src));
}

static void net_src_tick(struct loop_source *src, kiln_time_t now)
{
	net_tick(net_of(src), now);
}

int net_open(struct net *n, const char *name)
{
	struct kiln_net_info info;
	kiln_handle_t h;
	struct eth_dev dev = {n, net_platform_send};
	uint16_t id;

	if (kiln_net_acquire(name, &h, &info) != KILN_OK) {
		printf("net: no network device \"%s\": declare it in kiln.conf and attach it "
		       "(--net:%s=TAP or =user)\n", name, name);
		return -1;
	}
	net_init(n, name, &dev, info.mac_address, info.mtu);
	n->offloads = info.offloads;
	n->handle = h;
	n->rxbuf_len = (info.offloads & KILN_NET_OFFLOAD_LRO) ? KILN_NET_TSO_MAX_FRAME
							     : info.mtu + ETH_HDR_LEN;
	n->rxbuf = malloc(n->rxbuf_len);
	if (!n->rxbuf) {
		printf("net: %s: no memory for a %zu-byte receive buffer\n", name, n->rxbuf_len);
		net_destroy(n);
		return -1;
	}
	/* An unpredictable first IP identification (RFC 6864 advises against
	 * a guessable sequence across boots). */
	kiln_entropy(&id, sizeof(id));
	n->ip.next_id = id;
	n->src.name = name;
	n->src.handle = h;
	n->src.has_handle = true;
	n->src.on_ready = net_on_ready;
	n->src.next_deadline = net_src_deadline;
	n->src.on_time = net_src_tick;
	loop_add(&n->src);
	n->opened = true;
	return 0;
}

void net_close(struct net *n)
{
	if (n->opened)
		loop_remove(&n->src);
	net_destroy(n);
	free(n->rxbuf);
	n->rxbuf = NULL;
	n->opened = false;
}
