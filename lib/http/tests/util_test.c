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

static int64_t pdate(const char *s)
{
	uint64_t secs;
	return http_date_parse(view_make(s, strlen(s)), &secs) == 0 ? (int64_t)secs : -1;
}

TEST(date_parse_three_forms_and_round_trip)
{
	/* RFC 9110 5.6.7's three spellings of one instant. */
	CHECK_EQ(pdate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
	CHECK_EQ(pdate("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
	CHECK_EQ(pdate("Sun Nov  6 08:49:37 1994"), 784111777);
	CHECK_EQ(pdate("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	CHECK_EQ(pdate("Thursday, 01-Jan-38 00:00:00 GMT"), 2145916800);
	CHECK_EQ(pdate("Tue Feb 29 23:59:59 2000"), 951868799);
	/* The formatter's output parses back to the same second. */
	for (uint64_t s = 0; s < 253402300799ull; s = s * 3 + 86399) {
		char out[30];
		http_date_format(s, out);
		CHECK_EQ(pdate(out), (int64_t)s);
	}
	/* Refused. */
	CHECK_EQ(pdate(""), -1);
	CHECK_EQ(pdate("Sun, 06 Nov 1994 08:49:37 UTC"), -1);
	CHECK_EQ(pdate("Sun, 06 Nov 1994 08:49:37 GMT "), -1);
	CHECK_EQ(pdate("Sun, 6 Nov 1994 08:49:37 GMT"), -1);
	CHECK_EQ(pdate("Sun, 31 Nov 1994 08:49:37 GMT"), -1);
	CHECK_EQ(pdate("Sun, 29 Feb 1900 08:49:37 GMT"), -1);
	CHECK_EQ(pdate("Sun, 29 Feb 2100 08:49:37 GMT"), -1);
	CHECK_EQ(pdate("Sun, 06 Nov 1994 24:00:00 GMT"), -1);
	CHECK_EQ(pdate("Sun, 06 Nov 1969 08:49:37 GMT"), -1);
	CHECK_EQ(pdate("Sun, 06 nov 1994 08:49:37 GMT"), -1);
	CHECK_EQ(pdate("Sunday, 06-Nov-1994 08:49:37 GMT"), -1);
	CHECK_EQ(pdate("Funday, 06-Nov-94 08:49:37 GMT"), -1);
	CHECK_EQ(pdate("Sun Nov 6 08:49:37 1994"), -1);
	CHECK_EQ(pdate("784111777"), -1);
}

static int range(const char *s, uint64_t len, uint64_t *a, uint64_t *b)
{
	*a = *b = 12345;
	return http_range_parse(view_make(s, strlen(s)), len, a, b);
}

TEST(range_parse)
{
	uint64_t a, b;
	CHECK_EQ(range("bytes=0-499", 1000, &a, &b), 1);
	CHECK_EQ(a, 0);
	CHECK_EQ(b, 499);
	CHECK_EQ(range("bytes=500-", 1000, &a, &b), 1);
	CHECK_EQ(a, 500);
	CHECK_EQ(b, 999);
	CHECK_EQ(range("bytes=-100", 1000, &a, &b), 1);
	CHECK_EQ(a, 900);
	CHECK_EQ(b, 999);
	CHECK_EQ(range("bytes=-5000", 1000, &a, &b), 1);
	CHECK_EQ(a, 0);
	CHECK_EQ(b, 999);
	CHECK_EQ(range("bytes=10-99999999999999999999999", 1000, &a, &b), 1);
	CHECK_EQ(b, 999);
	CHECK_EQ(range("Bytes= 7-7 ", 1000, &a, &b), 1);
	CHECK_EQ(a, 7);
	CHECK_EQ(b, 7);
	CHECK_EQ(range("bytes=1000-", 1000, &a, &b), -1);
	CHECK_EQ(range("bytes=-0", 1000, &a, &b), -1);
	CHECK_EQ(range("bytes=0-", 0, &a, &b), -1);
	CHECK_EQ(range("bytes=5-4", 1000, &a, &b), 0);      /* invalid: ignored */
	CHECK_EQ(range("bytes=0-1,5-6", 1000, &a, &b), 0);  /* several: whole */
	CHECK_EQ(range("items=0-1", 1000, &a, &b), 0);
	CHECK_EQ(range("bytes=", 1000, &a, &b), 0);
	CHECK_EQ(range("bytes=-", 1000, &a, &b), 0);
	CHECK_EQ(range("bytes=a-b", 1000, &a, &b), 0);
	CHECK_EQ(range("bytes=1-2x", 1000, &a, &b), 0);
}
