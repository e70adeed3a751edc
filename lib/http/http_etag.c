/* http_etag.c: entity-tag lists and their comparison (RFC 9110 8.8.3,
 * 13.1.1 If-Match, 13.1.2 If-None-Match). */
#include "http_private.h"

#include <string.h>

/* entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE. Splits t into weakness and
 * the quoted opaque part (quotes included); false if malformed. */
static int split_tag(struct view t, int *weak, struct view *opaque)
{
	*weak = t.len >= 2 && t.data[0] == 'W' && t.data[1] == '/';
	if (*weak)
		view_tail(t, 2, &t);
	if (t.len < 2 || t.data[0] != '"' || t.data[t.len - 1] != '"')
		return 0;
	for (size_t i = 1; i + 1 < t.len; i++) {
		uint8_t c = t.data[i];
		if (c == '"' || c < 0x21 || c == 0x7f)
			return 0;
	}
	*opaque = t;
	return 1;
}

int http_etag_match(struct view list, struct view etag, int weak)
{
	struct view want, have;
	int want_weak, have_weak;
	size_t i = 0;
	if (!split_tag(etag, &want_weak, &want))
		return 0;
	size_t end = list.len;
	while (i < end && (list.data[i] == ' ' || list.data[i] == '\t'))
		i++;
	while (end > i && (list.data[end - 1] == ' ' || list.data[end - 1] == '\t'))
		end--;
	if (end - i == 1 && list.data[i] == '*')
		return 1;
	/* Each turn consumes at least one byte: bounded by list.len. */
	while (i < list.len) {
		size_t s, e;
		while (i < list.len && (list.data[i] == ' ' || list.data[i] == '\t' ||
					list.data[i] == ','))
			i++;
		if (i == list.len)
			break;
		s = i;
		if (list.len - i >= 2 && list.data[i] == 'W' && list.data[i + 1] == '/')
			i += 2;
		if (i == list.len || list.data[i] != '"')
			return 0;
		for (i++; i < list.len && list.data[i] != '"'; i++)
			;
		if (i == list.len)
			return 0;
		e = ++i;
		if (!split_tag(view_make(list.data + s, e - s), &have_weak, &have))
			return 0;
		while (i < list.len && (list.data[i] == ' ' || list.data[i] == '\t'))
			i++;
		if (i < list.len && list.data[i] != ',')
			return 0; /* the tag runs on: malformed */
		if (view_equal(have, want) && (weak || (!have_weak && !want_weak)))
			return 1;
	}
	return 0;
}
