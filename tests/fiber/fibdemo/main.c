/* fibdemo: fibers on a real target (include/kiln/fiber.h): yields, sleeps, wait with wake and timeout, switch cost, overflow. */
#include <kiln/fiber.h>
#include <kiln/platform.h>
#include <kiln/wait.h>
#include <stdio.h>
#include <string.h>

static char trace[64];
static int ntrace;
static struct waitq q = WAITQ_INIT;
static int woken_ok, timeout_ok;

static void mark(char c)
{
	if (ntrace < (int)sizeof(trace) - 1)
		trace[ntrace++] = c;
}

static void yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		mark(*(const char *)arg);
		fiber_yield();
	}
}

static void sleeper(void *arg)
{
	(void)arg;
	fiber_sleep_until(kiln_clock_monotonic() + 2000000); /* 2 ms */
	mark('s');
	waitq_wake(&q);
}

static void waiter(void *arg)
{
	struct waitq never = WAITQ_INIT;
	kiln_time_t t0 = kiln_clock_monotonic();

	(void)arg;
	woken_ok = wait_on(&q, t0 + 10000000000ull); /* woken by the sleeper */
	mark('w');
	t0 = kiln_clock_monotonic();
	timeout_ok = !wait_on(&never, t0 + 1000000) && kiln_clock_monotonic() >= t0 + 1000000;
	mark('t');
}

static int spins;
static void spinner(void *arg)
{
	(void)arg;
	while (spins-- > 0)
		fiber_yield();
}

static void smash(void *arg)
{
	void *lo;
	size_t size;

	(void)arg;
	if (fiber_stack_bounds(fiber_self(), &lo, &size))
		memset(lo, 0, 8); /* the last word, as a too-deep call would */
	fiber_yield();
	printf("fibdemo: survived an overflow\n");
}

static volatile unsigned long depth;
__attribute__((noinline)) static unsigned long recurse(unsigned long n)
{
	volatile char pad[128];

	pad[0] = (char)n;
	depth = n;
	if (n >= 1000000)
		return pad[0];
	return recurse(n + 1) + pad[0];
}

static void deep(void *arg)
{
	(void)arg;
	recurse(0);
	printf("fibdemo: survived runaway recursion\n");
}

int kiln_main(int argc, char **argv)
{
	struct fiber_stats st;
	kiln_time_t t0, t1;
	struct fiber *f;

	if (argc > 1 && strcmp(argv[1], "--deep") == 0) {
		/* unix: the guard page below the stack stops it at once */
		f = fiber_spawn(deep, NULL, 0);
		fiber_set_name(f, "digger");
		fiber_run();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--overflow") == 0) {
		fiber_guard_pages(0); /* the canary's path, on both targets */
		f = fiber_spawn(smash, NULL, 0);
		fiber_set_name(f, "smasher");
		fiber_run();
		return 0;
	}
	fiber_paint_stacks(1);
	fiber_spawn(yielder, "a", 0);
	fiber_spawn(yielder, "b", 0);
	fiber_spawn(sleeper, NULL, 0);
	fiber_spawn(waiter, NULL, 0);
	fiber_run();
	fiber_paint_stacks(0);
	fiber_get_stats(&st);
	trace[ntrace] = 0;
	spins = 2000;
	fiber_spawn(spinner, NULL, 0);
	fiber_spawn(spinner, NULL, 0);
	t0 = kiln_clock_monotonic();
	fiber_run();
	t1 = kiln_clock_monotonic();
	printf("fibdemo: trace %s woken %d timeout %d deepest %u live %u; %u ns per yield\n",
	       trace, woken_ok, timeout_ok, (unsigned)st.max_stack_used, (unsigned)st.live,
	       (unsigned)((t1 - t0) / 2000));
	return woken_ok && timeout_ok && st.live == 0 && strcmp(trace, "abababswt") == 0 ? 0 : 1;
}
