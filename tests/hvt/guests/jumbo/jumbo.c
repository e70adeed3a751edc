/* jumbo.c: an hvt test guest for a net device's MTU: prints the MTU the
 * tender gives, checks that a frame of MTU + 14 bytes may be written and
 * one byte more may not, then echoes the first frame of ethertype 0x88b5
 * it receives back to its sender, whole (tests/tender/mtu.sh). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <kiln/platform.h>

int kiln_main(int argc, char **argv)
{
	static uint8_t frame[65536 + 64];
	struct kiln_net_info info;
	kiln_handle_t h;
	size_t n = 0;

	(void)argc, (void)argv;
	if (kiln_net_acquire("service", &h, &info) != KILN_OK) {
		printf("jumbo: cannot acquire service\n");
		return 1;
	}
	printf("mtu %zu\n", info.mtu);
	if (info.mtu + 14 > 65536) {
		printf("jumbo: MTU too large for this test\n");
		return 1;
	}
	/* A broadcast frame of the experimental ethertype, as long as allowed. */
	memset(frame, 0xff, 6);
	memcpy(frame + 6, info.mac_address, 6);
	frame[12] = 0x88, frame[13] = 0xb6;
	memset(frame + 14, 'j', info.mtu);
	printf("write mtu + 14: %d\n", kiln_net_write(h, frame, info.mtu + 14));
	printf("write mtu + 15: %d\n", kiln_net_write(h, frame, info.mtu + 15));

	kiln_time_t deadline = kiln_clock_monotonic() + 30000000000ull;
	for (;;) {
		kiln_handle_set_t ready = 0;
		enum kiln_result r = kiln_net_read(h, frame, sizeof(frame), &n);
		if (r == KILN_OK && n >= 14 && frame[12] == 0x88 && frame[13] == 0xb5)
			break;
		if (r == KILN_OK)
			continue;
		if (r != KILN_AGAIN || kiln_clock_monotonic() >= deadline) {
			printf("jumbo: no frame (%d)\n", r);
			return 1;
		}
		kiln_yield(deadline, &ready);
	}
	memcpy(frame, frame + 6, 6);
	memcpy(frame + 6, info.mac_address, 6);
	printf("received %zu\n", n);
	printf("echo: %d\n", kiln_net_write(h, frame, n));
	return 0;
}
