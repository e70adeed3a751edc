/* git_pack_write.c: writing a pack v2 (git's pack-objects output format):
 * whole objects and OFS_DELTAs against earlier ones, zlib at git's default
 * level for packs (core.compression, -1: zlib's 6). */
#include <kiln/git.h>

#include <stdlib.h>
#include <string.h>

#include "git_zlib.h"

static int fail(struct git_pack_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

static bool reserve(struct git_pack_writer *w, size_t n)
{
	if (n <= w->cap - w->len)
		return true;
	size_t cap = w->cap * 2 + n + 4096;
	uint8_t *p = realloc(w->buf, cap);
	if (!p)
		return fail(w, GIT_ENOMEM), false;
	w->buf = p;
	w->cap = cap;
	return true;
}

void git_pack_writer_init(struct git_pack_writer *w)
{
	memset(w, 0, sizeof *w);
	if (reserve(w, 12)) {
		memcpy(w->buf, "PACK\0\0\0\2\0\0\0\0", 12);
		w->len = 12;
	}
}

void git_pack_writer_free(struct git_pack_writer *w)
{
	free(w->buf);
	free(w->entries);
	memset(w, 0, sizeof *w);
}

/* Header, optional base reference, then data deflated; the entry recorded
 * with the id given. */
static int emit(struct git_pack_writer *w, int type, uint64_t size, const uint8_t *ref,
		size_t ref_len, struct view data, const struct git_oid *oid)
{
	if (w->err)
		return w->err;
	if (w->count == GIT_MAX_PACK_OBJECTS)
		return fail(w, GIT_ELIMIT);
	if (w->count == w->entries_cap) {
		size_t cap = w->entries_cap ? w->entries_cap * 2 : 64;
		struct git_pack_entry *e = realloc(w->entries, cap * sizeof *e);
		if (!e)
			return fail(w, GIT_ENOMEM);
		w->entries = e;
		w->entries_cap = cap;
	}
	uint8_t hdr[16 + 20];
	size_t h = 0;
	uint8_t c = (uint8_t)(type << 4 | (size & 15));
	size >>= 4;
	while (size) {
		hdr[h++] = c | 0x80;
		c = size & 0x7f;
		size >>= 7;
	}
	hdr[h++] = c;
	if (ref_len)
		memcpy(hdr + h, ref, ref_len);
	h += ref_len;
	z_stream s;
	git_zlib_prepare(&s);
	if (deflateInit(&s, Z_DEFAULT_COMPRESSION) != Z_OK)
		return fail(w, GIT_ENOMEM);
	size_t bound = deflateBound(&s, (uLong)data.len);
	if (!reserve(w, h + bound)) {
		deflateEnd(&s);
		return w->err;
	}
	uint64_t start = w->len;
	memcpy(w->buf + w->len, hdr, h);
	s.next_in = (Bytef *)data.data;
	s.avail_in = (uInt)data.len;
	s.next_out = w->buf + w->len + h;
	s.avail_out = (uInt)bound;
	int rc = deflate(&s, Z_FINISH);
	size_t z = bound - s.avail_out;
	deflateEnd(&s);
	if (rc != Z_STREAM_END)
		return fail(w, GIT_ENOMEM);
	w->len += h + z;
	struct git_pack_entry *e = &w->entries[w->count++];
	e->oid = *oid;
	e->offset = start;
	e->crc32 = (uint32_t)crc32(0, w->buf + start, (uInt)(h + z));
	return GIT_OK;
}

int git_pack_add(struct git_pack_writer *w, enum git_type t, struct view content)
{
	struct git_oid oid;
	int err = git_hash(t, content, &oid);
	if (err)
		return fail(w, err);
	return emit(w, t, content.len, NULL, 0, content, &oid);
}

int git_pack_add_delta(struct git_pack_writer *w, enum git_type t, struct view content,
		       size_t base_index, struct view base_content)
{
	struct git_oid oid;
	int err = git_hash(t, content, &oid);
	if (err)
		return fail(w, err);
	if (base_index >= w->count)
		return fail(w, GIT_EINVAL);
	uint8_t *delta;
	size_t dlen;
	if ((err = git_delta_make(base_content, content, &delta, &dlen)))
		return fail(w, err);
	/* The base's offset as a distance back, in git's offset encoding. */
	uint64_t back = w->len - w->entries[base_index].offset;
	uint8_t ref[16];
	size_t i = sizeof ref - 1;
	ref[i] = back & 127;
	while (back >>= 7)
		ref[--i] = (uint8_t)(128 | (--back & 127));
	err = emit(w, GIT_OBJ_OFS_DELTA, dlen, ref + i, sizeof ref - i, view_make(delta, dlen), &oid);
	free(delta);
	return err;
}

static int entry_cmp(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct git_pack_entry *)a)->oid,
			   &((const struct git_pack_entry *)b)->oid);
}

int git_pack_finish(struct git_pack_writer *w, uint8_t pack_sum[GIT_OID_RAW])
{
	if (w->err)
		return w->err;
	if (!reserve(w, GIT_OID_RAW))
		return w->err;
	store_be32(w->buf + 8, (uint32_t)w->count);
	int err = git_sha1(view_make(w->buf, w->len), pack_sum);
	if (err)
		return fail(w, err);
	memcpy(w->buf + w->len, pack_sum, GIT_OID_RAW);
	w->len += GIT_OID_RAW;
	qsort(w->entries, w->count, sizeof *w->entries, entry_cmp);
	return GIT_OK;
}
