/* time.h: C time (C11 7.27, and POSIX's _r forms) on kiln's wall clock.
 * There is one time zone, UTC: localtime_r is gmtime_r and mktime timegm;
 * strftime knows the "C" locale's conversions (docs/libc.md). Finer time:
 * kiln_clock_monotonic/kiln_clock_wall in <kiln/platform.h>. */
#ifndef KLIBC_TIME_H
#define KLIBC_TIME_H

#include <stddef.h>

typedef long time_t;
typedef long clock_t;
typedef int clockid_t;
struct timespec {
	time_t tv_sec;
	long tv_nsec;
};
struct tm {
	int tm_sec, tm_min, tm_hour; /* 0-60 (a leap second), 0-59, 0-23 */
	int tm_mday, tm_mon, tm_year; /* 1-31, 0-11, years since 1900 */
	int tm_wday, tm_yday, tm_isdst; /* 0-6 from Sunday, 0-365, always 0 */
	long tm_gmtoff; /* always 0 */
	const char *tm_zone; /* always "UTC" */
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCKS_PER_SEC 1000000L

/* Seconds since the epoch; also stored through t unless NULL. */
time_t time(time_t *t);
/* CLOCK_REALTIME (the host's wall clock) or CLOCK_MONOTONIC; else -1, EINVAL. */
int clock_gettime(clockid_t id, struct timespec *ts);
/* Broken-down UTC time; NULL (EOVERFLOW) if the year does not fit an int. */
struct tm *gmtime_r(const time_t *t, struct tm *tm);
struct tm *localtime_r(const time_t *t, struct tm *tm);
/* The same, into one static struct tm (not reentrant). */
struct tm *gmtime(const time_t *t);
struct tm *localtime(const time_t *t);
/* The inverse, normalizing out-of-range fields (Jan 32 is Feb 1) and
 * setting tm_wday and tm_yday. */
time_t timegm(struct tm *tm);
time_t mktime(struct tm *tm);
/* Formats tm into s (max bytes with the NUL); the length, or 0 if it did
 * not fit (s's contents then unspecified). Conversions: a A b B c C d D e F
 * g G h H I j m M n p r R s S t T u U V w W x X y Y z Z %; others are
 * copied as written. */
size_t strftime(char *s, size_t max, const char *fmt, const struct tm *tm);

#endif
