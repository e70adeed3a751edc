/* string_test.c: kiln libc's string.h and ctype.h against glibc's (C11 7.24, 7.4). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"
#include "klibc.h"

static int sign(int x) { return (x > 0) - (x < 0); }

static const char *const words[] = {"", "a", "b", "ab", "abc", "abd", "ABC", "aBc", "abcdef",
				    "hello world", "\xff", "\x80z", "zzz"};
#define NWORDS (sizeof(words) / sizeof(words[0]))

TEST(compare)
{
	for (size_t i = 0; i < NWORDS; i++) {
		for (size_t j = 0; j < NWORDS; j++) {
			const char *a = words[i], *b = words[j];
			CHECK_EQ(sign(klibc_strcmp(a, b)), sign(strcmp(a, b)));
			CHECK_EQ(sign(klibc_strcasecmp(a, b)), sign(strcasecmp(a, b)));
			for (size_t n = 0; n < 5; n++) {
				CHECK_EQ(sign(klibc_strncmp(a, b, n)), sign(strncmp(a, b, n)));
				CHECK_EQ(sign(klibc_strncasecmp(a, b, n)), sign(strncasecmp(a, b, n)));
			}
			size_t n = strlen(a) < strlen(b) ? strlen(a) : strlen(b);
			CHECK_EQ(sign(klibc_memcmp(a, b, n + 1)), sign(memcmp(a, b, n + 1)));
		}
	}
}

TEST(search)
{
	const char *s = "the quick brown fox jumps over the lazy dog";
	const char *needles[] = {"", "the", "dog", "fox j", "cat", "g", "lazy dogs", "o"};
	for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		CHECK(klibc_strstr(s, needles[i]) == strstr(s, needles[i]));
	for (int c = 0; c < 256; c++) {
		CHECK(klibc_strchr(s, c) == strchr(s, c));
		CHECK(klibc_strrchr(s, c) == strrchr(s, c));
		CHECK(klibc_memchr(s, c, 20) == memchr(s, c, 20));
	}
	CHECK_EQ(klibc_strspn(s, "eht "), strspn(s, "eht "));
	CHECK_EQ(klibc_strcspn(s, "xyz"), strcspn(s, "xyz"));
	CHECK_EQ(klibc_strcspn(s, ""), strcspn(s, ""));
	CHECK(klibc_strpbrk(s, "zq") == strpbrk(s, "zq"));
	CHECK_EQ(klibc_strlen(s), strlen(s));
	CHECK_EQ(klibc_strnlen(s, 5), 5);
	CHECK_EQ(klibc_strnlen("ab", 5), 2);
}

TEST(copy_and_move)
{
	char a[64], b[64];
	for (size_t len = 0; len < 40; len++) {
		for (size_t off = 0; off < 8; off++) {
			for (size_t i = 0; i < sizeof(a); i++)
				a[i] = b[i] = (char)i;
			klibc_memmove(a + off, a + 8, len);
			memmove(b + off, b + 8, len);
			CHECK_MEM(a, b, sizeof(a));
			klibc_memmove(a + 8 + off, a + 8, len);
			memmove(b + 8 + off, b + 8, len);
			CHECK_MEM(a, b, sizeof(a));
		}
	}
	klibc_memset(a, 'q', 10);
	CHECK_MEM(a, "qqqqqqqqqq", 10);
	CHECK(klibc_memcpy(b, "xyz", 4) == b);
	CHECK_STR(b, "xyz");
	klibc_strcpy(a, "foo");
	klibc_strcat(a, "bar");
	CHECK_STR(a, "foobar");
	klibc_strncat(a, "bazzz", 3);
	CHECK_STR(a, "foobarbaz");
	memset(b, 'x', sizeof(b));
	klibc_strncpy(b, "ab", 5);
	CHECK_MEM(b, "ab\0\0\0x", 6);
	static char heap[4096];
	klibc_heap_init(heap, sizeof(heap));
	char *d = klibc_strdup("dup me");
	CHECK_STR(d, "dup me");
	klibc_free(d);
	d = klibc_strndup("dup me", 3);
	CHECK_STR(d, "dup");
	klibc_free(d);
}

TEST(tokens)
{
	char s1[] = ",,a,bb;;c,", s2[] = ",,a,bb;;c,";
	char *save1, *save2;
	char *t1 = klibc_strtok_r(s1, ",;", &save1), *t2 = strtok_r(s2, ",;", &save2);
	for (int i = 0; i < 6; i++) {
		CHECK((t1 == NULL) == (t2 == NULL));
		if (t1 == NULL)
			break;
		CHECK_STR(t1, t2);
		CHECK_EQ(t1 - s1, t2 - s2);
		t1 = klibc_strtok_r(NULL, ",;", &save1);
		t2 = strtok_r(NULL, ",;", &save2);
	}
}

TEST(ctype)
{
	for (int c = -1; c < 256; c++) {
		CHECK_EQ(!!klibc_isalnum(c), !!isalnum(c));
		CHECK_EQ(!!klibc_isalpha(c), !!isalpha(c));
		CHECK_EQ(!!klibc_isblank(c), !!isblank(c));
		CHECK_EQ(!!klibc_iscntrl(c), !!iscntrl(c));
		CHECK_EQ(!!klibc_isdigit(c), !!isdigit(c));
		CHECK_EQ(!!klibc_isgraph(c), !!isgraph(c));
		CHECK_EQ(!!klibc_islower(c), !!islower(c));
		CHECK_EQ(!!klibc_isprint(c), !!isprint(c));
		CHECK_EQ(!!klibc_ispunct(c), !!ispunct(c));
		CHECK_EQ(!!klibc_isspace(c), !!isspace(c));
		CHECK_EQ(!!klibc_isupper(c), !!isupper(c));
		CHECK_EQ(!!klibc_isxdigit(c), !!isxdigit(c));
		CHECK_EQ(klibc_tolower(c), tolower(c));
		CHECK_EQ(klibc_toupper(c), toupper(c));
	}
}

/* The word-at-a-time code (libc/src/word.h) at every alignment and length,
 * with the byte searched for just before the start (0xff included). */
