/* util_test.c: known answers for Date formatting, path normalisation
 * attacks, Content-Type table and entity-tag comparison. */
#include "harness.h"

#include <kiln/http.h>

static const char *date(uint64_t secs)
{
	static char out[30];
	http_date_format(secs, out);
	return out;
}

TEST(date_known_answers)
{
	CHECK_STR(date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
	CHECK_STR(date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT"); /* RFC 9110's example */
	CHECK_STR(date(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");  /* 400-year leap */
	CHECK_STR(date(951868799), "Tue, 29 Feb 2000 23:59:59 GMT");
	CHECK_STR(date(951868800), "Wed, 01 Mar 2000 00:00:00 GMT");
	CHECK_STR(date(1078012800), "Sun, 29 Feb 2004 00:00:00 GMT");
	CHECK_STR(date(1230767999), "Wed, 31 Dec 2008 23:59:59 GMT");
	CHECK_STR(date(1709164800), "Thu, 29 Feb 2024 00:00:00 GMT");
	CHECK_STR(date(2147483647), "Tue, 19 Jan 2038 03:14:07 GMT");  /* 2^31 - 1 */
	CHECK_STR(date(2147483648), "Tue, 19 Jan 2038 03:14:08 GMT");
	CHECK_STR(date(4107542400), "Mon, 01 Mar 2100 00:00:00 GMT");  /* 2100: no leap */
	CHECK_STR(date(4107456000), "Sun, 28 Feb 2100 00:00:00 GMT");
	CHECK_STR(date(4294967296), "Sun, 07 Feb 2106 06:28:16 GMT");  /* 2^32 */
	CHECK_STR(date(253402300799), "Fri, 31 Dec 9999 23:59:59 GMT");
	CHECK_STR(date(UINT64_MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
}

static int norm(const char *in, char *out)
{
	return http_path_normalize(view_make(in, strlen(in)), out, HTTP_MAX_PATH);
}

TEST(path_normalisation)
{
	static const char *const ok[][2] = {
		{"/", "/"},
		{"/a/b.html", "/a/b.html"},
		{"/a//b", "/a/b"},
		{"/a/./b/", "/a/b/"},
		{"/a/b/../c", "/a/c"},
		{"/a/b/..", "/a/"},
		{"/a/.", "/a/"},
		{"/%61%2Fb", NULL},
		{"/space%20name.txt", "/space name.txt"},
		{"/a/%2e%2e/b", "/b"},
		{"/..a/b..", "/..a/b.."},
		{"/%C3%A9t%c3%a9", "/\xc3\xa9t\xc3\xa9"},
	};
	char out[HTTP_MAX_PATH];
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!ok[i][1]) {
			CHECK_EQ(norm(ok[i][0], out), -1);
			continue;
		}
		CHECK_EQ(norm(ok[i][0], out), 0);
		CHECK_STR(out, ok[i][1]);
	}
	static const char *const attacks[] = {
		"/..", "/../etc/passwd", "/a/../../b", "/%2e%2e/x", "/%2E%2e/", "/a/%2e%2e/%2e%2e/b",
		"/..%2fetc", "/%2f", "/a%5c..%5cb", "/a\\b", "/%00", "/a%0d%0a", "/%", "/%4", "/%g0",
		"a/b", "", "/./../x", "/a/./../..",
	};
	for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++)
		CHECK_EQ(norm(attacks[i], out), -1);
	/* Too small an output is refused, not truncated. */
	CHECK_EQ(http_path_normalize(view_make("/abcdef", 7), out, 7), -1);
	CHECK_EQ(http_path_normalize(view_make("/abcdef", 7), out, 8), 0);
}

TEST(content_types)
{
	CHECK_STR(http_mime_type("index.html"), "text/html; charset=utf-8");
	CHECK_STR(http_mime_type("a/b/SITE.CSS"), "text/css; charset=utf-8");
	CHECK_STR(http_mime_type("app.js"), "text/javascript; charset=utf-8");
	CHECK_STR(http_mime_type("logo.png"), "image/png");
	CHECK_STR(http_mime_type("p.jpg"), "image/jpeg");
	CHECK_STR(http_mime_type("p.jpeg"), "image/jpeg");
	CHECK_STR(http_mime_type("a.gif"), "image/gif");
	CHECK_STR(http_mime_type("i.svg"), "image/svg+xml");
	CHECK_STR(http_mime_type("favicon.ico"), "image/vnd.microsoft.icon");
	CHECK_STR(http_mime_type("r.txt"), "text/plain; charset=utf-8");
	CHECK_STR(http_mime_type("d.json"), "application/json");
	CHECK_STR(http_mime_type("f.xml"), "application/xml");
	CHECK_STR(http_mime_type("m.wasm"), "application/wasm");
	CHECK_STR(http_mime_type("f.woff2"), "font/woff2");
	CHECK_STR(http_mime_type("d.pdf"), "application/pdf");
	CHECK_STR(http_mime_type("archive.tar.gz"), "application/octet-stream");
	CHECK_STR(http_mime_type("dir.html/README"), "application/octet-stream");
	CHECK_STR(http_mime_type("noext"), "application/octet-stream");
	CHECK_STR(http_mime_type("trailing."), "application/octet-stream");
}

static int m(const char *list, const char *tag, int weak)
{
	return http_etag_match(view_make(list, strlen(list)), view_make(tag, strlen(tag)), weak);
}

TEST(etag_comparison)
{
	/* RFC 9110 8.8.3.2's table. */
	CHECK(!m("W/\"1\"", "W/\"1\"", 0));
	CHECK(m("W/\"1\"", "W/\"1\"", 1));
	CHECK(!m("W/\"1\"", "W/\"2\"", 1));
	CHECK(!m("W/\"1\"", "\"1\"", 0));
	CHECK(m("W/\"1\"", "\"1\"", 1));
	CHECK(m("\"1\"", "\"1\"", 0));
	CHECK(m("\"1\"", "\"1\"", 1));
	/* Lists, spaces, "*". */
	CHECK(m("\"a\", \"b\" ,\"c\"", "\"c\"", 1));
	CHECK(m(" , \"a\",,\"b\"", "\"b\"", 0));
	CHECK(!m("\"a\", \"b\"", "\"c\"", 1));
	CHECK(m("*", "\"x\"", 1));
	CHECK(m(" * ", "\"x\"", 0));
	CHECK(!m("*, \"x\"", "\"y\"", 1));
	/* Malformed: nothing after the fault matches. */
	CHECK(!m("x, \"a\"", "\"a\"", 1));
	CHECK(!m("\"a", "\"a\"", 1));
	CHECK(!m("\"a\"junk", "\"a\"", 1));
	CHECK(!m("", "\"a\"", 1));
	CHECK(!m("\"a\"", "a", 1));
}
