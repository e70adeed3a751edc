/* fixture_test.c: lib/kv/tests/fixture baked by kiln-crunch, read back
 * through kv.h: every byte against the file on disk, every digest against
 * sha256sum's (tools/crunch/build.mk generates both). */
#include "harness.h"

#include <kiln/kv.h>
#include <stdio.h>
#include <stdlib.h>

KV_BAKED_DECLARE(kv_fixture);
extern const char *const kv_fixture_expect[][2];
extern const size_t kv_fixture_expect_count;

/* The fixture folder, from this file's path (tests run from the tree's top). */
static void fixture_path(const char *key, char *out, size_t cap)
{
	const char *file = __FILE__, *slash = strrchr(file, '/');
	snprintf(out, cap, "%.*s/fixture/%s", slash ? (int)(slash - file) : 1, slash ? file : ".",
		 key);
}

static int hexval(char c)
{
	return c >= 'a' ? c - 'a' + 10 : c - '0';
}

TEST(every_file_byte_exact_with_sha256sum_digest)
{
	CHECK(kv_fixture_expect_count >= 7);
	for (size_t i = 0; i < kv_fixture_expect_count; i++) {
		const char *key = kv_fixture_expect[i][0], *hex = kv_fixture_expect[i][1];
		char path[512], etag[40];
		struct view v;
		struct kv_meta m;
		uint8_t want[32];
		FILE *f;
		long n;
		CHECK_EQ(kv_get(&kv_fixture, kv_key(key), &v, &m), KV_OK);
		snprintf(path, sizeof(path), "%s", key);
		fixture_path(key, path, sizeof(path));
		f = fopen(path, "rb");
		CHECK(f != NULL);
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		CHECK_EQ(v.len, n);
		CHECK_EQ(m.size, n);
		if (n) {
			uint8_t *buf = malloc(n);
			CHECK(fread(buf, 1, n, f) == (size_t)n);
			int same = memcmp(buf, v.data, n) == 0;
			free(buf);
			CHECK(same);
		}
		fclose(f);
		for (int j = 0; j < 32; j++)
			want[j] = hexval(hex[2 * j]) << 4 | hexval(hex[2 * j + 1]);
		CHECK_MEM(m.digest, want, 32);
		snprintf(etag, sizeof(etag), "\"%.32s\"", hex);
		CHECK_STR(m.etag, etag);
		CHECK_EQ(m.mtime, 1700000000ull * 1000000000ull);
	}
}

static int count_cb(void *arg, struct view key, const struct kv_meta *meta)
{
	size_t *n = arg;
	(void)key, (void)meta;
	(*n)++;
	return 0;
}

TEST(lists_exactly_the_expected_keys_and_skips_dotfiles)
{
	size_t n = 0;
	struct view v;
	CHECK_EQ(kv_list(&kv_fixture, kv_key(""), count_cb, &n), KV_OK);
	CHECK_EQ(n, kv_fixture_expect_count);
	CHECK_EQ(kv_get(&kv_fixture, kv_key(".hidden"), &v, NULL), KV_ENOENT);
	CHECK_EQ(kv_get(&kv_fixture, kv_key(".git-like/config"), &v, NULL), KV_ENOENT);
	CHECK_EQ(kv_get(&kv_fixture, kv_key("deep/er/still/file.txt"), &v, NULL), KV_OK);
	CHECK_EQ(kv_get(&kv_fixture, kv_key("deep/er"), &v, NULL), KV_ENOENT);
	/* "css-x.txt" sorts before "css/site.css" ('-' < '/'): both found. */
	CHECK_EQ(kv_get(&kv_fixture, kv_key("css-x.txt"), &v, NULL), KV_OK);
	CHECK_EQ(kv_get(&kv_fixture, kv_key("css/site.css"), &v, NULL), KV_OK);
	CHECK_EQ(kv_get(&kv_fixture, kv_key("empty.txt"), &v, NULL), KV_OK);
	CHECK_EQ(v.len, 0);
}
