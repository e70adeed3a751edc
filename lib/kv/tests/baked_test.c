/* baked_test.c: the baked store's lookup and listing over a hand-made table. */
#include "harness.h"

#include <kiln/kv.h>

static const uint8_t d_a[] = "A", d_ab[] = "AB", d_b[] = "hello";
static const struct kv_baked_entry entries[] = {
	{"a", 1, d_a, 1, 5, {1}, "\"e1\""},
	{"a/b", 3, d_ab, 2, 6, {2}, "\"e2\""},
	{"a/c", 3, NULL, 0, 7, {3}, "\"e3\""},
	{"ab", 2, d_b, 5, 8, {4}, "\"e4\""},
	{"b/x/y", 5, d_b, 5, 9, {5}, "\"e5\""},
};
static const struct kv_baked table = {entries, 5};
static const struct kv_store store = {&kv_baked_ops, &table};
static const struct kv_baked empty_table = {entries, 0};
static const struct kv_store empty = {&kv_baked_ops, &empty_table};

TEST(get_finds_every_key_and_only_those)
{
	struct view v = {0};
	struct kv_meta m;
	for (size_t i = 0; i < 5; i++) {
		CHECK_EQ(kv_get(&store, kv_key(entries[i].key), &v, &m), KV_OK);
		CHECK(v.data == entries[i].data);
		CHECK_EQ(v.len, entries[i].size);
		CHECK_EQ(m.size, entries[i].size);
		CHECK_EQ(m.mtime, entries[i].mtime);
		CHECK_EQ(m.digest[0], i + 1);
		CHECK_STR(m.etag, entries[i].etag);
	}
	const char *absent[] = {"", "0", "a/", "a/bb", "aa", "b", "b/x", "b/x/y/", "c"};
	for (size_t i = 0; i < sizeof(absent) / sizeof(*absent); i++)
		CHECK_EQ(kv_get(&store, kv_key(absent[i]), &v, &m), KV_ENOENT);
	/* A key with an embedded NUL is a different key. */
	CHECK_EQ(kv_get(&store, view_make("a\0", 2), &v, NULL), KV_ENOENT);
	CHECK_EQ(kv_get(&empty, kv_key("a"), &v, NULL), KV_ENOENT);
}

TEST(too_long_key_is_einval)
{
	static char big[KV_MAX_KEY + 2];
	struct view v;
	memset(big, 'a', sizeof(big) - 1);
	CHECK_EQ(kv_get(&store, kv_key(big), &v, NULL), KV_EINVAL);
}

struct seen {
	char keys[8][8];
	size_t n;
	size_t stop_at;
};

static int collect(void *arg, struct view key, const struct kv_meta *meta)
{
	struct seen *s = arg;
	(void)meta;
	if (s->n < 8 && key.len < 8) {
		memcpy(s->keys[s->n], key.data, key.len);
		s->keys[s->n][key.len] = 0;
	}
	s->n++;
	return s->n == s->stop_at ? 42 : 0;
}

TEST(list_walks_prefix_range_in_order_and_stops)
{
	struct seen s = {0};
	CHECK_EQ(kv_list(&store, kv_key("a/"), collect, &s), KV_OK);
	CHECK_EQ(s.n, 2);
	CHECK_STR(s.keys[0], "a/b");
	CHECK_STR(s.keys[1], "a/c");
	memset(&s, 0, sizeof(s));
	CHECK_EQ(kv_list(&store, kv_key("a"), collect, &s), KV_OK);
	CHECK_EQ(s.n, 4);
	CHECK_STR(s.keys[3], "ab");
	memset(&s, 0, sizeof(s));
	CHECK_EQ(kv_list(&store, kv_key(""), collect, &s), KV_OK);
	CHECK_EQ(s.n, 5);
	memset(&s, 0, sizeof(s));
	CHECK_EQ(kv_list(&store, kv_key("zz"), collect, &s), KV_OK);
	CHECK_EQ(s.n, 0);
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	CHECK_EQ(kv_list(&store, kv_key(""), collect, &s), 42);
	CHECK_EQ(s.n, 2);
}
