/* libcgaps.c: a test guest for what a typical C service takes from its C
 * library (time, gmtime_r, localtime_r, timegm, mktime, strftime, strto*,
 * qsort/bsearch, ctype, strdup/strndup, strcasecmp, snprintf). Its output
 * is compared between the unix target (glibc) and hvt (kiln libc):
 * tests/hvt/libc.sh. Local time is UTC on both (the test sets TZ=UTC). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <kiln/platform.h>

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

int kiln_main(int argc, char **argv)
{
	static const time_t instants[] = {0, 951782400, 1700000000, 4107542399, -2208988800};
	char buf[128];

	(void)argv;
	/* time(): the host's clock, give or take; print only that it is sane. */
	time_t now = time(NULL);
	printf("time() after 2020: %s\n", now > 1577836800 ? "yes" : "no");
	for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++) {
		struct tm g, l;
		time_t t = instants[i];
		gmtime_r(&t, &g);
		localtime_r(&t, &l);
		strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S %a %b %j %U %W %V %G %u %w", &g);
		printf("%ld: %s | local %02d:%02d yday %d\n", (long)t, buf, l.tm_hour, l.tm_min,
		       l.tm_yday);
		strftime(buf, sizeof buf, "%A, %d %B %Y %T %c %D %F %r", &g);
		printf("  %s\n", buf);
		struct tm back = g;
		printf("  timegm %ld mktime %ld\n", (long)timegm(&back), (long)mktime(&l));
	}
	struct tm norm = {.tm_year = 124, .tm_mon = 1, .tm_mday = 30, .tm_hour = 24};
	time_t n = timegm(&norm);
	strftime(buf, sizeof buf, "%F %T", &norm);
	printf("2024-02-30 24:00 is %s (%ld)\n", buf, (long)n);
	/* HTTP's date: "Tue, 14 Nov 2023 22:13:20 GMT". */
	struct tm h;
	time_t hd = 1700000000;
	gmtime_r(&hd, &h);
	strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &h);
	printf("http date: %s\n", buf);

	char *end;
	printf("strtol %ld %ld %ld\n", strtol("-0x1f", &end, 0), strtol("0755", NULL, 0),
	       strtol("  +42xyz", &end, 10));
	printf("  rest '%s'\n", end);
	printf("strtoul %lu strtoull %llu strtoll %lld\n", strtoul("4294967296", NULL, 10),
	       strtoull("18446744073709551615", NULL, 10), strtoll("-9223372036854775808", NULL, 10));
	long v[] = {5, -3, 99, 0, 42, 7, -100};
	qsort(v, 7, sizeof v[0], cmp_long);
	long key = 42;
	long *hit = bsearch(&key, v, 7, sizeof v[0], cmp_long);
	printf("qsort %ld %ld %ld %ld %ld %ld %ld; bsearch 42 at %ld\n", v[0], v[1], v[2], v[3],
	       v[4], v[5], v[6], hit ? (long)(hit - v) : -1L);
	char *d = strdup("Content-Length"), *nd = strndup("keep-alive, close", 10);
	printf("strdup '%s' strndup '%s' strcasecmp %d strncasecmp %d\n", d, nd,
	       strcasecmp(d, "content-length") == 0, strncasecmp("KEEP", nd, 4) == 0);
	free(d);
	free(nd);
	int classes = 0;
	for (int c = 0; c < 128; c++)
		classes += !!isalpha(c) + !!isdigit(c) * 2 + !!isspace(c) * 4 + !!ispunct(c) * 8 +
			   !!isxdigit(c) * 16 + (toupper(c) != c) * 32;
	printf("ctype sum %d\n", classes);
	size_t cap = 8 + (size_t)(argc > 99); /* not a constant: no truncation warning */
	int w = snprintf(buf, cap, "%s-%05d", argc > 99 ? "x" : "abcdef", 42);
	printf("snprintf %d '%s' %x %5.2s|%-4d|\n", w, buf, 0xbeefu, "xyz", -7);
	return 0;
}
