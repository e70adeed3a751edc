/* netstack_test.h: shared helpers for the network stack's unit tests and fuzz
 * harnesses (lib/{eth,arp,ipv4,icmp,udp,net}/tests and fuzz).
 *
 *   - A fake monotonic clock and yield, defined weak: a test that reaches
 *     wait_on() (udp_recv) links lib/core's loop, which names the platform's
 *     clock and yield; these satisfy the linker without a platform archive and
 *     let the test own time. A real platform member pulled in for another
 *     reason overrides them.
 *   - A capture device: an eth_dev whose send() keeps the frames for the test
 *     to inspect, then capture_clear() frees them.
 *
 * Include it from one .c file per program (it defines functions).
 */
#ifndef KILN_TESTS_NETSTACK_TEST_H
#define KILN_TESTS_NETSTACK_TEST_H

#include <kiln/eth.h>
#include <kiln/platform.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static kiln_time_t fake_now;

/* Read every byte of v, so ASan checks a layer's claim that they exist. */
static volatile uint8_t fuzz_sink;
static inline void fuzz_touch(struct view v)
{
	uint8_t x = 0;
	for (size_t i = 0; i < v.len; i++)
		x ^= v.data[i];
	fuzz_sink = x;
}

__attribute__((weak)) kiln_time_t kiln_clock_monotonic(void) { return fake_now; }

__attribute__((weak)) void kiln_yield(kiln_time_t deadline, kiln_handle_set_t *ready)
{
	if (deadline > fake_now && deadline != UINT64_MAX)
		fake_now = deadline;
	if (ready)
		*ready = 0;
}

#define CAPTURE_MAX 64

struct capture {
	struct pbuf *frames[CAPTURE_MAX];
	int n;
	int dropped; /* frames beyond CAPTURE_MAX */
	bool refuse; /* make send() fail, as a full device would */
};

static inline bool capture_send(void *ctx, struct pbuf *pb)
{
	struct capture *c = ctx;
	if (c->refuse || c->n == CAPTURE_MAX) {
		c->dropped++;
		pbuf_free(pb);
		return false;
	}
	c->frames[c->n++] = pb;
	return true;
}

static inline struct eth_dev capture_dev(struct capture *c)
{
	struct eth_dev d = {c, capture_send};
	return d;
}

static inline void capture_clear(struct capture *c)
{
	for (int i = 0; i < c->n; i++)
		pbuf_free(c->frames[i]);
	c->n = 0;
	c->dropped = 0;
}

#endif
