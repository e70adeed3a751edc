/* stdlib.c: exit, abort, getenv, abs, and assert's failure path (C11 7.22.4, 7.22.6, 7.2). */
#include <stdlib.h>
#include <stdio.h>
#include <assert.h>

#include <kiln/platform.h>

void exit(int status)
{
	kiln_exit(status & 255);
}

void abort(void)
{
	kiln_abort();
}

char *getenv(const char *name)
{
	(void)name;
	return NULL;
}

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }

void klibc_assert_fail(const char *expr, const char *file, int line, const char *func)
{
	fprintf(stderr, "assertion failed: %s (%s:%d, in %s)\n", expr, file, line, func);
	kiln_abort();
}
