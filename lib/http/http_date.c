/* http_date.c: IMF-fixdate (RFC 9110 5.6.7) from seconds since the epoch,
 * with integer arithmetic only (guests have no FPU, no libc time). */
#include "http_private.h"

#include <string.h>

/* Civil date from days since 1970-01-01 (proleptic Gregorian): Howard
 * Hinnant's days_from_civil inverse, for non-negative day counts. Eras are
 * 400-year cycles of 146097 days, each starting on 1 March so that the leap
 * day ends the year. */
static void civil_from_days(uint64_t z, uint64_t *y, unsigned *m, unsigned *d)
{
	uint64_t era, doe, yoe, doy, mp;
	z += 719468; /* days from 0000-03-01 to 1970-01-01 */
	era = z / 146097;
	doe = z - era * 146097;                                       /* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                /* [0, 365] */
	mp = (5 * doy + 2) / 153;                                     /* [0, 11], March = 0 */
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static void two(char *p, unsigned x)
{
	p[0] = (char)('0' + x / 10 % 10);
	p[1] = (char)('0' + x % 10);
}

void http_date_format(uint64_t secs, char out[30])
{
	static const char wd[] = "SunMonTueWedThuFriSat";
	static const char mo[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	/* 253402300799 is 9999-12-31T23:59:59Z: the last instant with a
	 * four-digit year. */
	uint64_t days, rem, y;
	unsigned m, d, w;
	if (secs > 253402300799ull)
		secs = 253402300799ull;
	days = secs / 86400;
	rem = secs % 86400;
	civil_from_days(days, &y, &m, &d);
	w = (unsigned)((days + 4) % 7); /* 1970-01-01 was a Thursday */
	memcpy(out, wd + 3 * w, 3);
	out[3] = ',', out[4] = ' ';
	two(out + 5, d);
	out[7] = ' ';
	memcpy(out + 8, mo + 3 * (m - 1), 3);
	out[11] = ' ';
	two(out + 12, (unsigned)(y / 100));
	two(out + 14, (unsigned)(y % 100));
	out[16] = ' ';
	two(out + 17, (unsigned)(rem / 3600));
	out[19] = ':';
	two(out + 20, (unsigned)(rem / 60 % 60));
	out[22] = ':';
	two(out + 23, (unsigned)(rem % 60));
	memcpy(out + 25, " GMT", 5);
}

/* Days since 1970-01-01 of a civil date (year >= 1970 here). */
static uint64_t days_from_civil(uint64_t y, unsigned m, unsigned d)
{
	uint64_t era, yoe, doy, doe;
	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n digits at v[*i] (n = 0: one or more, up to 4); -1 if absent. */
static long digits(struct view v, size_t *i, int n)
{
	long x = 0;
	int k = 0;
	while (*i < v.len && v.data[*i] >= '0' && v.data[*i] <= '9' && (n ? k < n : k < 4))
		x = x * 10 + (v.data[(*i)++] - '0'), k++;
	return (k == 0 || (n && k != n)) ? -1 : x;
}

static int lit(struct view v, size_t *i, const char *s)
{
	size_t n = strlen(s);
	if (v.len - *i < n || memcmp(v.data + *i, s, n) != 0)
		return 0;
	*i += n;
	return 1;
}

static int month(struct view v, size_t *i)
{
	static const char mo[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (v.len - *i < 3)
		return -1;
	for (int m = 0; m < 12; m++)
		if (memcmp(v.data + *i, mo + 3 * m, 3) == 0) {
			*i += 3;
			return m + 1;
		}
	return -1;
}

/* "HH:MM:SS" into seconds of the day, or -1. */
static long clock_of(struct view v, size_t *i)
{
	long h = digits(v, i, 2), m, s;
	if (h < 0 || !lit(v, i, ":") || (m = digits(v, i, 2)) < 0 || !lit(v, i, ":") ||
	    (s = digits(v, i, 2)) < 0 || h > 23 || m > 59 || s > 60)
		return -1;
	return h * 3600 + m * 60 + (s == 60 ? 59 : s);
}

int http_date_parse(struct view v, uint64_t *secs)
{
	static const char *const days[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
					   "Friday", "Saturday", "Sunday"};
	static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t i = 0;
	long d, y, t;
	int m;
	if (v.len < 3)
		return -1;
	/* The day name is not checked against the date (RFC 9110 5.6.7
	 * names it redundant); it must be one of the names, though. */
	if (v.len > 3 && v.data[3] == ',') {
		/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
		i = 3;
		if (!lit(v, &i, ", ") || (d = digits(v, &i, 2)) < 0 || !lit(v, &i, " ") ||
		    (m = month(v, &i)) < 0 || !lit(v, &i, " ") || (y = digits(v, &i, 4)) < 0 ||
		    !lit(v, &i, " ") || (t = clock_of(v, &i)) < 0 || !lit(v, &i, " GMT"))
			return -1;
	} else if (v.len > 3 && v.data[3] == ' ') {
		/* asctime: "Sun Nov  6 08:49:37 1994" */
		i = 4;
		if ((m = month(v, &i)) < 0 || !lit(v, &i, " "))
			return -1;
		if (i < v.len && v.data[i] == ' ')
			i++, d = digits(v, &i, 1);
		else
			d = digits(v, &i, 2);
		if (d < 0 || !lit(v, &i, " ") || (t = clock_of(v, &i)) < 0 || !lit(v, &i, " ") ||
		    (y = digits(v, &i, 4)) < 0)
			return -1;
	} else {
		/* rfc850: "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year
		 * more than 50 years ahead is in the past century (5.6.7):
		 * with no clock here, 00-69 is 20xx and 70-99 is 19xx. */
		int found = 0;
		for (int k = 0; k < 7 && !found; k++) {
			size_t j = 0;
			if (lit(v, &j, days[k]) && lit(v, &j, ", "))
				i = j, found = 1;
		}
		if (!found || (d = digits(v, &i, 2)) < 0 || !lit(v, &i, "-") ||
		    (m = month(v, &i)) < 0 || !lit(v, &i, "-") || (y = digits(v, &i, 2)) < 0 ||
		    !lit(v, &i, " ") || (t = clock_of(v, &i)) < 0 || !lit(v, &i, " GMT"))
			return -1;
		y += y < 70 ? 2000 : 1900;
	}
	if (i != v.len || y < 1970 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
		return -1;
	*secs = days_from_civil((uint64_t)y, (unsigned)m, (unsigned)d) * 86400 + (uint64_t)t;
	return 0;
}
