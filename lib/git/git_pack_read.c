/* git_pack_read.c: reading objects out of a pack v2 (git's packfile.c):
 * entry headers, inflating, delta chains with a bounded base cache. */
#include "git_pack.h"

#include <stdlib.h>
#include <string.h>

#include "git_zlib.h"
#include "sha1.h"

static long src_read_view(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct view *v = ctx;
	if (off > v->len)
		return 0;
	size_t n = v->len - off < len ? (size_t)(v->len - off) : len;
	memcpy(buf, v->data + off, n);
	return (long)n;
}

struct git_pack_src git_pack_src_view(struct view *v)
{
	struct git_pack_src s = {src_read_view, v, v->len};
	return s;
}

int pack_hdr_read(const struct git_pack_src *src, uint64_t off, struct pack_hdr *h)
{
	uint8_t b[40];
	long n = src->read(src->ctx, off, b, sizeof b);
	if (n <= 0)
		return GIT_EINVAL;
	struct reader r = reader_make(view_make(b, (size_t)n));
	uint8_t c = reader_u8(&r);
	h->type = (c >> 4) & 7;
	h->size = c & 15;
	for (int shift = 4; c & 0x80; shift += 7) {
		if (shift > 60)
			return GIT_EINVAL;
		c = reader_u8(&r);
		h->size |= (uint64_t)(c & 0x7f) << shift;
	}
	if (h->type == GIT_OBJ_OFS_DELTA) {
		c = reader_u8(&r);
		uint64_t back = c & 127;
		for (int i = 0; c & 128; i++) {
			if (i == 8)
				return GIT_EINVAL;
			c = reader_u8(&r);
			back = ((back + 1) << 7) | (c & 127);
		}
		if (back == 0 || back > off)
			return GIT_EINVAL;
		h->base_off = off - back;
	} else if (h->type == GIT_OBJ_REF_DELTA) {
		reader_copy(&r, h->base_oid.id, GIT_OID_RAW);
	} else if (h->type < GIT_OBJ_COMMIT || h->type > GIT_OBJ_TAG) {
		return GIT_EINVAL;
	}
	if (!reader_ok(&r))
		return GIT_EINVAL;
	if (h->size > GIT_MAX_OBJECT)
		return GIT_ELIMIT;
	h->hdr_len = r.pos;
	return GIT_OK;
}

int pack_inflate(const struct git_pack_src *src, uint64_t off, uint64_t size,
		 uint8_t **out, uint64_t *consumed, uint32_t *crc)
{
	static const size_t CHUNK = 16384;
	uint8_t *in = malloc(CHUNK), *buf = malloc(size ? size : 1);
	z_stream s;
	int err = GIT_ENOMEM;
	git_zlib_prepare(&s);
	if (!in || !buf || inflateInit(&s) != Z_OK)
		goto fail_noend;
	s.next_out = buf;
	s.avail_out = (uInt)size;
	uint64_t pos = off;
	int rc = Z_OK;
	err = GIT_ECORRUPT;
	while (rc != Z_STREAM_END) {
		long n = src->read(src->ctx, pos, in, CHUNK);
		if (n <= 0)
			goto fail;
		s.next_in = in;
		s.avail_in = (uInt)n;
		uint8_t spare;
		rc = inflate(&s, Z_NO_FLUSH);
		if (rc == Z_BUF_ERROR && s.avail_out == 0) {
			/* Full: more output than declared is a lie. */
			s.next_out = &spare;
			s.avail_out = 1;
			rc = inflate(&s, Z_NO_FLUSH);
			if (s.avail_out == 0)
				goto fail;
		}
		if (rc != Z_OK && rc != Z_STREAM_END)
			goto fail;
		size_t used = (size_t)n - s.avail_in;
		if (crc)
			*crc = (uint32_t)crc32(*crc, in, (uInt)used);
		pos += used;
		if (rc != Z_STREAM_END && used == 0 && s.avail_out != 0)
			goto fail; /* no progress */
	}
	if (s.total_out != size)
		goto fail;
	inflateEnd(&s);
	free(in);
	*out = buf;
	*consumed = pos - off;
	return GIT_OK;
fail:
	inflateEnd(&s);
fail_noend:
	free(in);
	free(buf);
	return err;
}

int pack_sha1(const struct git_pack_src *src, uint64_t len, uint8_t out[GIT_OID_RAW])
{
	SHA1_CTX c;
	uint8_t *buf = malloc(65536);
	if (!buf)
		return GIT_ENOMEM;
	SHA1DCInit(&c);
	SHA1DCSetSafeHash(&c, 0);
	for (uint64_t pos = 0; pos < len;) {
		size_t want = len - pos < 65536 ? (size_t)(len - pos) : 65536;
		long n = src->read(src->ctx, pos, buf, want);
		if (n <= 0) {
			free(buf);
			return GIT_EINVAL;
		}
		SHA1DCUpdate(&c, (const char *)buf, (size_t)n);
		pos += (uint64_t)n;
	}
	free(buf);
	return SHA1DCFinal(out, &c) ? GIT_ECOLLISION : GIT_OK;
}

/* --- The delta-base cache ------------------------------------------------- */
#define CACHE_SLOTS 64

struct git_pack_cached {
	uint64_t offset;
	enum git_type type;
	uint8_t *data; /* NULL: empty slot */
	size_t len;
	uint64_t stamp;
};

static uint64_t cache_clock;

void git_pack_reader_init(struct git_pack_reader *r, const struct git_pack_src *src,
			  size_t cache_budget)
{
	memset(r, 0, sizeof *r);
	r->src = src;
	r->cache_budget = cache_budget;
	r->cache = calloc(CACHE_SLOTS, sizeof *r->cache);
}

