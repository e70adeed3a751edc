/* md_render.c: the Markdown subset of markdown.h: blocks line by line,
 * inline markup by a bounded recursive scan; everything else escaped. */
#include <kiln/markdown.h>

#include <string.h>

/* Nesting of inline markup (**a *b `c`***) followed; deeper is text. */
#define MD_INLINE_DEPTH 8

static const char *find(const char *s, size_t n, const char *pat)
{
	size_t m = strlen(pat);
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(s + i, pat, m))
			return s + i;
	return NULL;
}

static bool url_ok(const char *u, size_t n)
{
	static const char *const ok[] = {"http://", "https://", "mailto:", "/", "#", "./"};
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)u[i] <= ' ')
			return false;
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (n >= strlen(ok[i]) && !strncmp(u, ok[i], strlen(ok[i])))
			return !(ok[i][0] == '/' && n > 1 && u[1] == '/'); /* no //host */
	/* A relative path: letters, digits and -._ before any ':'. */
	for (size_t i = 0; i < n && u[i] != '/'; i++)
		if (u[i] == ':')
			return false;
	return true;
}

static void default_link(void *arg, struct md_out *o, struct view page)
{
	(void)arg;
	md_puts(o, "/wiki/");
	for (size_t i = 0; i < page.len; i++) {
		char c = page.data[i] == ' ' ? '_' : (char)page.data[i];
		md_escape(o, &c, 1);
	}
}

struct ctx {
	struct md_out *o;
	md_link_fn link;
	void *arg;
};

static void inl(struct ctx *c, const char *s, size_t n, int depth)
{
	struct md_out *o = c->o;
	size_t i = 0, lit = 0;
	while (i < n) {
		const char *end;
		size_t skip = 0;
		if (depth >= MD_INLINE_DEPTH) {
			i = n;
			break;
		}
		if (s[i] == '`' && (end = find(s + i + 1, n - i - 1, "`"))) {
			md_escape(o, s + lit, i - lit);
			md_puts(o, "<code>");
			md_escape(o, s + i + 1, (size_t)(end - s - i - 1));
			md_puts(o, "</code>");
			skip = (size_t)(end - s) + 1 - i;
		} else if (i + 1 < n && s[i] == '*' && s[i + 1] == '*' &&
			   (end = find(s + i + 2, n - i - 2, "**")) && end > s + i + 2) {
			md_escape(o, s + lit, i - lit);
			md_puts(o, "<strong>");
			inl(c, s + i + 2, (size_t)(end - s - i - 2), depth + 1);
			md_puts(o, "</strong>");
			skip = (size_t)(end - s) + 2 - i;
		} else if ((s[i] == '*' || s[i] == '_') && i + 1 < n && s[i + 1] != ' ' &&
			   (end = memchr(s + i + 1, s[i], n - i - 1)) && end > s + i + 1) {
			md_escape(o, s + lit, i - lit);
			md_puts(o, "<em>");
			inl(c, s + i + 1, (size_t)(end - s - i - 1), depth + 1);
			md_puts(o, "</em>");
			skip = (size_t)(end - s) + 1 - i;
		} else if (i + 1 < n && s[i] == '[' && s[i + 1] == '[' &&
			   (end = find(s + i + 2, n - i - 2, "]]")) && end > s + i + 2 &&
			   !memchr(s + i + 2, '\n', (size_t)(end - s - i - 2))) {
			struct view page = view_make(s + i + 2, (size_t)(end - s - i - 2));
			md_escape(o, s + lit, i - lit);
			md_puts(o, "<a class=\"wiki\" href=\"");
			(c->link ? c->link : default_link)(c->arg, o, page);
			md_puts(o, "\">");
			md_escape(o, (const char *)page.data, page.len);
			md_puts(o, "</a>");
			skip = (size_t)(end - s) + 2 - i;
		} else if (s[i] == '[' && (end = find(s + i + 1, n - i - 1, "](")) &&
			   memchr(end + 2, ')', n - (size_t)(end + 2 - s))) {
			const char *text = s + i + 1, *url = end + 2;
			const char *close = memchr(url, ')', n - (size_t)(url - s));
			if (url_ok(url, (size_t)(close - url))) {
				md_escape(o, s + lit, i - lit);
				md_puts(o, "<a href=\"");
				md_escape(o, url, (size_t)(close - url));
				md_puts(o, "\">");
				inl(c, text, (size_t)(end - text), depth + 1);
				md_puts(o, "</a>");
				skip = (size_t)(close - s) + 1 - i;
			}
		}
		if (skip) {
			i += skip;
			lit = i;
		} else {
			i++;
		}
	}
	md_escape(o, s + lit, n - lit);
}

