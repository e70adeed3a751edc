/* input.c: libFuzzer harness for one received IPv4 packet (ipv4_decode,
 * validation, delivery). The first input byte chooses whether the harness
 * repairs the header checksum first, so mutations get past it half the time. */
#include "../../../tests/netstack/netstack_test.h"

#include <kiln/checksum.h>
#include <kiln/ipv4.h>
#include <stdlib.h>

static bool link_out(void *ctx, uint32_t next_hop, struct pbuf *pb, kiln_time_t now)
{
	(void)ctx, (void)next_hop, (void)now;
	pbuf_free(pb);
	return true;
}

static void handler(void *ctx, const struct ipv4_packet *p, kiln_time_t now)
{
	(void)ctx, (void)now;
	fuzz_touch(p->header);
	fuzz_touch(p->payload);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipv4_link link = {NULL, link_out, 1500};
	struct ipv4 ip;
	uint8_t *copy;

	if (size < 1)
		return 0;
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	if ((data[0] & 1) && size - 1 >= 20) {
		size_t hl = (size_t)(copy[0] & 15) * 4;
		if (hl >= 20 && hl <= size - 1) {
			copy[10] = copy[11] = 0;
			store_be16(copy + 10, checksum_fold(checksum_add(0, copy, hl)));
		}
	}
	ipv4_init(&ip, &link);
	ipv4_set_address(&ip, 0x0a090002, 24, 0x0a090001);
	ipv4_register(&ip, IPV4_PROTO_ICMP, handler, NULL);
	ipv4_register(&ip, IPV4_PROTO_UDP, handler, NULL);
	ipv4_input(&ip, view_make(copy, size - 1), 0);
	ipv4_destroy(&ip);
	if (ip.reass_bytes != 0)
		abort();
	free(copy);
	return 0;
}
