/* md_check.h: the renderer's safety property, shared by its test and its
 * fuzz harness: every '<' in the output starts a tag the renderer writes,
 * and every href is one url_ok() allowed or a wiki link. Internal. */
#ifndef KILN_MD_CHECK_H
#define KILN_MD_CHECK_H

#include <stdbool.h>
#include <string.h>

static inline bool md_output_safe(const char *h, size_t n)
{
	static const char *const tags[] = {
		"<p>", "</p>", "<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>", "<em>", "</em>",
		"<strong>", "</strong>", "<code>", "</code>", "<pre>", "</pre>", "</a>",
		"<h1>", "<h2>", "<h3>", "<h4>", "<h5>", "<h6>",
		"</h1>", "</h2>", "</h3>", "</h4>", "</h5>", "</h6>",
		"<a class=\"wiki\" href=\"/wiki/", "<a href=\"http://", "<a href=\"https://",
		"<a href=\"mailto:", "<a href=\"/", "<a href=\"#", "<a href=\"./", "<a href=\""};
	for (size_t i = 0; i < n; i++) {
		if (h[i] != '<')
			continue;
		bool ok = false;
		for (size_t t = 0; t < sizeof tags / sizeof *tags && !ok; t++)
			ok = n - i >= strlen(tags[t]) && !memcmp(h + i, tags[t], strlen(tags[t]));
		if (!ok)
			return false;
		/* An href's value ends at the first '"', before any '>'. */
		if (!memcmp(h + i, "<a ", 3)) {
			const char *q = memchr(h + i, '>', n - i);
			if (!q)
				return false;
			for (const char *p = h + i + 1; p < q; p++)
				if (*p == '<' || *p == '\'')
					return false;
			/* A relative href names no scheme: no ':' before a '/'. */
			static const char rel[] = "<a href=\"";
			if (!memcmp(h + i, rel, sizeof rel - 1)) {
				const char *v = h + i + sizeof rel - 1;
				bool scheme_ok = !memcmp(v, "http://", 7) || !memcmp(v, "https://", 8) ||
						 !memcmp(v, "mailto:", 7) || *v == '#' || *v == '/' ||
						 !memcmp(v, "./", 2);
				for (const char *p = v; !scheme_ok && p < q && *p != '"' && *p != '/'; p++)
					if (*p == ':')
						return false;
			}
		}
	}
	return true;
}

#endif
