/* clock.c: an hvt test guest for the clocks and kiln_yield: monotonic time
 * advances, wall time is near the host's, and a yield with a deadline returns
 * at about that deadline (tests/hvt/guest.sh checks the printed numbers). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <kiln/platform.h>

int kiln_main(int argc, char **argv)
{
	uint64_t wait_ms = argc > 1 ? strtoull(argv[1], NULL, 10) : 200;
	kiln_time_t t0 = kiln_clock_monotonic(), t1, t2;
	kiln_handle_set_t ready = ~0ull;
	uint8_t rnd[16];

	printf("wall_s %" PRIu64 "\n", (uint64_t)(kiln_clock_wall() / 1000000000u));
	t1 = kiln_clock_monotonic();
	kiln_yield(t1 + wait_ms * 1000000ull, &ready);
	t2 = kiln_clock_monotonic();
	printf("mono_t0_ns %" PRIu64 "\n", (uint64_t)t0);
	printf("mono_advanced %d\n", t1 > t0 && t2 > t1);
	printf("yield_ms %" PRIu64 "\n", (uint64_t)((t2 - t1) / 1000000u));
	printf("ready_set %" PRIu64 "\n", (uint64_t)ready);
	kiln_entropy(rnd, sizeof(rnd));
	printf("entropy ");
	for (size_t i = 0; i < sizeof(rnd); i++)
		printf("%02x", rnd[i]);
	printf("\n");
	return 0;
}
