/* git_pack_index.c: indexing a whole pack as `git index-pack` does: every
 * object inflated and checked, every delta resolved, ids and CRCs computed. */
#include "git_pack.h"

#include <stdlib.h>
#include <string.h>

#include "git_zlib.h"

struct slot {
	struct git_oid oid;
	uint64_t offset;
	int type;
	bool known; /* oid computed */
	uint32_t crc;
	struct git_oid base; /* REF_DELTA */
};

/* oid -> offset for REF_DELTA bases: open addressing over known entries. */
struct idmap {
	size_t *slot; /* entry index + 1, 0 empty */
	size_t mask;
	struct slot *s;
};

static size_t idhash(const struct git_oid *o)
{
	size_t h;
	memcpy(&h, o->id, sizeof h);
	return h;
}

static void idmap_add(struct idmap *m, size_t i)
{
	size_t k = idhash(&m->s[i].oid) & m->mask;
	while (m->slot[k])
		k = (k + 1) & m->mask;
	m->slot[k] = i + 1;
}

static bool idmap_find(void *ctx, const struct git_oid *oid, uint64_t *offset)
{
	struct idmap *m = ctx;
	for (size_t k = idhash(oid) & m->mask; m->slot[k]; k = (k + 1) & m->mask) {
		struct slot *e = &m->s[m->slot[k] - 1];
		if (!git_oid_cmp(&e->oid, oid)) {
			*offset = e->offset;
			return true;
		}
	}
	return false;
}

static int entry_cmp(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct git_pack_entry *)a)->oid,
			   &((const struct git_pack_entry *)b)->oid);
}

int git_pack_index(const struct git_pack_src *src, struct git_pack_entry **entries,
		   size_t *count, uint8_t pack_sum[GIT_OID_RAW])
{
	uint8_t head[12], tail[GIT_OID_RAW], sum[GIT_OID_RAW];
	if (src->size < 12 + GIT_OID_RAW || src->read(src->ctx, 0, head, 12) != 12 ||
	    memcmp(head, "PACK", 4) ||
	    src->read(src->ctx, src->size - GIT_OID_RAW, tail, GIT_OID_RAW) != GIT_OID_RAW)
		return GIT_EINVAL;
	struct reader hr = reader_make(view_make(head, 12));
	reader_skip(&hr, 4);
	uint32_t version = reader_be32(&hr), n = reader_be32(&hr);
	if (version != 2 && version != 3)
		return GIT_EINVAL;
	if (n > GIT_MAX_PACK_OBJECTS)
		return GIT_ELIMIT;
	int err = pack_sha1(src, src->size - GIT_OID_RAW, sum);
	if (err)
		return err;
	if (memcmp(sum, tail, GIT_OID_RAW))
		return GIT_ECORRUPT;
	struct slot *s = calloc(n ? n : 1, sizeof *s);
	size_t mapsize = 16;
	while (mapsize < (size_t)n * 2)
		mapsize *= 2;
	struct idmap map = {calloc(mapsize, sizeof(size_t)), mapsize - 1, s};
	struct git_pack_entry *out = malloc((n ? n : 1) * sizeof *out);
	struct git_pack_reader r;
	git_pack_reader_init(&r, src, 16u << 20);
	r.ref_base = idmap_find;
	r.ref_ctx = &map;
	err = GIT_ENOMEM;
	if (!s || !map.slot || !out || !r.cache)
		goto out;
	/* Pass 1: walk the entries in order; whole objects get their ids. */
	uint64_t off = 12;
	for (uint32_t i = 0; i < n; i++) {
		struct pack_hdr h;
		if (off >= src->size - GIT_OID_RAW || (err = pack_hdr_read(src, off, &h)))
			goto out_inval;
		uint8_t hb[40];
		if (src->read(src->ctx, off, hb, h.hdr_len) != (long)h.hdr_len)
			goto out_inval;
		uint32_t crc = (uint32_t)crc32(0, hb, (uInt)h.hdr_len);
		uint8_t *data;
		uint64_t used;
		if ((err = pack_inflate(src, off + h.hdr_len, h.size, &data, &used, &crc)))
			goto out;
		s[i].offset = off;
		s[i].type = h.type;
		s[i].crc = crc;
		if (h.type <= GIT_OBJ_TAG) {
			err = git_hash((enum git_type)h.type, view_make(data, (size_t)h.size), &s[i].oid);
			if (err) {
				free(data);
				goto out;
			}
			s[i].known = true;
			idmap_add(&map, i);
		}
		free(data);
		off += h.hdr_len + used;
	}
	if (off != src->size - GIT_OID_RAW)
		goto out_inval; /* bytes between the last object and the checksum */
	/* Pass 2: resolve deltas until none is left; a REF_DELTA waits for
	 * its base's id. No progress in a pass means a base is missing. */
	for (bool progress = true; progress;) {
		progress = false;
		bool pending = false;
		for (uint32_t i = 0; i < n; i++) {
			if (s[i].known)
				continue;
			enum git_type t;
			uint8_t *data;
			size_t len;
			err = git_pack_read(&r, s[i].offset, &t, &data, &len);
			if (err == GIT_EINVAL) {
				pending = true; /* maybe a REF base not yet known */
				continue;
			}
			if (err)
				goto out;
			err = git_hash(t, view_make(data, len), &s[i].oid);
			free(data);
			if (err)
				goto out;
			s[i].known = true;
			idmap_add(&map, i);
			progress = true;
		}
		if (!pending)
			break;
		if (!progress)
			goto out_inval;
	}
	for (uint32_t i = 0; i < n; i++) {
		out[i].oid = s[i].oid;
		out[i].offset = s[i].offset;
		out[i].crc32 = s[i].crc;
	}
	qsort(out, n, sizeof *out, entry_cmp);
	for (uint32_t i = 1; i < n; i++)
		if (!git_oid_cmp(&out[i - 1].oid, &out[i].oid))
			goto out_inval; /* the same object twice */
	memcpy(pack_sum, sum, GIT_OID_RAW);
	*entries = out;
	*count = n;
	out = NULL;
	err = GIT_OK;
	goto out;
out_inval:
	if (err == GIT_OK || err == GIT_EINVAL)
		err = GIT_EINVAL;
out:
	git_pack_reader_free(&r);
	free(map.slot);
	free(s);
	free(out);
	return err;
}
