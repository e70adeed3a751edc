/* idle_conns.c: 10,000 idle TCP connections (lib/tcp over its in-memory test link) held by fibers two ways: a parked fiber each, or a dormant one (docs/fibers.md). */
#include "../../lib/core/tests/fake_platform.h"
#include "../../lib/tcp/tests/pair.h"

#include <kiln/fiber.h>
#include <malloc.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 10000

static struct pair P;
static struct tcp_listener *L;
static struct tcp_conn *clients[N];
static int served, accepted;
static bool dormant_mode;

/* The link as a loop source: the pair's clock follows the fake platform's. */
static void sync_now(void)
{
	if (fake_now > P.now)
		P.now = fake_now;
	else
		fake_now = P.now;
}
static kiln_time_t link_deadline(struct loop_source *s)
{
	kiln_time_t next, d;
	(void)s;
	sync_now();
	next = P.head ? P.head->at : KILN_TIME_NEVER;
	d = tcp_next_deadline(P.a);
	if (d < next)
		next = d;
	d = tcp_next_deadline(P.b);
	return d < next ? d : next;
}
static void link_time(struct loop_source *s, kiln_time_t now)
{
	(void)s;
	(void)now;
	sync_now();
	for (int i = 0; i < 1000000; i++) {
		if (P.head && P.head->at <= P.now) {
			pair_step(&P);
			continue;
		}
		tcp_tick(P.a, P.now);
		tcp_tick(P.b, P.now);
		break;
	}
}

/* Dormant: runs only when the connection is readable, then goes dormant. */
static void serve_dormant(void *arg)
{
	struct tcp_conn *c = arg;
	char buf[64];
	long n = tcp_read_nb(c, buf, sizeof(buf));
	if (n > 0) {
		tcp_write_nb(c, buf, (size_t)n);
		served++;
	}
	if ((n > 0 || n == -TCP_EAGAIN) &&
	    fiber_spawn_on(tcp_read_waitq(c), KILN_TIME_NEVER, serve_dormant, c, 0))
		return;
	tcp_close(c);
}

/* Parked: the straightforward loop, blocking in tcp_read with its stack. */
static void serve_parked(void *arg)
{
	struct tcp_conn *c = arg;
	char buf[64];
	long n;
	while ((n = tcp_read(c, buf, sizeof(buf), KILN_TIME_NEVER)) > 0) {
		tcp_write(c, buf, (size_t)n, KILN_TIME_NEVER);
		served++;
	}
	tcp_close(c);
}

static void acceptor(void *arg)
{
	(void)arg;
	for (;;) {
		struct tcp_conn *c = tcp_accept(L, KILN_TIME_NEVER);
		if (!c)
			return;
		accepted++;
		if (dormant_mode)
			fiber_spawn_on(tcp_read_waitq(c), KILN_TIME_NEVER, serve_dormant, c, 0);
		else
			fiber_spawn(serve_parked, c, 0);
	}
}

static size_t heap(void)
{
	struct mallinfo2 m = mallinfo2();
	return m.uordblks + m.hblkhd;
}

static size_t rss(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return (size_t)res * 4096;
}

static void settle(int steps)
{
	for (int k = 0; k < steps; k++) {
		fake_now += MSEC;
		loop_step(0);
	}
}

/* Prints bytes per idle connection of the fibers and in all. */
static void run(bool dormant)
{
	struct loop_source link = {0};
	struct tcp_config cfg = {0};
	struct fiber_stats st;
	struct tcp_stack_info ib;
	size_t h0, r0, h1, r1;

	dormant_mode = dormant;
	cfg.max_conns = 3 * N;
	cfg.syn_queue = 1024;
	pair_init(&P, &cfg, &cfg, 1);
	fake_now = P.now;
	link.name = "link";
	link.next_deadline = link_deadline;
	link.on_time = link_time;
	loop_add(&link);
	tcp_listen(P.b, 80, 1024, &L);
	fiber_spawn(acceptor, NULL, 0);
	(void)rss();
	h0 = heap();
	r0 = rss();
	for (int i = 0; i < N; i++) {
		if (tcp_connect_nb(P.a, A_ADDR, B_ADDR, 80, &clients[i]) != 0)
			break;
		if (i % 100 == 99)
			settle(3);
	}
	settle(50);
	h1 = heap();
	r1 = rss();
	fiber_get_stats(&st);
	tcp_stack_info(P.b, &ib);
	for (int i = 0; i < N; i += 10) /* a request on every 10th */
		tcp_write_nb(clients[i], "ping", 4);
	settle(50);
	printf("idle conns %-8s %d accepted, %d/%d answered, %zu fibers: stacks %5zu B/conn, "
	       "TCP server state %zu B/conn; process (both TCP ends, link, fibers): "
	       "heap %5zu B/conn, resident %5zu B/conn\n",
	       dormant ? "dormant:" : "parked:", accepted, served, N / 10, st.live,
	       st.stack_bytes / N, (size_t)ib.mem / (size_t)(accepted ? accepted : 1),
	       (h1 - h0) / N, (r1 > r0 ? r1 - r0 : 0) / N);
	fflush(stdout);
}

int main(void)
{
	/* each mode in a fresh process, so neither inherits the other's pages */
	for (int k = 0; k < 2; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			run(k == 1);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	return 0;
}
