/* input.c: libFuzzer harness for ICMP input. The input is one IPv4 packet
 * (its header checksum repaired by the harness when the first byte is odd,
 * and the ICMP checksum too when bit 1 is set),
 * received by an IPv4 layer with ICMP registered; the same datagram is then
 * also the subject of a port-unreachable error, to exercise the quoting. */
#include "../../../tests/netstack/netstack_test.h"

#include <kiln/checksum.h>
#include <kiln/icmp.h>
#include <stdlib.h>

static bool link_out(void *ctx, uint32_t next_hop, struct pbuf *pb, kiln_time_t now)
{
	(void)ctx, (void)next_hop, (void)now;
	fuzz_touch(pbuf_view(pb));
	pbuf_free(pb);
	return true;
}

static void any_proto(void *ctx, const struct ipv4_packet *p, kiln_time_t now)
{
	icmp_send_unreachable(ctx, p, ICMP_UNREACH_PORT, now);
}

static void on_reply(void *ctx, uint32_t from, uint16_t id, uint16_t seq, struct view data,
		     kiln_time_t now)
{
	(void)ctx, (void)from, (void)id, (void)seq, (void)now;
	fuzz_touch(data);
}

static void on_error(void *ctx, uint8_t type, uint8_t code, uint32_t rest, uint32_t from,
		     struct view q, kiln_time_t now)
{
	(void)rest;
	(void)ctx, (void)type, (void)code, (void)from, (void)now;
	fuzz_touch(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipv4_link link = {NULL, link_out, 1500};
	struct ipv4 ip;
	struct icmp ic;
	size_t live = pbuf_live();
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
			/* Bit 1: repair the ICMP checksum too (over the rest). */
			if ((data[0] & 2) && size - 1 >= hl + 4) {
				copy[hl + 2] = copy[hl + 3] = 0;
				store_be16(copy + hl + 2, checksum_fold(checksum_add(
					0, copy + hl, size - 1 - hl)));
			}
		}
	}
	ipv4_init(&ip, &link);
	ipv4_set_address(&ip, 0x0a090002, 24, 0x0a090001);
	icmp_init(&ic, &ip);
	icmp_on_echo_reply(&ic, on_reply, NULL);
	icmp_on_error(&ic, on_error, NULL);
	ipv4_register(&ip, IPV4_PROTO_ICMP, icmp_input, &ic);
	ipv4_register(&ip, IPV4_PROTO_UDP, any_proto, &ic);
	ipv4_set_unreachable(&ip, icmp_send_unreachable, &ic);
	ipv4_input(&ip, view_make(copy, size - 1), 0);
	ipv4_destroy(&ip);
	free(copy);
	if (pbuf_live() != live)
		abort();
	return 0;
}
