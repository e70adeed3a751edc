/* time_test.c: kiln libc's gmtime_r, timegm and strftime against glibc's
 * (in UTC; %s, %z and %Z checked apart), over dates from -2^40 s to 2^40 s, leap years, ISO weeks and
 * field normalization; time() against the host's clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "klibc.h"

static int same_tm(const struct tm *a, const struct tm *b)
{
	return a->tm_sec == b->tm_sec && a->tm_min == b->tm_min && a->tm_hour == b->tm_hour &&
	       a->tm_mday == b->tm_mday && a->tm_mon == b->tm_mon && a->tm_year == b->tm_year &&
	       a->tm_wday == b->tm_wday && a->tm_yday == b->tm_yday;
}

static const char *const formats[] = {
	"%a %A %b %B %h", "%c", "%C %y %Y", "%d %e %j %m", "%D %F %T %R %r", "%H %I %M %S %p",
	"%u %w %U %W %V %G %g", "%n%t%%", "%x %X", "%Ey %Od", "plain text", "",
};

/* One instant: the broken-down time, its inverse and every format. */
static void check(time_t t)
{
	struct tm mine, theirs;
	char a[256], b[256];

	CHECK(klibc_gmtime_r(&t, &mine) != NULL);
	CHECK(gmtime_r(&t, &theirs) != NULL);
	if (!same_tm(&mine, &theirs)) {
		fprintf(stderr, "gmtime_r(%ld) differs: %d-%d-%d yday %d wday %d vs %d-%d-%d yday %d wday %d\n",
			(long)t, mine.tm_year, mine.tm_mon, mine.tm_mday, mine.tm_yday, mine.tm_wday,
			theirs.tm_year, theirs.tm_mon, theirs.tm_mday, theirs.tm_yday, theirs.tm_wday);
		CHECK(0);
		return;
	}
	struct tm copy = mine;
	CHECK_EQ(klibc_timegm(&copy), (long)t);
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		size_t n = klibc_strftime(a, sizeof a, formats[i], &mine);
		size_t m = strftime(b, sizeof b, formats[i], &theirs);
		if (n != m || memcmp(a, b, n) != 0) {
			fprintf(stderr, "strftime(\"%s\") at %ld: '%.*s' vs '%.*s'\n", formats[i],
				(long)t, (int)n, a, (int)m, b);
			CHECK(0);
			return;
		}
	}
}

TEST(gmtime_timegm_strftime_like_glibc)
{
	static const time_t fixed[] = {0, -1, 1, 86399, 86400, 951782400 /* 2000-02-29 */,
				       4107542399 /* 2100-02-28 23:59:59 */, 1230768000,
				       -2208988800 /* 1900-01-01 */, 253402300799, 1700000000};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		check(fixed[i]);
	/* Every day of 1998-2030 (ISO weeks 52/53 at every year's turn). */
	for (time_t t = 883612800; t < 1924992000; t += 86400 - 1)
		check(t);
	unsigned long long x = 88172645463325252ULL;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		check((time_t)(x % (2ULL << 40)) - (time_t)(1ULL << 40));
	}
}

TEST(timegm_normalizes)
{
	struct tm tm = {.tm_year = 124, .tm_mon = 0, .tm_mday = 32, .tm_hour = 25, .tm_min = -1};
	struct tm g = tm;
	CHECK_EQ(klibc_timegm(&tm), (long)timegm(&g));
	CHECK(same_tm(&tm, &g));
	struct tm m = {.tm_year = 123, .tm_mon = 13, .tm_mday = 0, .tm_sec = 61};
	struct tm gm = m;
	CHECK_EQ(klibc_mktime(&m), (long)timegm(&gm));
	CHECK(same_tm(&m, &gm));
	CHECK_EQ(m.tm_mon, 0);
}

TEST(strftime_too_small)
{
	struct tm tm;
	time_t t = 1700000000;
	char buf[8];
	klibc_gmtime_r(&t, &tm);
	CHECK_EQ(klibc_strftime(buf, sizeof buf, "%Y-%m-%d", &tm), 0); /* 10 + NUL > 8 */
	CHECK_EQ(klibc_strftime(buf, sizeof buf, "%Y", &tm), 4);
	CHECK_EQ(strcmp(buf, "2023"), 0);
	/* glibc names gmtime's zone "GMT" and takes %s in local time: ours is UTC */
	char z[32];
	CHECK_EQ(klibc_strftime(z, sizeof z, "%z %Z %s", &tm), 20);
	CHECK_EQ(strcmp(z, "+0000 UTC 1700000000"), 0);
}

TEST(time_is_the_hosts)
{
	long a = klibc_time(NULL), stored = 0;
	long b = (long)time(NULL);
	CHECK(a >= b - 1 && a <= b + 1);
	CHECK_EQ(klibc_time(&stored), stored);
	struct tm l, g;
	klibc_localtime_r(&a, &l);
	klibc_gmtime_r(&a, &g);
	CHECK(same_tm(&l, &g)); /* one time zone: UTC */
}
