/* time.c: time, clock_gettime, gmtime_r/localtime_r, timegm/mktime and
 * strftime (time.h), in UTC, on the platform's wall clock. Calendar
 * arithmetic is Howard Hinnant's days-from-civil algorithm (proleptic
 * Gregorian, any year), all in integers. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include <kiln/platform.h>

time_t time(time_t *t)
{
	time_t now = (time_t)(kiln_clock_wall() / 1000000000);
	if (t)
		*t = now;
	return now;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	kiln_time_t ns;
	if (id == CLOCK_REALTIME)
		ns = kiln_clock_wall();
	else if (id == CLOCK_MONOTONIC)
		ns = kiln_clock_monotonic();
	else {
		errno = EINVAL;
		return -1;
	}
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
	return 0;
}

static long floor_div(long a, long b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* Days since 1970-01-01 of y-m-d (m 1-12). */
static long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = floor_div(y, 400);
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

struct tm *gmtime_r(const time_t *t, struct tm *tm)
{
	long days = floor_div(*t, 86400), secs = *t - days * 86400;
	long z = days + 719468, era = floor_div(z, 146097);
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y - 1900 > INT_MAX || y - 1900 < INT_MIN) {
		errno = EOVERFLOW;
		return NULL;
	}
	tm->tm_sec = (int)(secs % 60);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_mday = (int)d;
	tm->tm_mon = (int)m - 1;
	tm->tm_year = (int)(y - 1900);
	tm->tm_wday = (int)(floor_div(days + 4, 7) * -7 + days + 4); /* 1970-01-01: Thursday */
	tm->tm_yday = (int)(days - days_from_civil(y, 1, 1));
	tm->tm_isdst = 0;
	tm->tm_gmtoff = 0;
	tm->tm_zone = "UTC";
	return tm;
}

struct tm *localtime_r(const time_t *t, struct tm *tm) { return gmtime_r(t, tm); }

static struct tm static_tm;
struct tm *gmtime(const time_t *t) { return gmtime_r(t, &static_tm); }
struct tm *localtime(const time_t *t) { return gmtime_r(t, &static_tm); }

time_t timegm(struct tm *tm)
{
	long mon = tm->tm_mon, y = (long)tm->tm_year + 1900 + floor_div(mon, 12);
	mon -= floor_div(mon, 12) * 12;
	long days = days_from_civil(y, mon + 1, 1) + tm->tm_mday - 1;
	time_t t = (time_t)days * 86400 + (time_t)tm->tm_hour * 3600 + (time_t)tm->tm_min * 60 +
		   tm->tm_sec;
	if (!gmtime_r(&t, tm))
		return -1;
	return t;
}

time_t mktime(struct tm *tm) { return timegm(tm); }

static const char *const wday_name[] = {"Sunday", "Monday", "Tuesday", "Wednesday",
					"Thursday", "Friday", "Saturday"};
static const char *const mon_name[] = {"January", "February", "March", "April", "May", "June",
				       "July", "August", "September", "October", "November",
				       "December"};

struct out {
	char *s;
	size_t max, len;
};

static void put(struct out *o, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++, o->len++)
		if (o->len < o->max)
			o->s[o->len] = p[i];
}

static void put_str(struct out *o, const char *p) { put(o, p, strlen(p)); }

