/* md_out.c: the renderer's output buffer and HTML escaping. */
#include <kiln/markdown.h>

#include <stdlib.h>
#include <string.h>

void md_append(struct md_out *o, const char *s, size_t n)
{
	if (o->failed || n == 0)
		return;
	if (n > o->cap - o->len) {
		size_t cap = o->cap * 2 + n + 256;
		char *p = realloc(o->data, cap + 1);
		if (!p) {
			o->failed = true;
			return;
		}
		o->data = p;
		o->cap = cap;
	}
	memcpy(o->data + o->len, s, n);
	o->len += n;
	o->data[o->len] = 0;
}

void md_puts(struct md_out *o, const char *s)
{
	md_append(o, s, strlen(s));
}

void md_escape(struct md_out *o, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		}
		if (rep) {
			md_append(o, s + start, i - start);
			md_puts(o, rep);
			start = i + 1;
		}
	}
	md_append(o, s + start, n - start);
}
