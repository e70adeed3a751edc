/* harness.c: runs the TEST() cases linked into a test program (see harness.h). */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

extern const struct test_case __start_kiln_tests[], __stop_kiln_tests[];

static const char *program;
static const char *current;
static int checks, failed, skipped;

void test_check_passed(void) { checks++; }

int test_failed(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	printf("FAIL: %s: %s: %s:%d: ", program, current, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed = 1;
	return 0;
}

void test_skip(const char *why)
{
	printf("SKIP: %s: %s: %s\n", program, current, why);
	skipped = 1;
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	int any_failed = 0, ran = 0;
	const char *slash = strrchr(argv[0], '/');

	program = slash ? slash + 1 : argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const struct test_case *t = __start_kiln_tests; t < __stop_kiln_tests; t++) {
		if (only && strcmp(only, t->name) != 0)
			continue;
		current = t->name;
		checks = failed = skipped = 0;
		t->fn();
		ran++;
		if (failed)
			any_failed = 1;
		else if (skipped)
			;
		else if (checks == 0) {
			printf("FAIL: %s: %s: asserted nothing\n", program, t->name);
			any_failed = 1;
		} else
			printf("PASS: %s: %s\n", program, t->name);
	}
	if (ran == 0) {
		printf("FAIL: %s: no test case ran%s%s\n", program, only ? " named " : "",
		       only ? only : "");
		return 1;
	}
	return any_failed;
}
