/* wait_test.c: hostnet_wait()'s timeout: a huge one (the POLL hypercall
 * passes up to INT64_MAX nanoseconds) waits as forever instead of
 * overflowing the deadline, and a large one that fits is passed on. */
#include "harness.h"

#include "backend.h"

#include <stdint.h>

/* A backend with a timer due in 1 ms (so no poll sleeps long) that has a
 * frame once it has been dispatched; it records the timeout it was given. */
static int64_t seen_timeout;
static bool dispatched;

static int t_write(struct hostnet *n, const uint8_t *f, size_t len) { (void)n, (void)f, (void)len; return 0; }
static ssize_t t_read(struct hostnet *n, uint8_t *b, size_t c) { (void)n, (void)b, (void)c; return -1; }
static void t_prepare(struct hostnet *n, struct pollset *p, int64_t *t)
{
	(void)n, (void)p;
	seen_timeout = *t;
	*t = 1000000;
}
static void t_dispatch(struct hostnet *n, struct pollset *p, bool f) { (void)n, (void)p, (void)f; dispatched = true; }
static bool t_readable(struct hostnet *n) { (void)n; return dispatched; }
static unsigned t_fds(const struct hostnet *n, int *f, unsigned m) { (void)n, (void)f, (void)m; return 0; }
static void t_close(struct hostnet *n) { (void)n; }
static const struct backend timer_backend = {t_write, t_read, t_prepare, t_dispatch, t_readable,
					      t_fds, t_close, NULL, NULL, NULL};

static uint64_t wait_with(int64_t timeout_ns)
{
	static struct hostnet net;
	struct hostnet *nets[1] = {&net};
	net.b = &timer_backend;
	dispatched = false;
	seen_timeout = 12345;
	return hostnet_wait(nets, 1, timeout_ns);
}

TEST(huge_timeout_is_forever_not_an_overflow)
{
	/* Under UBSan a signed overflow of the deadline ends the test. */
	CHECK_EQ(wait_with(INT64_MAX), 1u);
	CHECK_EQ(seen_timeout, -1);
	CHECK_EQ(wait_with(INT64_MAX - 1000), 1u);
	CHECK_EQ(seen_timeout, -1);
}

TEST(large_timeout_that_fits_is_kept)
{
	int64_t year = 365LL * 24 * 3600 * 1000000000LL;
	CHECK_EQ(wait_with(10 * year), 1u);
	CHECK(seen_timeout > 9 * year && seen_timeout <= 10 * year);
	CHECK_EQ(wait_with(-1), 1u);
	CHECK_EQ(seen_timeout, -1);
	CHECK_EQ(wait_with(0), 1u);
	CHECK_EQ(seen_timeout, 0);
}
