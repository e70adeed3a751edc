/* strtol_test.c: kiln libc's strtol family against glibc's: bases, signs, overflow, errno, end (C11 7.22.1.4). */
#include <errno.h>
#include <stdlib.h>

#include "harness.h"
#include "klibc.h"

static const char *const inputs[] = {
	"0", "1", "-1", "+1", "  42", "\t\n-17xyz", "0x1f", "0X1F", "0x", "0xg", "-0x10",
	"010", "08", "0", "z", "Z", "zz", "", "   ", "-", "+", "abc", "1e5",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"-18446744073709551615", "-18446744073709551616", "99999999999999999999999999",
	"-1", "0b101", "7fffffffffffffff", "8000000000000000", "ffffffffffffffff",
	"10000000000000000", "1111", "  +0x7FFFFFFFFFFFFFFF",
};
static const int bases[] = {0, 2, 8, 10, 16, 36};

TEST(strtol_matches_glibc)
{
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
			const char *s = inputs[i];
			char *e1, *e2;
			klibc_errno = 0;
			errno = 0;
			long v1 = klibc_strtol(s, &e1, bases[b]);
			long v2 = strtol(s, &e2, bases[b]);
			CHECK_EQ(v1, v2);
			CHECK_EQ(e1 - s, e2 - s);
			CHECK_EQ(klibc_errno, errno);
		}
	}
}

TEST(strtoull_matches_glibc)
{
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
			const char *s = inputs[i];
			char *e1, *e2;
			klibc_errno = 0;
			errno = 0;
			unsigned long long v1 = klibc_strtoull(s, &e1, bases[b]);
			unsigned long long v2 = strtoull(s, &e2, bases[b]);
			CHECK(v1 == v2);
			CHECK_EQ(e1 - s, e2 - s);
			CHECK_EQ(klibc_errno, errno);
			CHECK(klibc_strtoul(s, NULL, bases[b]) == strtoul(s, NULL, bases[b]));
			CHECK_EQ(klibc_strtoll(s, NULL, bases[b]), strtoll(s, NULL, bases[b]));
		}
	}
}

TEST(bad_base)
{
	char *end;
	const char *s = "123";
	klibc_errno = 0;
	CHECK_EQ(klibc_strtol(s, &end, 1), 0);
	CHECK_EQ(klibc_errno, EINVAL);
	CHECK(end == s);
	klibc_errno = 0;
	CHECK_EQ(klibc_strtol(s, &end, 37), 0);
	CHECK_EQ(klibc_errno, EINVAL);
}

TEST(atoi)
{
	CHECK_EQ(klibc_atoi("  -123abc"), -123);
	CHECK_EQ(klibc_atoi("2147483647"), 2147483647);
	CHECK_EQ(klibc_atoi("x"), 0);
}
