/* format_test.c: kiln libc's snprintf against glibc's, format by format (C11 7.21.6.1). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "klibc.h"

/* Formats with both libraries; same text and same return value. */
#define SAME(...)                                                              \
	do {                                                                   \
		char ours_[256], theirs_[256];                                 \
		int n_ours_ = klibc_snprintf(ours_, sizeof(ours_), __VA_ARGS__); \
		int n_theirs_ = snprintf(theirs_, sizeof(theirs_), __VA_ARGS__); \
		CHECK_STR(ours_, theirs_);                                     \
		CHECK_EQ(n_ours_, n_theirs_);                                  \
	} while (0)

TEST(integers)
{
	static const long long values[] = {0, 1, -1, 7, 42, -42, 255, 4096, 65535, -65536,
					   INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		long long v = values[i];
		SAME("%d|%i|%u|%x|%X|%o", (int)v, (int)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v);
		SAME("%lld|%llu|%llx|%llo", v, (unsigned long long)v, (unsigned long long)v, (unsigned long long)v);
		SAME("[%5d][%-5d][%05d][%+d][% d][%.3d][%8.3d][%-8.3d|]", (int)v, (int)v, (int)v, (int)v, (int)v, (int)v, (int)v, (int)v);
		SAME("[%#x][%#X][%#o][%#10x][%#010x][%-#10o]", (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v);
		SAME("[%.0d][%.0x][%#.0o][%5.0d]", (int)v, (unsigned)v, (unsigned)v, (int)v);
		SAME("[%hhd][%hhu][%hd][%hu][%ld][%lu][%jd][%zu][%td][%zx]", (signed char)v, (unsigned char)v,
		     (short)v, (unsigned short)v, (long)v, (unsigned long)v, (intmax_t)v, (size_t)v,
		     (ptrdiff_t)v, (size_t)v);
		SAME("[%*d][%-*d][%.*d][%*.*x]", 6, (int)v, 6, (int)v, 4, (int)v, 9, 5, (unsigned)v);
	}
}

TEST(strings_and_chars)
{
	SAME("%s|%10s|%-10s|%.2s|%10.3s|%-6.1s|", "hello", "hi", "hi", "hello", "hello", "xyz");
	SAME("%c%c%c|%3c|%-3c|", 'a', 'b', 'c', 'x', 'y');
	SAME("%s", "");
	SAME("100%% sure, %d%%", 5);
	SAME("%*s|%-*s|", -4, "a", 3, "bc");
	SAME("%.*s", -1, "negative precision means none");
}

TEST(pointers)
{
	int x;
	SAME("%p", (void *)&x);
	SAME("%20p|%-20p|", (void *)&x, (void *)&x);
	SAME("%p", (void *)NULL);
}

TEST(truncation_and_return_value)
{
	char buf[8];
	int n = klibc_snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12345);
	CHECK_EQ(n, 12);
	CHECK_STR(buf, "abcdef-");
	memset(buf, 'x', sizeof(buf));
	n = klibc_snprintf(buf, 0, "%d", 99);
	CHECK_EQ(n, 2);
	CHECK_EQ(buf[0], 'x');
	n = klibc_snprintf(buf, 1, "%d", 99);
	CHECK_EQ(n, 2);
	CHECK_EQ(buf[0], '\0');
	n = klibc_snprintf(NULL, 0, "%s", "count me");
	CHECK_EQ(n, 8);
}

TEST(long_output_pads)
{
	SAME("[%100d]", 7);
	SAME("[%-100s]", "left");
	SAME("[%.60d]", -3);
}

TEST(no_floating_point)
{
	char buf[64];
	/* No double is passed: the placeholder consumes no argument. */
	int n = klibc_snprintf(buf, sizeof(buf), "%s %f %d", "x", 5);
	CHECK_STR(buf, "x <float?> 5");
	CHECK_EQ(n, 12);
}

TEST(console_printf)
{
	host_console_len = 0;
	int n = klibc_printf("%s=%d\n", "answer", 42);
	CHECK_EQ(n, 10);
	klibc_puts("line");
	host_console_sync();
	CHECK_EQ(host_console_len, 15);
	CHECK_MEM(host_console, "answer=42\nline\n", 15);
}

TEST(console_printf_longer_than_its_buffer)
{
	char want[1200];
	host_console_len = 0;
	int n = klibc_printf("%-1000s|%d", "start", 7);
	snprintf(want, sizeof(want), "%-1000s|%d", "start", 7);
	host_console_sync();
	CHECK_EQ(n, 1002);
	CHECK_EQ(host_console_len, 1002);
	CHECK_MEM(host_console, want, 1002);
}

/* printf into the console's buffer copies literal text and %s strings 8
 * bytes a step (format.c, copy_until): the same text as glibc's for every
 * alignment of format and argument and every position in the buffer
 * (HOST_CONSOLE_BUF bytes), so the word stores meet its end and the flush. */
TEST(console_printf_word_copies)
{
	static const char text[] = "Hello from kiln! (appliance %s, %d boot argument%s)\n"
				   "%%literal %s and %s%s|%c|%-3s|%.2s|%5s|";
	static const char arg[] = "an argument string longer than eight bytes";
	char fmt[sizeof(text) + 8], want[512], got[512];
	int cases = 0;

	for (size_t fa = 0; fa < 8; fa++) {
		memcpy(fmt + fa, text, sizeof(text));
		for (size_t sa = 0; sa < 8; sa++) {
			const char *s = arg + sa;
			for (size_t pre = 0; pre < HOST_CONSOLE_BUF + 8; pre += 3) {
				int w = snprintf(want, sizeof(want), "%*s", (int)pre, "");
				w += snprintf(want + w, sizeof(want) - (size_t)w, fmt + fa, s, (int)pre - 40,
					      "", s + 20, "", "", 'c', "ab", "xyz", "q");
				host_console_len = 0;
				klibc_printf("%*s", (int)pre, "");
				int n = klibc_printf(fmt + fa, s, (int)pre - 40, "", s + 20, "", "", 'c',
						     "ab", "xyz", "q");
				host_console_sync();
				memcpy(got, host_console, host_console_len);
				CHECK_EQ((size_t)n + pre, (size_t)w);
				CHECK_EQ(host_console_len, (size_t)w);
				CHECK_MEM(got, want, (size_t)w);
				cases++;
			}
		}
	}
	CHECK(cases > 100);
}

/* A NULL %s prints "(null)" as glibc does, bare (copied 8 bytes a step on
 * the console) or with a width. */
TEST(null_string)
{
	const char *volatile none = NULL;
	char buf[64];

	klibc_snprintf(buf, sizeof(buf), "[%s][%8s][%-7s]", none, none, none);
	CHECK_STR(buf, "[(null)][  (null)][(null) ]");
	host_console_len = 0;
	int n = klibc_printf("[%s]%d\n", none, -5);
	host_console_sync();
	CHECK_EQ(n, 11);
	CHECK_EQ(host_console_len, 11);
	CHECK_MEM(host_console, "[(null)]-5\n", 11);
}