TEST(word_edges)
{
	static char buf[96] __attribute__((aligned(16)));
	static unsigned char a[96], b[96];
	for (size_t off = 0; off < 16; off++) {
		for (size_t len = 0; len < 48; len++) {
			memset(buf, '\xff', sizeof(buf));
			memset(buf + off, 'x', len);
			buf[off + len] = '\0';
			if (off > 0)
				buf[off - 1] = 'y';
			const char *s = buf + off;
			CHECK_EQ(klibc_strlen(s), len);
			CHECK_EQ(klibc_strnlen(s, len / 2), len / 2);
			CHECK_EQ(klibc_strnlen(s, len + 5), len);
			CHECK(klibc_strchr(s, 'y') == NULL);
			CHECK(klibc_strchr(s, '\xff') == NULL);
			CHECK(klibc_strchr(s, 'x') == strchr(s, 'x'));
			CHECK(klibc_strchr(s, '\0') == s + len);
			CHECK(klibc_memchr(s, '\0', len + 1) == s + len);
			CHECK(klibc_memchr(s, '\0', len) == NULL);
			for (size_t i = 0; i < sizeof(a); i++)
				a[i] = b[i] = (unsigned char)(i * 13);
			CHECK_EQ(klibc_memcmp(a + off, b + off, len), 0);
			if (len > 0) {
				b[off + len - 1] ^= 0x80;
				CHECK(klibc_memcmp(a + off, b + off, len) * memcmp(a + off, b + off, len) > 0);
			}
			klibc_memset(a + off, 0x5c, len);
			CHECK(a[off + len] == (unsigned char)((off + len) * 13));
			CHECK(off == 0 || a[off - 1] == (unsigned char)((off - 1) * 13));
			for (size_t i = 0; i < len; i++)
				CHECK_EQ(a[off + i], 0x5c);
			klibc_memcpy(b + 1, a + off, len);
			CHECK_MEM(b + 1, a + off, len);
		}
	}
}
