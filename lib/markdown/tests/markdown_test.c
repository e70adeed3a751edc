/* markdown_test.c: the subset's known outputs, and hostile pages that must
 * come out as text. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include <kiln/markdown.h>

#include "../md_check.h"

static const char *render(const char *in)
{
	static struct md_out o;
	free(o.data);
	memset(&o, 0, sizeof o);
	if (md_render(view_make(in, strlen(in)), &o, NULL, NULL))
		return "(failed)";
	return o.data ? o.data : "";
}

TEST(the_subset)
{
	CHECK_STR(render("# Title\n\nA *para* with **bold** and `code`.\nSecond line.\n"),
		  "<h1>Title</h1>\n<p>A <em>para</em> with <strong>bold</strong> and <code>code</code>.\n"
		  "Second line.</p>\n");
	CHECK_STR(render("- one\n- two [[Other Page]]\n\n1. first\n2. [x](https://kiln.test/a?b=1&c=2)\n"),
		  "<ul>\n<li>one</li>\n<li>two <a class=\"wiki\" href=\"/wiki/Other_Page\">Other Page</a></li>\n"
		  "</ul>\n<ol>\n<li>first</li>\n<li><a href=\"https://kiln.test/a?b=1&amp;c=2\">x</a></li>\n</ol>\n");
	CHECK_STR(render("```\n<b>&\n```\n"), "<pre><code>&lt;b&gt;&amp;\n</code></pre>\n");
	CHECK_STR(render("###### six\n####### seven"), "<h6>six</h6>\n<p>####### seven</p>\n");
	CHECK_STR(render(""), "");
	CHECK_STR(render("a_b_c *unclosed"), "<p>a<em>b</em>c *unclosed</p>\n");
}

TEST(hostile_pages_are_text)
{
	const char *bad[] = {
		"<script>alert(1)</script>",
		"[click](javascript:alert(1))",
		"[x](data:text/html,<b>)",
		"[x](//evil.test/)",
		"[x](/ok\" onmouseover=\"alert(1))",
		"[[a\" onclick=\"x]]",
		"**<img src=x onerror=alert(1)>**",
		"`</code><script>`",
		"&lt; &#60; <!-- c -->",
		"[a](https://x.test/'><script>)",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *h = render(bad[i]);
		if (!md_output_safe(h, strlen(h)))
			fprintf(stderr, "unsafe: %s -> %s\n", bad[i], h);
		CHECK(md_output_safe(h, strlen(h)));
		CHECK(strstr(h, "<script") == NULL && strstr(h, "<img") == NULL);
	}
	CHECK_STR(render("[click](javascript:alert(1))"), "<p>[click](javascript:alert(1))</p>\n");
}

TEST(deep_nesting_and_size_are_bounded)
{
	static char deep[4096];
	for (size_t i = 0; i < sizeof deep - 1; i++)
		deep[i] = "*_`["[i % 4];
	const char *h = render(deep);
	CHECK(md_output_safe(h, strlen(h)));
	struct md_out o = {0};
	static char huge[MD_MAX_INPUT + 1];
	CHECK_EQ(md_render(view_make(huge, sizeof huge), &o, NULL, NULL), -1);
}
