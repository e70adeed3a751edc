/* overflow_test.c: a fiber that overruns its stack is stopped with a message naming it (fiber.h, docs/fibers.md). */
#include "harness.h"
#include "../../core/tests/fake_platform.h"

#include <kiln/fiber.h>

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run fn in a child with stderr captured; return its wait status and what it
 * printed. */
static int in_child(void (*fn)(void), char *out, size_t outlen)
{
	int fds[2], status = 0;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		dup2(fds[1], 1);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while (got + 1 < outlen && (n = read(fds[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return status;
}

/* Writes a buffer larger than the stack from its top end down, as a frame
 * with a too-large local array does, then returns and yields: the canary
 * check at that switch must catch it. no_sanitize_address: the array is on
 * the real stack and ASan must not stop the overrun before kiln does. */
__attribute__((noinline, no_sanitize_address)) static void smash(size_t len)
{
	volatile char big[len];
	for (size_t i = len; i-- > 0;)
		big[i] = (char)i;
	__asm__ volatile("" : : "r"(big) : "memory");
}

static void overflower(void *arg)
{
	smash((size_t)(uintptr_t)arg);
	fiber_yield();
	printf("survived\n");
}

static void run_overflow(void)
{
	struct fiber *f;

	fiber_guard_pages(false);
	f = fiber_spawn(overflower, (void *)(uintptr_t)(8192 - 64), 8192);
	fiber_set_name(f, "overflower");
	fiber_run();
}

TEST(an_overrun_stack_aborts_naming_the_fiber)
{
	char out[4096];
	int st = in_child(run_overflow, out, sizeof(out));

	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGABRT);
	CHECK(strstr(out, "fiber \"overflower\"") != NULL);
	CHECK(strstr(out, "overflowed its 8192-byte stack") != NULL);
	printf("note: the child said: %s", out);
	CHECK(strstr(out, "survived") == NULL);
}

static void last_word(void *arg)
{
	void *lo;
	size_t size;
	(void)arg;
	if (!fiber_stack_bounds(fiber_self(), &lo, &size))
		return;
	/* one word past the end, as the last push of a too-deep call */
	*(volatile uint64_t *)lo = 0;
	fiber_yield();
	printf("survived\n");
}

static void run_last_word(void)
{
	struct fiber *f = fiber_spawn(last_word, NULL, 0);
	fiber_set_name(f, "one-word");
	fiber_run();
}

TEST(a_single_word_past_the_end_is_caught)
{
	char out[4096];
	int st = in_child(run_last_word, out, sizeof(out));

	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGABRT);
	CHECK(strstr(out, "fiber \"one-word\"") != NULL);
	CHECK(strstr(out, "survived") == NULL);
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
	printf("survived\n");
}

static void tiny_fn(void *arg)
{
	(void)arg;
}

static void run_deep(void)
{
	struct fiber *f;

	fiber_guard_pages(true);
	f = fiber_spawn(deep, NULL, 16384);
	fiber_set_name(f, "digger");
	fiber_run();
}

TEST(the_guard_page_stops_runaway_recursion_naming_the_fiber)
{
	char out[8192];
	int st = in_child(run_deep, out, sizeof(out));

	printf("note: the child said: %.*s\n", (int)strcspn(out, "\n"), out);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGABRT);
	CHECK(strstr(out, "survived") == NULL);
	CHECK(strstr(out, "fiber \"digger\"") != NULL);
	CHECK(strstr(out, "overflowed its 16384-byte stack") != NULL);
	CHECK(strstr(out, "(guard page)") != NULL);
}

static volatile int *volatile bad_ptr = (volatile int *)16;
static void main_flow_fault(void)
{
	struct fiber *f;

	fiber_guard_pages(true);
	f = fiber_spawn(tiny_fn, NULL, 16384); /* installs the fault handler */
	(void)f;
	fiber_run();
	*bad_ptr = 1; /* not a fiber's overflow */
	printf("survived\n");
}

TEST(other_faults_are_left_as_they_were)
{
	char out[8192];
	int st = in_child(main_flow_fault, out, sizeof(out));

	printf("note: the child said: %.*s\n", (int)strcspn(out, "\n"), out);
	/* the default action, or ASan's report: not blamed on a fiber */
	CHECK(strstr(out, "survived") == NULL);
	CHECK(strstr(out, "overflowed") == NULL);
	CHECK((WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) || strstr(out, "SEGV") != NULL);
}

static void exit_from_main(void)
{
	fiber_exit();
}

TEST(fiber_exit_outside_a_fiber_is_a_clear_error)
{
	char out[1024];
	int st = in_child(exit_from_main, out, sizeof(out));

	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGABRT);
	CHECK(strstr(out, "fiber_exit() called outside a fiber") != NULL);
}
