/* kv_baked.c: the read-only store over a table kiln-crunch generated (kv.h). */
#include <kiln/kv.h>
#include <string.h>

struct view kv_key(const char *s)
{
	return view_make(s, strlen(s));
}

/* Byte order, shorter first on a common prefix: the order kiln-crunch sorts
 * with (strcmp on keys that hold no NUL). */
static int key_cmp(const struct kv_baked_entry *e, struct view key)
{
	size_t n = e->key_len < key.len ? e->key_len : key.len;
	int c = n ? memcmp(e->key, key.data, n) : 0;
	if (c)
		return c;
	return (e->key_len > key.len) - (e->key_len < key.len);
}

/* Index of the first entry whose key is >= key (count if none). */
static size_t lower_bound(const struct kv_baked *b, struct view key)
{
	size_t lo = 0, hi = b->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_cmp(&b->entries[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void fill_meta(const struct kv_baked_entry *e, struct kv_meta *m)
{
	size_t n = strlen(e->etag);
	m->size = e->size;
	m->mtime = e->mtime;
	memcpy(m->digest, e->digest, KV_DIGEST_LEN);
	if (n >= KV_ETAG_MAX)
		n = KV_ETAG_MAX - 1;
	memcpy(m->etag, e->etag, n);
	m->etag[n] = 0;
}

static int baked_get(const struct kv_store *s, struct view key, struct view *value,
		     struct kv_meta *meta)
{
	const struct kv_baked *b = s->impl;
	size_t i;
	if (key.len > KV_MAX_KEY)
		return KV_EINVAL;
	i = lower_bound(b, key);
	if (i == b->count || key_cmp(&b->entries[i], key) != 0)
		return KV_ENOENT;
	*value = view_make(b->entries[i].data, b->entries[i].size);
	if (meta)
		fill_meta(&b->entries[i], meta);
	return KV_OK;
}

static int baked_list(const struct kv_store *s, struct view prefix, kv_list_fn fn, void *arg)
{
	const struct kv_baked *b = s->impl;
	struct kv_meta meta;
	size_t i;
	if (prefix.len > KV_MAX_KEY)
		return KV_EINVAL;
	for (i = lower_bound(b, prefix); i < b->count; i++) {
		const struct kv_baked_entry *e = &b->entries[i];
		int rc;
		if (e->key_len < prefix.len || (prefix.len && memcmp(e->key, prefix.data, prefix.len)))
			break; /* sorted: past the prefix's range */
		fill_meta(e, &meta);
		rc = fn(arg, view_make(e->key, e->key_len), &meta);
		if (rc)
			return rc;
	}
	return KV_OK;
}

const struct kv_ops kv_baked_ops = {baked_get, baked_list, NULL};
