/* stdlib_test.c: kiln libc's exit, abort, assert's failure path, getenv and abs (libc/src/stdlib.c). */
#include <limits.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "klibc.h"

void klibc_exit(int status);
void klibc_abort(void);
char *klibc_getenv(const char *name);
int klibc_abs(int x);
long long klibc_llabs(long long x);
void klibc_assert_fail(const char *expr, const char *file, int line, const char *func);

/* Runs fn(arg) in a child; returns its exit status and what it printed. */
static int in_child(void (*fn)(int), int arg, char *out, size_t size)
{
	int fd[2];
	if (pipe(fd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		fn(arg);
		_exit(99);
	}
	close(fd[1]);
	ssize_t n = read(fd[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void do_exit(int status) { klibc_exit(status); }
static void do_abort(int unused) { (void)unused; klibc_abort(); }
static void do_assert(int line) { klibc_assert_fail("x > 0", "app.c", line, "handler"); }

TEST(exit_status_and_abort)
{
	char out[256];
	CHECK_EQ(in_child(do_exit, 0, out, sizeof(out)), 0);
	CHECK_EQ(in_child(do_exit, 7, out, sizeof(out)), 7);
	CHECK_EQ(in_child(do_exit, 300, out, sizeof(out)), 300 & 255);
	CHECK_EQ(in_child(do_abort, 0, out, sizeof(out)), 255);
}

TEST(assert_failure_says_where)
{
	char out[256];
	CHECK_EQ(in_child(do_assert, 42, out, sizeof(out)), 255);
	CHECK(strstr(out, "assertion failed: x > 0 (app.c:42, in handler)") != NULL);
}

TEST(getenv_and_abs)
{
	CHECK(klibc_getenv("PATH") == NULL);
	CHECK_EQ(klibc_abs(-5), 5);
	CHECK_EQ(klibc_abs(INT_MAX), INT_MAX);
	CHECK_EQ(klibc_llabs(-LLONG_MAX), LLONG_MAX);
}
