/* diff.c: a line diff for the history pages: the common head and tail
 * trimmed, the middle by longest common subsequence when it is small
 * enough (WIKI_DIFF_CELLS), else shown as removed then added. */
#include <stdlib.h>
#include <string.h>

#include "wiki.h"

/* The LCS table of the middle: at most this many cells (2 bytes each). */
#define WIKI_DIFF_CELLS (512u * 512u)

struct lines {
	struct view *v;
	size_t n;
};

static int split(struct view t, struct lines *l)
{
	size_t n = 0;
	for (size_t i = 0; i < t.len; i++)
		n += t.data[i] == '\n';
	n += t.len && t.data[t.len - 1] != '\n';
	if (n > WIKI_DIFF_LINES)
		return -1;
	l->v = malloc((n ? n : 1) * sizeof *l->v);
	if (!l->v)
		return -1;
	l->n = 0;
	for (size_t i = 0, start = 0; i < t.len; i++)
		if (t.data[i] == '\n' || i + 1 == t.len) {
			l->v[l->n++] = view_make(t.data + start, i + 1 - start);
			start = i + 1;
		}
	return 0;
}

static void row(struct md_out *o, char kind, struct view line)
{
	md_puts(o, kind == '-' ? "<div class=\"del\">- " : kind == '+' ? "<div class=\"add\">+ "
									    : "<div class=\"same\">  ");
	size_t n = line.len && line.data[line.len - 1] == '\n' ? line.len - 1 : line.len;
	md_escape(o, (const char *)line.data, n);
	md_puts(o, "</div>\n");
}

int wiki_diff_html(struct view a, struct view b, struct md_out *o)
{
	struct lines la = {0}, lb = {0};
	if (split(a, &la) || split(b, &lb)) {
		free(la.v);
		return -1;
	}
	size_t pre = 0, suf = 0;
	while (pre < la.n && pre < lb.n && view_equal(la.v[pre], lb.v[pre]))
		pre++;
	while (suf < la.n - pre && suf < lb.n - pre &&
	       view_equal(la.v[la.n - 1 - suf], lb.v[lb.n - 1 - suf]))
		suf++;
	for (size_t i = 0; i < pre; i++)
		row(o, ' ', la.v[i]);
	size_t n = la.n - pre - suf, m = lb.n - pre - suf;
	struct view *x = la.v + pre, *y = lb.v + pre;
	uint16_t *t = (n + 1) * (m + 1) <= WIKI_DIFF_CELLS ? calloc((n + 1) * (m + 1), 2) : NULL;
	if (t) {
		/* t[i][j]: LCS length of x[i..] and y[j..]. */
		for (size_t i = n; i-- > 0;)
			for (size_t j = m; j-- > 0;)
				t[i * (m + 1) + j] = view_equal(x[i], y[j])
					? (uint16_t)(t[(i + 1) * (m + 1) + j + 1] + 1)
					: (uint16_t)(t[(i + 1) * (m + 1) + j] > t[i * (m + 1) + j + 1]
							     ? t[(i + 1) * (m + 1) + j]
							     : t[i * (m + 1) + j + 1]);
		size_t i = 0, j = 0;
		while (i < n || j < m) {
			if (i < n && j < m && view_equal(x[i], y[j]))
				row(o, ' ', x[i++]), j++;
			else if (j < m && (i == n || t[i * (m + 1) + j + 1] >= t[(i + 1) * (m + 1) + j]))
				row(o, '+', y[j++]);
			else
				row(o, '-', x[i++]);
		}
		free(t);
	} else {
		for (size_t i = 0; i < n; i++)
			row(o, '-', x[i]);
		for (size_t j = 0; j < m; j++)
			row(o, '+', y[j]);
	}
	for (size_t i = la.n - suf; i < la.n; i++)
		row(o, ' ', la.v[i]);
	free(la.v);
	free(lb.v);
	return o->failed ? -1 : 0;
}
