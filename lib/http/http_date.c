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