enum block { B_NONE, B_P, B_UL, B_OL };

static void close_block(struct md_out *o, enum block *b)
{
	static const char *const end[] = {"", "</p>\n", "</ul>\n", "</ol>\n"};
	md_puts(o, end[*b]);
	*b = B_NONE;
}

static size_t blanks(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

int md_render(struct view src, struct md_out *o, md_link_fn link, void *arg)
{
	if (src.len > MD_MAX_INPUT)
		return -1;
	struct ctx c = {o, link, arg};
	const char *s = (const char *)src.data;
	size_t n = src.len, pos = 0;
	enum block b = B_NONE;
	bool code = false;
	while (pos < n) {
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - s) - pos : n - pos;
		const char *line = s + pos;
		pos += len + (nl ? 1 : 0);
		if (len && line[len - 1] == '\r')
			len--;
		if (code) {
			if (len >= 3 && !memcmp(line, "```", 3)) {
				md_puts(o, "</code></pre>\n");
				code = false;
			} else {
				md_escape(o, line, len);
				md_puts(o, "\n");
			}
			continue;
		}
		size_t ind = blanks(line, len);
		const char *t = line + ind;
		size_t tl = len - ind;
		if (tl >= 3 && !memcmp(t, "```", 3)) {
			close_block(o, &b);
			md_puts(o, "<pre><code>");
			code = true;
			continue;
		}
		if (tl == 0) {
			close_block(o, &b);
			continue;
		}
		size_t h = 0;
		while (h < tl && h < 7 && t[h] == '#')
			h++;
		if (h >= 1 && h <= 6 && h < tl && t[h] == ' ') {
			char tag[8] = "<h0>";
			tag[2] = (char)('0' + h);
			close_block(o, &b);
			md_puts(o, tag);
			inl(&c, t + h + 1, tl - h - 1, 0);
			tag[1] = '/';
			tag[2] = 'h';
			tag[3] = (char)('0' + h);
			tag[4] = '>';
			tag[5] = '\n';
			tag[6] = 0;
			md_puts(o, tag);
			continue;
		}
		size_t digits = 0;
		while (digits < tl && digits < 9 && t[digits] >= '0' && t[digits] <= '9')
			digits++;
		bool ul = tl >= 2 && (t[0] == '-' || t[0] == '*') && t[1] == ' ';
		bool ol = digits && digits + 1 < tl && t[digits] == '.' && t[digits + 1] == ' ';
		if (ul || ol) {
			enum block want = ul ? B_UL : B_OL;
			if (b != want) {
				close_block(o, &b);
				md_puts(o, ul ? "<ul>\n" : "<ol>\n");
				b = want;
			}
			size_t skip = ul ? 2 : digits + 2;
			md_puts(o, "<li>");
			inl(&c, t + skip, tl - skip, 0);
			md_puts(o, "</li>\n");
			continue;
		}
		if (b == B_P) {
			md_puts(o, "\n");
		} else {
			close_block(o, &b);
			md_puts(o, "<p>");
			b = B_P;
		}
		inl(&c, t, tl, 0);
	}
	if (code)
		md_puts(o, "</code></pre>\n");
	close_block(o, &b);
	return o->failed ? -1 : 0;
}
