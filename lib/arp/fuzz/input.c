/* input.c: libFuzzer harness for ARP: a sequence of received packets, sends
 * to be resolved and clock ticks, decoded from the input; afterwards every
 * queued packet must be freed and the counts consistent.
 *
 * Input: records [kind][len][len bytes]; kind%3: 0 = an ARP payload received,
 * 1 = send a packet to the IPv4 address in the first bytes, 2 = advance the
 * clock by len * 100 ms and tick. */
#include "../../../tests/netstack/netstack_test.h"

#include <kiln/arp.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = {0x56, 0x2b, 0xe5, 0x49, 0xf2, 0x91};
	struct capture cap = {0};
	struct eth_dev dev = capture_dev(&cap);
	struct eth e;
	struct arp a;
	struct reader r = reader_make(view_make(data, size));
	kiln_time_t now = 0;
	size_t live = pbuf_live();

	eth_init(&e, mac, &dev);
	arp_init(&a, &e);
	a.ip = 0x0a090002;
	while (reader_left(&r) >= 2) {
		uint8_t kind = reader_u8(&r), len = reader_u8(&r);
		struct view v = reader_view(&r, len < reader_left(&r) ? len : reader_left(&r));
		/* Exact-size copy so an over-read hits ASan's redzone. */
		uint8_t *copy = malloc(v.len ? v.len : 1);
		memcpy(copy, v.data, v.len);
		if (kind % 3 == 0) {
			struct eth_hdr h = {.type = ETH_TYPE_ARP};
			arp_input(&a, &h, view_make(copy, v.len), now);
		} else if (kind % 3 == 1) {
			uint32_t ip = 0x0a090000;
			view_be32(v, 0, &ip);
			arp_output(&a, ip, pbuf_alloc(PBUF_HEADROOM, 20), now);
		} else {
			now += (kiln_time_t)len * 100000000;
			arp_tick(&a, now);
		}
		free(copy);
		if (a.pending_total > ARP_PENDING_TOTAL)
			abort();
		if (cap.n > CAPTURE_MAX / 2)
			capture_clear(&cap);
	}
	arp_destroy(&a);
	capture_clear(&cap);
	if (pbuf_live() != live || a.pending_total != 0)
		abort();
	return 0;
}
