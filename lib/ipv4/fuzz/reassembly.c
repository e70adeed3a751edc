/* reassembly.c: libFuzzer harness for IPv4 fragment reassembly: one input is
 * a sequence of packets from one sender, fed in order with the clock moving.
 *
 * Input: records [dt][len hi][len lo][len bytes]: dt * 1 s passes, then the
 * packet (its header checksum repaired by the harness, so mutations reach the
 * reassembly logic) is received. Checked after every packet: reassembly
 * memory stays within IPV4_REASS_MAX_BYTES; at the end, after the timeout,
 * all of it is freed; a delivered datagram is never longer than 65515 bytes. */
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
	if (p->payload.len > IPV4_MAX_LEN - IPV4_HDR_LEN)
		abort();
	fuzz_touch(p->header);
	fuzz_touch(p->payload);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipv4_link link = {NULL, link_out, 1500};
	struct ipv4 ip;
	struct reader r = reader_make(view_make(data, size));
	kiln_time_t now = 0;

	ipv4_init(&ip, &link);
	ipv4_set_address(&ip, 0x0a090002, 24, 0x0a090001);
	ipv4_register(&ip, IPV4_PROTO_ICMP, handler, NULL);
	ipv4_register(&ip, IPV4_PROTO_UDP, handler, NULL);
	while (reader_left(&r) >= 3) {
		uint8_t dt = reader_u8(&r);
		uint16_t len = reader_be16(&r);
		struct view v = reader_view(&r, len < reader_left(&r) ? len : reader_left(&r));
		uint8_t *copy = malloc(v.len ? v.len : 1);

		memcpy(copy, v.data, v.len);
		if (v.len >= 20) {
			size_t hl = (size_t)(copy[0] & 15) * 4;
			if (hl >= 20 && hl <= v.len) {
				copy[10] = copy[11] = 0;
				store_be16(copy + 10, checksum_fold(checksum_add(0, copy, hl)));
			}
		}
		now += (kiln_time_t)dt * 1000000000;
		ipv4_tick(&ip, now);
		ipv4_input(&ip, view_make(copy, v.len), now);
		free(copy);
		if (ip.reass_bytes > IPV4_REASS_MAX_BYTES)
			abort();
	}
	ipv4_tick(&ip, now + IPV4_REASS_TIMEOUT_NS);
	if (ip.reass_bytes != 0 || ipv4_next_deadline(&ip) != KILN_TIME_NEVER)
		abort();
	ipv4_destroy(&ip);
	return 0;
}