/* v in decimal, zero- (pad '0') or space-padded to width; '-' for < 0. */
static void put_num(struct out *o, long v, int width, char pad)
{
	char b[24], *p = b + sizeof b;
	int neg = v < 0;
	unsigned long u = neg ? 0UL - (unsigned long)v : (unsigned long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (b + sizeof b - p < width - neg)
		*--p = pad;
	if (neg)
		*--p = '-';
	put(o, p, (size_t)(b + sizeof b - p));
}

/* ISO 8601 week-based year and week (%G, %V). */
static void iso_week(const struct tm *tm, long *year, int *week)
{
	long y = (long)tm->tm_year + 1900;
	int wday = (tm->tm_wday + 6) % 7; /* Monday 0 */
	int w = (tm->tm_yday - wday + 10) / 7;
	if (w < 1) {
		y--;
		int yday = tm->tm_yday + 365 + leap(y);
		w = (yday - wday + 10) / 7;
	} else if (w == 53) {
		int days = 365 + leap(y);
		if (tm->tm_yday - wday + 3 >= days) { /* that week's Thursday is next year */
			y++;
			w = 1;
		}
	}
	*year = y;
	*week = w;
}

static void format(struct out *o, const char *fmt, const struct tm *tm);

static void conv(struct out *o, char c, const struct tm *tm)
{
	long year = (long)tm->tm_year + 1900;
	unsigned wd = (unsigned)tm->tm_wday % 7, mo = (unsigned)tm->tm_mon % 12;
	int hour12 = tm->tm_hour % 12 ? tm->tm_hour % 12 : 12;
	long iy;
	int iw;

	switch (c) {
	case 'a': put(o, wday_name[wd], 3); break;
	case 'A': put_str(o, wday_name[wd]); break;
	case 'b': case 'h': put(o, mon_name[mo], 3); break;
	case 'B': put_str(o, mon_name[mo]); break;
	case 'c': format(o, "%a %b %e %H:%M:%S %Y", tm); break;
	case 'C': put_num(o, floor_div(year, 100), 1, '0'); break; /* unpadded, as glibc */
	case 'd': put_num(o, tm->tm_mday, 2, '0'); break;
	case 'D': format(o, "%m/%d/%y", tm); break;
	case 'e': put_num(o, tm->tm_mday, 2, ' '); break;
	case 'F': format(o, "%Y-%m-%d", tm); break;
	case 'g': iso_week(tm, &iy, &iw); put_num(o, (iy % 100 + 100) % 100, 2, '0'); break;
	case 'G': iso_week(tm, &iy, &iw); put_num(o, iy, 1, '0'); break;
	case 'H': put_num(o, tm->tm_hour, 2, '0'); break;
	case 'I': put_num(o, hour12, 2, '0'); break;
	case 'j': put_num(o, tm->tm_yday + 1, 3, '0'); break;
	case 'm': put_num(o, tm->tm_mon + 1, 2, '0'); break;
	case 'M': put_num(o, tm->tm_min, 2, '0'); break;
	case 'n': put(o, "\n", 1); break;
	case 'p': put_str(o, tm->tm_hour < 12 ? "AM" : "PM"); break;
	case 'r': format(o, "%I:%M:%S %p", tm); break;
	case 'R': format(o, "%H:%M", tm); break;
	case 's': {
		struct tm copy = *tm;
		put_num(o, timegm(&copy), 1, '0');
		break;
	}
	case 'S': put_num(o, tm->tm_sec, 2, '0'); break;
	case 't': put(o, "\t", 1); break;
	case 'T': format(o, "%H:%M:%S", tm); break;
	case 'u': put_num(o, wd ? wd : 7, 1, '0'); break;
	case 'U': put_num(o, (tm->tm_yday + 7 - tm->tm_wday) / 7, 2, '0'); break;
	case 'V': iso_week(tm, &iy, &iw); put_num(o, iw, 2, '0'); break;
	case 'w': put_num(o, wd, 1, '0'); break;
	case 'W': put_num(o, (tm->tm_yday + 7 - (tm->tm_wday + 6) % 7) / 7, 2, '0'); break;
	case 'x': format(o, "%m/%d/%y", tm); break;
	case 'X': format(o, "%H:%M:%S", tm); break;
	case 'y': put_num(o, (year % 100 + 100) % 100, 2, '0'); break;
	case 'Y': put_num(o, year, 1, '0'); break;
	case 'z': put_str(o, "+0000"); break;
	case 'Z': put_str(o, "UTC"); break;
	case '%': put(o, "%", 1); break;
	default: { /* unknown: as written */
		char b[2] = {'%', c};
		put(o, b, c ? 2 : 1);
	}
	}
}

static void format(struct out *o, const char *fmt, const struct tm *tm)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(o, p, 1);
			continue;
		}
		p++;
		/* glibc's E and O modifiers mean nothing in the "C" locale */
		if (*p == 'E' || *p == 'O')
			p++;
		conv(o, *p, tm);
		if (!*p)
			break;
	}
}

size_t strftime(char *s, size_t max, const char *fmt, const struct tm *tm)
{
	struct out o = {s, max, 0};
	format(&o, fmt, tm);
	if (o.len >= max)
		return 0;
	s[o.len] = '\0';
	return o.len;
}
