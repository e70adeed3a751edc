/* input.c: libFuzzer harness for UDP input: the input (after one control
 * byte) is a UDP datagram from 10.9.0.1 to 10.9.0.2, received three times by
 * a UDP layer with a queueing socket on port 7 and a callback socket on port
 * 53; then the queue is drained. Control byte bit 0: the harness repairs the
 * checksum, so mutations reach the demultiplexing and queueing. */
#include "../../../tests/netstack/netstack_test.h"

#include <kiln/checksum.h>
#include <kiln/udp.h>
#include <stdlib.h>

static bool link_out(void *ctx, uint32_t next_hop, struct pbuf *pb, kiln_time_t now)
{
	(void)ctx, (void)next_hop, (void)now;
	pbuf_free(pb);
	return true;
}

static void on_rx(void *ctx, struct udp_socket *s, uint32_t from, uint16_t port,
		  struct view data, kiln_time_t now)
{
	(void)ctx, (void)s, (void)from, (void)port, (void)now;
	fuzz_touch(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipv4_link link = {NULL, link_out, 1500};
	struct ipv4 ip;
	struct udp u;
	struct ipv4_packet p = {.src = 0x0a090001, .dst = 0x0a090002, .proto = 17, .ttl = 64};
	uint8_t hdr[20] = {0x45};
	uint8_t *copy, buf[2048];
	struct udp_socket *s7;
	size_t n;

	if (size < 1)
		return 0;
	n = size - 1;
	copy = malloc(n ? n : 1);
	memcpy(copy, data + 1, n);
	if ((data[0] & 1) && n >= 8 && n <= 0xffff) {
		copy[6] = copy[7] = 0;
		uint16_t len = (uint16_t)(copy[4] << 8 | copy[5]);
		if (len >= 8 && len <= n) {
			uint16_t c = checksum_fold(checksum_add(
				checksum_pseudo_ipv4(p.src, p.dst, 17, len), copy, len));
			store_be16(copy + 6, c ? c : 0xffff);
		}
	}
	ipv4_init(&ip, &link);
	ipv4_set_address(&ip, p.dst, 24, 0);
	udp_init(&u, &ip);
	s7 = udp_open(&u, 7);
	udp_on_receive(udp_open(&u, 53), on_rx, NULL);
	p.header = view_make(hdr, sizeof(hdr));
	p.payload = view_make(copy, n);
	for (int i = 0; i < 3; i++)
		udp_input(&u, &p, 0);
	while (udp_recv(s7, buf, sizeof(buf), NULL, NULL, 0) >= 0)
		;
	if (udp_pending(s7) != 0)
		abort();
	udp_destroy(&u);
	ipv4_destroy(&ip);
	free(copy);
	return 0;
}
