/* store.c: formatting, opening (recovery), reading objects and refs
 * (store.h; the format and guarantees in docs/store.md). */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

const char *store_strerror(int err)
{
	switch (err) {
	case STORE_OK: return "success";
	case STORE_EIO: return "the block device failed";
	case STORE_ENOSPC: return "the store's device is full";
	case STORE_EFORMAT: return "not a kiln store (run `kiln store init`)";
	case STORE_ECORRUPT: return "the store is damaged: no header and log verify";
	case STORE_ENOENT: return "no such object or ref";
	case STORE_ECONFLICT: return "a ref moved since it was read";
	case STORE_EINVAL: return "invalid argument";
	case STORE_ENOMEM: return "out of memory";
	}
	return git_strerror(err);
}

static bool dev_ok(const struct store_dev *d)
{
	return d->block_size >= 512 && !(d->block_size & (d->block_size - 1)) &&
	       STORE_SLOT_SIZE % d->block_size == 0 &&
	       d->capacity >= 2 * (uint64_t)STORE_SLOT_SIZE + 4 * d->block_size;
}

int store_format(const struct store_dev *dev)
{
	if (!dev_ok(dev))
		return STORE_EINVAL;
	struct store *s = calloc(1, sizeof *s);
	uint8_t *buf = calloc(1, STORE_SLOT_SIZE);
	int err = STORE_ENOMEM;
	if (!s || !buf)
		goto out;
	s->dev = *dev;
	s->log_start = s->log_end = 2 * (uint64_t)STORE_SLOT_SIZE;
	/* Generation 1 in slot 0; slot 1 zeroed (no magic: never taken). */
	size_t len;
	err = STORE_EIO;
	store_dev_invalidate(dev);
	if (store_dev_pwrite(dev, STORE_SLOT_SIZE, buf, dev->block_size) || dev->flush(dev->ctx))
		goto out;
	s->generation = 1;
	if ((err = store_header_encode(s, buf, &len)))
		goto out;
	err = store_dev_pwrite(dev, 0, buf, len) || dev->flush(dev->ctx) ? STORE_EIO : STORE_OK;
out:
	free(s);
	free(buf);
	return err;
}

/* --- Reading packs on the device ------------------------------------------ */
struct rec_src {
	const struct store_dev *dev;
	uint64_t base, len;
};

static long rec_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct rec_src *r = ctx;
	if (off >= r->len)
		return 0;
	if (len > r->len - off)
		len = (size_t)(r->len - off);
	return store_dev_pread(r->dev, r->base + off, buf, len) ? -1 : (long)len;
}

/* Index every pack record in [log_start, log_end); STORE_ECORRUPT if one
 * does not verify or they do not end exactly at log_end. */
static int scan_log(struct store *s)
{
	uint64_t pos = s->log_start;
	while (pos < s->log_end) {
		uint8_t h[STORE_RECORD_HDR];
		if (s->log_end - pos < STORE_RECORD_HDR || store_dev_pread(&s->dev, pos, h, sizeof h))
			return STORE_ECORRUPT;
		struct reader r = reader_make(view_make(h, sizeof h));
		struct view magic = reader_view(&r, 8);
		uint64_t hi = reader_be32(&r), plen = hi << 32 | reader_be32(&r);
		if (memcmp(magic.data, STORE_RECORD_MAGIC, 8) ||
		    plen > s->log_end - pos - STORE_RECORD_HDR)
			return STORE_ECORRUPT;
		struct rec_src rs = {&s->dev, pos + STORE_RECORD_HDR, plen};
		struct git_pack_src src = {rec_read, &rs, plen};
		struct git_pack_entry *e;
		size_t n;
		uint8_t sum[GIT_OID_RAW];
		int err = git_pack_index(&src, &e, &n, sum);
		if (err)
			return err == GIT_ENOMEM ? STORE_ENOMEM : STORE_ECORRUPT;
		uint32_t id;
		err = store_index_record(s->index, pos, plen, &id);
		for (size_t i = 0; i < n && !err; i++)
			err = store_index_add(s->index, &e[i].oid, (struct store_loc){id, e[i].offset});
		free(e);
		if (err)
			return err;
		pos = store_round_up(&s->dev, pos + STORE_RECORD_HDR + plen);
	}
	return pos == s->log_end ? STORE_OK : STORE_ECORRUPT;
}

