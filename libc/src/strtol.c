/* strtol.c: strtol, strtoul, strtoll, strtoull, atoi, atol (C11 7.22.1). */
#include <stdlib.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>

_Static_assert(sizeof(long) == sizeof(long long), "LP64: long is long long");

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* The magnitude of the number at s, capped at lim_pos or lim_neg (by its
 * sign) with errno ERANGE; *neg says whether it had a '-'. */
static unsigned long long scan(const char *s, char **end, int base, unsigned long long lim_pos,
			       unsigned long long lim_neg, int *neg, int *over)
{
	const char *p = s, *digits;
	unsigned long long v = 0, lim;

	*neg = *over = 0;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		if (end)
			*end = (char *)s;
		return 0;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value((unsigned char)p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	lim = *neg ? lim_neg : lim_pos;
	for (digits = p;; p++) {
		int d = digit_value((unsigned char)*p);
		if (d >= base)
			break;
		if (v > (lim - (unsigned)d) / (unsigned)base)
			*over = 1;
		else
			v = v * (unsigned)base + (unsigned)d;
	}
	if (end)
		*end = (char *)(p == digits ? s : p);
	if (*over) {
		errno = ERANGE;
		return lim;
	}
	return v;
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
	int neg, over;
	unsigned long long m = scan(s, end, base, LLONG_MAX, (unsigned long long)LLONG_MAX + 1,
				    &neg, &over);

	return neg ? (long long)(0 - m) : (long long)m;
}

unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
	int neg, over;
	unsigned long long m = scan(s, end, base, ULLONG_MAX, ULLONG_MAX, &neg, &over);

	/* C: a '-' negates in the unsigned type, except after an overflow. */
	return neg && !over ? 0 - m : m;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
	return strtoll(s, end, base);
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	return strtoull(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}