void git_pack_reader_free(struct git_pack_reader *r)
{
	if (r->cache)
		for (int i = 0; i < CACHE_SLOTS; i++)
			free(r->cache[i].data);
	free(r->cache);
	r->cache = NULL;
}

static struct git_pack_cached *cache_find(struct git_pack_reader *r, uint64_t off)
{
	if (r->cache)
		for (int i = 0; i < CACHE_SLOTS; i++)
			if (r->cache[i].data && r->cache[i].offset == off) {
				r->cache[i].stamp = ++cache_clock;
				return &r->cache[i];
			}
	return NULL;
}

/* Keep a copy of an object as a future base, evicting the least recently
 * used until it fits the budget. */
static void cache_put(struct git_pack_reader *r, uint64_t off, enum git_type t,
		      const uint8_t *data, size_t len)
{
	if (!r->cache || len > r->cache_budget / 2 || cache_find(r, off))
		return;
	for (;;) {
		struct git_pack_cached *victim = NULL, *empty = NULL;
		for (int i = 0; i < CACHE_SLOTS; i++) {
			struct git_pack_cached *c = &r->cache[i];
			if (!c->data)
				empty = empty ? empty : c;
			else if (!victim || c->stamp < victim->stamp)
				victim = c;
		}
		if (empty && r->cache_used + len <= r->cache_budget) {
			if (!(empty->data = malloc(len ? len : 1)))
				return;
			memcpy(empty->data, data, len);
			empty->offset = off;
			empty->type = t;
			empty->len = len;
			empty->stamp = ++cache_clock;
			r->cache_used += len;
			return;
		}
		if (!victim)
			return;
		r->cache_used -= victim->len;
		free(victim->data);
		victim->data = NULL;
	}
}

/* --- Reading an object ---------------------------------------------------- */
struct link {
	uint64_t off;
	struct pack_hdr h;
};

int git_pack_read(struct git_pack_reader *r, uint64_t offset, enum git_type *type,
		  uint8_t **content, size_t *len)
{
	struct link *chain = NULL;
	size_t depth = 0, cap = 0;
	uint8_t *data = NULL;
	size_t dlen = 0;
	enum git_type t = GIT_OBJ_NONE;
	int err;
	uint64_t off = offset;
	/* Walk to a whole object or a cached base, remembering the deltas. */
	for (;;) {
		struct git_pack_cached *hit = cache_find(r, off);
		if (hit) {
			if (!(data = malloc(hit->len ? hit->len : 1))) {
				err = GIT_ENOMEM;
				goto out;
			}
			memcpy(data, hit->data, hit->len);
			dlen = hit->len;
			t = hit->type;
			break;
		}
		struct pack_hdr h;
		if ((err = pack_hdr_read(r->src, off, &h)) != GIT_OK)
			goto out;
		if (h.type != GIT_OBJ_OFS_DELTA && h.type != GIT_OBJ_REF_DELTA) {
			uint64_t used;
			if ((err = pack_inflate(r->src, off + h.hdr_len, h.size, &data, &used, NULL)))
				goto out;
			dlen = (size_t)h.size;
			t = (enum git_type)h.type;
			break;
		}
		if (depth == GIT_MAX_DELTA_DEPTH) {
			err = GIT_ELIMIT;
			goto out;
		}
		if (depth == cap) {
			cap = cap ? cap * 2 : 16;
			struct link *c = realloc(chain, cap * sizeof *chain);
			if (!c) {
				err = GIT_ENOMEM;
				goto out;
			}
			chain = c;
		}
		chain[depth].off = off;
		chain[depth].h = h;
		depth++;
		if (h.type == GIT_OBJ_OFS_DELTA) {
			off = h.base_off;
		} else if (!r->ref_base || !r->ref_base(r->ref_ctx, &h.base_oid, &off)) {
			err = GIT_EINVAL; /* a base not in this pack */
			goto out;
		}
		/* A loop of REF_DELTAs ends at the depth limit. */
	}
	/* Apply the deltas from the base outward. */
	bool rebuilt = depth > 0;
	while (depth) {
		struct link *l = &chain[--depth];
		cache_put(r, off, t, data, dlen); /* a base serves its siblings */
		uint8_t *delta;
		uint64_t used, rsize, bsize;
		if ((err = pack_inflate(r->src, l->off + l->h.hdr_len, l->h.size, &delta, &used, NULL)))
			goto out;
		if (git_delta_sizes(view_make(delta, (size_t)l->h.size), &bsize, &rsize) ||
		    rsize > GIT_MAX_OBJECT) {
			free(delta);
			err = rsize > GIT_MAX_OBJECT ? GIT_ELIMIT : GIT_EINVAL;
			goto out;
		}
		uint8_t *next = malloc(rsize ? rsize : 1);
		if (!next) {
			free(delta);
			err = GIT_ENOMEM;
			goto out;
		}
		err = git_delta_apply(view_make(data, dlen), view_make(delta, (size_t)l->h.size),
				      next, (size_t)rsize);
		free(delta);
		free(data);
		data = next;
		dlen = (size_t)rsize;
		off = l->off;
		if (err)
			goto out;
	}
	if (rebuilt) /* the next object's base, in index-pack's order */
		cache_put(r, offset, t, data, dlen);
	*type = t;
	*content = data;
	*len = dlen;
	data = NULL;
	err = GIT_OK;
out:
	free(chain);
	free(data);
	return err;
}
