/* kv.h: read-only key-value stores: the interface, and the store baked into
 * an image at build time (MirageOS's crunch; docs/kv.md).
 *
 * A store maps keys (byte strings, in practice '/'-separated relative paths
 * such as "css/site.css") to values (byte strings) with metadata. Code that
 * reads files (the HTTP static handler, an appliance) is written against
 * struct kv_store and its ops, so the same code serves the bytes compiled
 * into the image today and a git-backed store later: C's version of a
 * MirageOS functor argument.
 *
 * Contract of every store:
 *   - keys are compared as bytes; no normalisation happens inside a store
 *     (the caller cleans paths first, e.g. http_path_normalize);
 *   - get() never allocates on behalf of the caller and never copies the
 *     value: it returns a view of bytes the store keeps alive. For the baked
 *     store that is read-only data in the image, valid forever. A store
 *     whose values are not permanent says so and implements release();
 *   - list() visits the keys with a given prefix in ascending byte order and
 *     stops early when the callback returns non-zero;
 *   - errors are the negative KV_E* codes below, never a crash.
 */
#ifndef KILN_KV_H
#define KILN_KV_H

#include <kiln/view.h>

/* Results. */
enum {
	KV_OK = 0,
	KV_ENOENT = -1, /* no such key */
	KV_EINVAL = -2, /* the key is not acceptable to this store (too long) */
	KV_EIO = -3     /* the store could not read its backing data */
};

/* Longest key any store must accept, and the size of the strong ETag
 * buffer. A key longer than KV_MAX_KEY is KV_EINVAL; 1024 bytes is far more
 * than any URL path a browser sends to a static site (kiln-crunch refuses
 * longer keys at build time, so nothing baked is unreachable). */
#define KV_MAX_KEY 1024
/* "\"" + 32 hex digits + "\"" + NUL = 35; a git store's "\"<40 hex>\"" is
 * 43. 64 leaves room without making kv_meta large. */
#define KV_ETAG_MAX 64
/* SHA-256 digest length. */
#define KV_DIGEST_LEN 32

/* Metadata of one value. */
struct kv_meta {
	uint64_t size;                  /* bytes in the value */
	uint64_t mtime;                 /* ns since 1970-01-01 UTC: the file's
	                                   modification time when it was baked,
	                                   or SOURCE_DATE_EPOCH if set */
	uint8_t digest[KV_DIGEST_LEN];  /* SHA-256 of the value */
	char etag[KV_ETAG_MAX];         /* strong HTTP entity-tag, quotes
	                                   included, NUL-terminated: derived
	                                   from the digest, so equal content
	                                   gives equal tags across builds */
};

struct kv_store;

/* list() callback: one key and its metadata. Return 0 to go on, anything
 * else to stop (list() then returns that value). */
typedef int (*kv_list_fn)(void *arg, struct view key, const struct kv_meta *meta);

struct kv_ops {
	/* Look key up. On KV_OK, *value views the bytes and *meta (if not NULL)
	 * is filled. On error *value and *meta are untouched. */
	int (*get)(const struct kv_store *s, struct view key, struct view *value,
		   struct kv_meta *meta);
	/* Visit every key that starts with prefix (the empty prefix: all keys),
	 * ascending. Returns KV_OK, a KV_E* error, or the callback's non-zero
	 * value that stopped the walk. */
	int (*list)(const struct kv_store *s, struct view prefix, kv_list_fn fn, void *arg);
	/* Optional (NULL for the baked store): the caller is done with a value
	 * get() returned. */
	void (*release)(const struct kv_store *s, struct view value);
};

struct kv_store {
	const struct kv_ops *ops;
	const void *impl; /* the implementation's own state */
};

static inline int kv_get(const struct kv_store *s, struct view key, struct view *value,
			 struct kv_meta *meta)
{
	return s->ops->get(s, key, value, meta);
}

static inline int kv_list(const struct kv_store *s, struct view prefix, kv_list_fn fn,
			  void *arg)
{
	return s->ops->list(s, prefix, fn, arg);
}

static inline void kv_release(const struct kv_store *s, struct view value)
{
	if (s->ops->release)
		s->ops->release(s, value);
}

/* A NUL-terminated C string as a key view. */
struct view kv_key(const char *s);

/* --- The baked store ----------------------------------------------------- */
/*
 * kiln-crunch (tools/crunch, docs/kv.md) turns a directory into a C file that
 * defines
 *
 *     const struct kv_store SYMBOL;
 *
 * whose impl is a struct kv_baked: the files sorted by key (byte order), so
 * get() is a binary search and list() a range walk. All of it is const, so
 * it lands in the image's read-only data. An appliance declares the store
 * with KV_BAKED_DECLARE(SYMBOL) and uses it through kv_get()/kv_list().
 * The generated file is the only writer of these structs; their layout is
 * part of the contract between kiln-crunch and lib/kv, and KV_BAKED_VERSION
 * changes whenever it does (the generated file checks it at compile time).
 */
#define KV_BAKED_VERSION 1

struct kv_baked_entry {
	const char *key;      /* NUL-terminated too, for debugging */
	uint32_t key_len;
	const uint8_t *data;  /* NULL when size is 0 */
	uint64_t size;
	uint64_t mtime;
	uint8_t digest[KV_DIGEST_LEN];
	const char *etag;
};

struct kv_baked {
	const struct kv_baked_entry *entries; /* sorted by key, no duplicates */
	size_t count;
};

extern const struct kv_ops kv_baked_ops;

#define KV_BAKED_DECLARE(sym) extern const struct kv_store sym

#endif
