/* pair_bench.c: bulk throughput of two kiln TCP stacks over the in-memory link (host CPU cost of the engine, no sanitizers). */
#include <time.h>

#include "../tests/pair.h"

/* pair.h's CHECK-based helpers want the harness; the bench uses none. */
void test_check_passed(void) {}
int test_failed(const char *file, int line, const char *fmt, ...)
{
	(void)file; (void)line; (void)fmt;
	return 0;
}

/* CPU time as well as wall time: on a loaded machine (2 cores, shared)
 * the wall clock measures the queue for the CPU, not the engine. */
static double secs_on(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t total = (argc > 1 ? strtoull(argv[1], NULL, 10) : 256) << 20;
	struct tcp_config cfg = {.sndbuf = 1u << 20, .rcvbuf = 1u << 20};
	struct pair p;
	struct tcp_listener *l;
	struct tcp_conn *ca, *cb;
	static uint8_t chunk[65536], sink[65536];
	uint64_t sent = 0, got = 0;
	double t0, t1, c0, c1;

	memset(chunk, 'k', sizeof(chunk));
	pair_init(&p, &cfg, &cfg, 1);
	if (!pair_connect(&p, 80, &l, &ca, &cb))
		return 1;
	t0 = secs_on(CLOCK_MONOTONIC);
	c0 = secs_on(CLOCK_PROCESS_CPUTIME_ID);
	while (got < total) {
		if (sent < total) {
			long n = tcp_write_nb(ca, chunk, sizeof(chunk) < total - sent ? sizeof(chunk) : total - sent);
			if (n > 0)
				sent += (uint64_t)n;
		}
		long r;
		while ((r = tcp_read_nb(cb, sink, sizeof(sink))) > 0)
			got += (uint64_t)r;
		if (!pair_step(&p))
			break;
	}
	t1 = secs_on(CLOCK_MONOTONIC);
	c1 = secs_on(CLOCK_PROCESS_CPUTIME_ID);
	printf("%.1f MB/s per CPU second, %.1f MB/s wall (%llu MiB, %.3f s CPU, %.3f s wall, %lu segments)\n",
	       (double)got / (c1 - c0) / 1e6, (double)got / (t1 - t0) / 1e6,
	       (unsigned long long)(got >> 20), c1 - c0, t1 - t0, p.sent);
	tcp_abort(ca);
	tcp_abort(cb);
	tcp_listener_close(l);
	pair_free(&p);
	return got == total ? 0 : 1;
}
