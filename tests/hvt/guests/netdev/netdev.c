/* netdev.c: an hvt test guest for the net calls: acquire, send a frame, wait
 * with kiln_yield for one to arrive and read it (tests/hvt/devices.sh). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <kiln/platform.h>

static int fails;

static void expect(const char *what, int got, int want)
{
	printf("%s: %s (%d)\n", got == want ? "ok" : "WRONG", what, got);
	fails += got != want;
}

int kiln_main(int argc, char **argv)
{
	static uint8_t frame[1514 + 100];
	struct kiln_net_info info;
	kiln_handle_t h;
	size_t n = 0;

	(void)argc, (void)argv;
	expect("acquire service", kiln_net_acquire("service", &h, &info), KILN_OK);
	printf("mac %02x:%02x:%02x:%02x:%02x:%02x mtu %zu handle %" PRIu64 "\n",
	       info.mac_address[0], info.mac_address[1], info.mac_address[2],
	       info.mac_address[3], info.mac_address[4], info.mac_address[5], info.mtu,
	       (uint64_t)h);
	/* A broadcast frame of an experimental ethertype (IEEE 802 0x88b5). */
	memset(frame, 0xff, 6);
	memcpy(frame + 6, info.mac_address, 6);
	frame[12] = 0x88, frame[13] = 0xb5;
	memcpy(frame + 14, "kiln netdev test", 16);
	expect("write a frame", kiln_net_write(h, frame, 60), KILN_OK);
	expect("write an oversize frame", kiln_net_write(h, frame, info.mtu + 15), KILN_EINVAL);
	expect("write on a bad handle", kiln_net_write(h + 1, frame, 60), KILN_EINVAL);

	/* Wait up to 20 s for the test to send us something. */
	kiln_time_t deadline = kiln_clock_monotonic() + 20000000000ull;
	for (;;) {
		kiln_handle_set_t ready = 0;
		enum kiln_result r = kiln_net_read(h, frame, sizeof(frame), &n);
		if (r == KILN_OK)
			break;
		if (r != KILN_AGAIN || kiln_clock_monotonic() >= deadline) {
			expect("a frame arrives", r, KILN_OK);
			break;
		}
		kiln_yield(deadline, &ready);
		if (ready != 0 && ready != (1ull << h))
			expect("ready set holds only our handle", (int)ready, (int)(1ull << h));
	}
	if (n > 0)
		printf("received %zu bytes, ethertype %02x%02x\n", n, frame[12], frame[13]);
	printf("netdev: %d wrong\n", fails);
	return fails == 0 ? 0 : 1;
}
