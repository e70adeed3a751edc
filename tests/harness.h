/* harness.h: kiln's unit-test harness for host-run C tests.
 *
 * A test file defines cases with TEST(name) { ... } and checks with CHECK*().
 * Cases register themselves through a linker section, so a file needs no list
 * and no main(): link it with tests/harness.c. Each case prints one line
 * that scripts/test counts:
 *
 *   PASS: <program>: <case>
 *   FAIL: <program>: <case>: <file>:<line>: <what failed>
 *   SKIP: <program>: <case>: <why>
 *
 * A case that runs no CHECK at all FAILS ("asserted nothing"): a test must be
 * able to fail. A failed CHECK ends its case (the next case still runs).
 * The program exits 1 if any case failed, else 0.
 *
 * Running a test program with a case name as argument runs only that case.
 */
#ifndef KILN_TESTS_HARNESS_H
#define KILN_TESTS_HARNESS_H

#include <stdint.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST(name)                                                             \
	static void test_##name(void);                                         \
	static const struct test_case test_case_##name                         \
		__attribute__((used, section("kiln_tests"), aligned(16))) = {  \
			#name, test_##name};                                   \
	static void test_##name(void)

/* Internal: called by the CHECK macros. */
void test_check_passed(void);
int test_failed(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Mark the running case skipped, with a reason; return from it after. */
void test_skip(const char *why);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			test_failed(__FILE__, __LINE__, "%s", #cond);           \
			return;                                                \
		}                                                              \
		test_check_passed();                                           \
	} while (0)

/* Integers compared as intmax_t/uintmax_t, printed on failure. */
#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
		if (check_a_ != check_b_) {                                    \
			test_failed(__FILE__, __LINE__, "%s == %s (%lld != %lld)", \
				    #a, #b, check_a_, check_b_);               \
			return;                                                \
		}                                                              \
		test_check_passed();                                           \
	} while (0)

#define CHECK_MEM(a, b, n)                                                     \
	do {                                                                   \
		if (memcmp((a), (b), (n)) != 0) {                              \
			test_failed(__FILE__, __LINE__, "%s and %s differ in %zu bytes", \
				    #a, #b, (size_t)(n));                      \
			return;                                                \
		}                                                              \
		test_check_passed();                                           \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *check_a_ = (a), *check_b_ = (b);                   \
		if (strcmp(check_a_, check_b_) != 0) {                         \
			test_failed(__FILE__, __LINE__, "%s == %s (\"%s\" != \"%s\")", \
				    #a, #b, check_a_, check_b_);               \
			return;                                                \
		}                                                              \
		test_check_passed();                                           \
	} while (0)

#endif
