/* http_range.c: the Range field, one byte range (RFC 9110 14.1.2, 14.2). */
#include "http_private.h"

/* Decimal digits at v[*i] (saturating); -1 if none. */
static int number(struct view v, size_t *i, uint64_t *x)
{
	size_t start = *i;
	*x = 0;
	while (*i < v.len && v.data[*i] >= '0' && v.data[*i] <= '9') {
		uint64_t d = v.data[(*i)++] - '0';
		*x = *x > (UINT64_MAX - 9) / 10 ? UINT64_MAX : *x * 10 + d;
	}
	return *i > start ? 0 : -1;
}

int http_range_parse(struct view v, uint64_t len, uint64_t *first, uint64_t *last)
{
	size_t i = 6, e;
	uint64_t a, b;
	int have_b = 0;
	if (v.len < 7 || !http_ieq(view_make(v.data, 6), "bytes="))
		return 0;
	/* One range-spec, with the list's OWS and empty elements allowed. */
	while (i < v.len && (v.data[i] == ' ' || v.data[i] == '\t' || v.data[i] == ','))
		i++;
	e = v.len;
	while (e > i && (v.data[e - 1] == ' ' || v.data[e - 1] == '\t' || v.data[e - 1] == ','))
		e--;
	v.len = e;
	if (i == v.len)
		return 0;
	if (v.data[i] == '-') {
		/* suffix-range: the last b bytes; "-0" is unsatisfiable. */
		i++;
		if (number(v, &i, &b) < 0 || i != v.len)
			return 0;
		if (b == 0 || len == 0)
			return -1;
		*first = b >= len ? 0 : len - b;
		*last = len - 1;
		return 1;
	}
	if (number(v, &i, &a) < 0 || i >= v.len || v.data[i++] != '-')
		return 0;
	if (i < v.len) {
		if (number(v, &i, &b) < 0)
			return 0;
		have_b = 1;
	}
	if (i != v.len)
		return 0; /* more than one range, or junk */
	if (have_b && b < a)
		return 0; /* invalid: the field is ignored (14.1.1) */
	if (a >= len)
		return -1;
	*first = a;
	*last = have_b && b < len - 1 ? b : len - 1;
	return 1;
}
