/* rx_csum.c: libFuzzer harness for the receive path of a device with
 * receive offloads: frames of any length up to 64 KiB (LRO super-frames)
 * handed to net_input_ex() with or without KILN_NET_RX_CSUM_OK (the device
 * vouched for the TCP/UDP checksum, so the stack must not verify it and
 * mutated payloads reach UDP delivery and ICMP unchanged). A configured
 * stack with UDP sockets open (one on port 7, read out after each frame);
 * afterwards, past every timeout, all memory must be back.
 *
 * Input: records [flags][dt][len hi][len lo][len bytes]: flags bit 0 sets
 * KILN_NET_RX_CSUM_OK, dt * 100 ms pass, then the frame arrives. IPv4
 * header checksums are repaired by the harness (no device vouches for
 * them). */
#include "../../../tests/netstack/netstack_test.h"

#include <kiln/checksum.h>
#include <kiln/net.h>
#include <kiln/platform.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = {0x56, 0x2b, 0xe5, 0x49, 0xf2, 0x91};
	struct capture cap = {0};
	struct eth_dev dev = capture_dev(&cap);
	static struct net n;
	static uint8_t buf[65536];
	struct reader r = reader_make(view_make(data, size));
	kiln_time_t now = 0;
	size_t live = pbuf_live();

	net_init(&n, "fuzz", &dev, mac, 1500);
	net_set_ipv4(&n, 0x0a090002, 24, 0x0a090001);
	struct udp_socket *s = udp_open(&n.udp, 7);
	while (reader_left(&r) >= 4) {
		unsigned flags = reader_u8(&r) & 1 ? KILN_NET_RX_CSUM_OK : 0;
		uint8_t dt = reader_u8(&r);
		uint16_t len = reader_be16(&r);
		struct view v = reader_view(&r, len < reader_left(&r) ? len : reader_left(&r));
		/* A copy of exactly the frame's length, so that ASan sees any
		 * read past it. */
		uint8_t *copy = malloc(v.len ? v.len : 1);

		memcpy(copy, v.data, v.len);
		if (v.len >= 34 && copy[12] == 0x08 && copy[13] == 0x00) {
			size_t hl = (size_t)(copy[14] & 15) * 4;
			if (hl >= 20 && 14 + hl <= v.len) {
				copy[24] = copy[25] = 0;
				store_be16(copy + 24, checksum_fold(checksum_add(0, copy + 14, hl)));
			}
		}
		now += (kiln_time_t)dt * 100000000;
		net_tick(&n, now);
		net_input_ex(&n, view_make(copy, v.len), flags, now);
		free(copy);
		while (udp_recv(s, buf, sizeof(buf), NULL, NULL, 0) >= 0)
			;
		if (cap.n > CAPTURE_MAX / 2)
			capture_clear(&cap);
	}
	for (int i = 0; i < (ARP_MAX_TRIES + 1) * ARP_CACHE_SIZE + IPV4_REASS_SLOTS &&
			net_next_deadline(&n) != KILN_TIME_NEVER; i++) {
		now = net_next_deadline(&n);
		net_tick(&n, now);
	}
	if (n.ip.reass_bytes || n.arp.pending_total)
		abort();
	net_destroy(&n);
	capture_clear(&cap);
	if (pbuf_live() != live)
		abort();
	return 0;
}