int store_open(struct store *s, const struct store_dev *dev)
{
	memset(s, 0, sizeof *s);
	if (!dev_ok(dev))
		return STORE_EINVAL;
	uint8_t *buf = malloc(2 * (size_t)STORE_SLOT_SIZE);
	struct store *cand = calloc(2, sizeof *cand);
	int err = STORE_ENOMEM, found[2];
	if (!buf || !cand)
		goto out;
	err = STORE_EIO;
	store_dev_invalidate(dev);
	if (dev->read(dev->ctx, 0, buf, 2 * (size_t)STORE_SLOT_SIZE))
		goto out;
	for (int i = 0; i < 2; i++) {
		cand[i].dev = *dev;
		found[i] = store_header_decode(&cand[i], view_make(buf + (size_t)i * STORE_SLOT_SIZE,
								   STORE_SLOT_SIZE));
		cand[i].slot = i;
	}
	if (found[0] == STORE_EFORMAT && found[1] == STORE_EFORMAT) {
		err = STORE_EFORMAT;
		goto out;
	}
	/* The newest first; a newer header that is torn or whose log does not
	 * verify is passed over for the older one. */
	int order[2] = {0, 1};
	if (!found[1] && (found[0] || cand[1].generation > cand[0].generation))
		order[0] = 1, order[1] = 0;
	err = STORE_ECORRUPT;
	bool skipped = found[order[0]] == STORE_ECORRUPT || found[order[1]] == STORE_ECORRUPT;
	for (int k = 0; k < 2; k++) {
		struct store *c = &cand[order[k]];
		if (found[order[k]])
			continue;
		*s = *c;
		if (!(s->index = store_index_new())) {
			err = STORE_ENOMEM;
			goto out;
		}
		err = scan_log(s);
		if (err == STORE_OK) {
			s->recovered_older = skipped;
			s->objects = store_index_count(s->index);
			goto out;
		}
		store_index_free(s->index);
		s->index = NULL;
		if (err == STORE_ENOMEM)
			goto out;
		skipped = true;
	}
	memset(s, 0, sizeof *s);
out:
	free(buf);
	free(cand);
	return err;
}

void store_close(struct store *s)
{
	store_index_free(s->index);
	s->index = NULL;
}

bool store_has(struct store *s, const struct git_oid *oid)
{
	return store_index_find(s->index, oid, NULL);
}

int store_get(struct store *s, const struct git_oid *oid, enum git_type *type,
	      uint8_t **content, size_t *len)
{
	struct store_loc loc;
	uint64_t base, plen;
	if (!store_index_find(s->index, oid, &loc) ||
	    !store_index_record_get(s->index, loc.record, &base, &plen))
		return STORE_ENOENT;
	struct rec_src rs = {&s->dev, base + STORE_RECORD_HDR, plen};
	struct git_pack_src src = {rec_read, &rs, plen};
	struct git_pack_reader r;
	git_pack_reader_init(&r, &src, 256u << 10);
	int err = git_pack_read(&r, loc.offset, type, content, len);
	git_pack_reader_free(&r);
	return err == GIT_OK ? STORE_OK : err == GIT_ENOMEM ? STORE_ENOMEM : STORE_ECORRUPT;
}

int store_ref(const struct store *s, const char *name, struct git_oid *oid)
{
	for (size_t i = 0; i < s->nrefs; i++)
		if (!strcmp(s->refs[i].name, name)) {
			*oid = s->refs[i].oid;
			return STORE_OK;
		}
	return STORE_ENOENT;
}
