/* store_txn.c: transactions: a pack of new objects and ref updates made
 * durable together: pack record, flush, header in the other slot, flush
 * (store.h; docs/store.md, "Commit protocol"). */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

static int fail(struct store_txn *t, int err)
{
	if (!t->err)
		t->err = err;
	return t->err;
}

void store_txn_begin(struct store *s, struct store_txn *t)
{
	memset(t, 0, sizeof *t);
	t->s = s;
	git_pack_writer_init(&t->w);
	if (!(t->pending = store_index_new()))
		t->err = STORE_ENOMEM;
}

void store_txn_abort(struct store_txn *t)
{
	git_pack_writer_free(&t->w);
	store_index_free(t->pending);
	t->pending = NULL;
	t->s = NULL;
}

int store_txn_put(struct store_txn *t, enum git_type type, struct view content,
		  struct git_oid *oid)
{
	if (t->err)
		return t->err;
	int err = git_hash(type, content, oid);
	if (err)
		return fail(t, err == GIT_ELIMIT ? STORE_EINVAL : err);
	if (store_has(t->s, oid) || store_index_find(t->pending, oid, NULL))
		return STORE_OK;
	err = git_pack_add(&t->w, type, content);
	if (err)
		return fail(t, err == GIT_ENOMEM ? STORE_ENOMEM : STORE_EINVAL);
	err = store_index_add(t->pending, oid, (struct store_loc){0, 0});
	return err ? fail(t, err) : STORE_OK;
}

int store_txn_ref(struct store_txn *t, const char *name, const struct git_oid *old,
		  const struct git_oid *new_oid)
{
	if (t->err)
		return t->err;
	if (!store_ref_name_ok(name, strlen(name)) || t->nupd == STORE_TXN_REFS)
		return fail(t, STORE_EINVAL);
	strcpy(t->upd[t->nupd].name, name);
	t->upd[t->nupd].old = *old;
	t->upd[t->nupd].new = *new_oid;
	t->nupd++;
	return STORE_OK;
}

/* Apply the updates to a copy of the refs; STORE_ECONFLICT if one was not
 * at its expected value. */
static int apply_refs(const struct store_txn *t, struct store *next)
{
	for (size_t u = 0; u < t->nupd; u++) {
		size_t i;
		for (i = 0; i < next->nrefs; i++)
			if (!strcmp(next->refs[i].name, t->upd[u].name))
				break;
		bool exists = i < next->nrefs;
		if (exists ? git_oid_cmp(&next->refs[i].oid, &t->upd[u].old)
			   : !git_oid_is_zero(&t->upd[u].old))
			return STORE_ECONFLICT;
		if (git_oid_is_zero(&t->upd[u].new)) {
			if (exists)
				next->refs[i] = next->refs[--next->nrefs];
		} else if (exists) {
			next->refs[i].oid = t->upd[u].new;
		} else {
			if (next->nrefs == STORE_MAX_REFS)
				return STORE_EINVAL;
			strcpy(next->refs[next->nrefs].name, t->upd[u].name);
			next->refs[next->nrefs++].oid = t->upd[u].new;
		}
	}
	return STORE_OK;
}

int store_txn_commit(struct store_txn *t)
{
	struct store *s = t->s;
	struct store *next = malloc(sizeof *next);
	uint8_t *rec = NULL, *hdr = malloc(STORE_SLOT_SIZE);
	int err = t->err;
	if (!err && (!next || !hdr))
		err = STORE_ENOMEM;
	if (err)
		goto out;
	*next = *s;
	if ((err = apply_refs(t, next)))
		goto out;
	uint64_t rec_at = s->log_end, rec_len = 0;
	uint8_t sum[GIT_OID_RAW];
	if (t->w.count) {
		if (git_pack_finish(&t->w, sum)) {
			err = STORE_ENOMEM;
			goto out;
		}
		rec_len = store_round_up(&s->dev, STORE_RECORD_HDR + t->w.len);
		if (rec_len > s->dev.capacity - rec_at) {
			err = STORE_ENOSPC;
			goto out;
		}
		if (!(rec = calloc(1, rec_len))) {
			err = STORE_ENOMEM;
			goto out;
		}
		memcpy(rec, STORE_RECORD_MAGIC, 8);
		store_be32(rec + 8, (uint32_t)((uint64_t)t->w.len >> 32));
		store_be32(rec + 12, (uint32_t)t->w.len);
		memcpy(rec + STORE_RECORD_HDR, t->w.buf, t->w.len);
		/* 1: the pack, durable before any header names it. */
		if (store_dev_pwrite(&s->dev, rec_at, rec, rec_len) || s->dev.flush(s->dev.ctx)) {
			err = STORE_EIO;
			goto out;
		}
	}
	/* 2: the next header into the other slot; the current one stays
	 * intact until this one is whole. */
	next->generation = s->generation + 1;
	next->log_end = rec_at + rec_len;
	next->slot = 1 - s->slot;
	size_t hlen;
	if ((err = store_header_encode(next, hdr, &hlen)))
		goto out;
	if (store_dev_pwrite(&s->dev, (uint64_t)next->slot * STORE_SLOT_SIZE, hdr, hlen) ||
	    s->dev.flush(s->dev.ctx)) {
		err = STORE_EIO;
		goto out;
	}
	/* Durable: now the in-memory state follows. */
	if (t->w.count) {
		uint32_t id;
		err = store_index_record(s->index, rec_at, t->w.len, &id);
		for (size_t i = 0; i < t->w.count && !err; i++)
			err = store_index_add(s->index, &t->w.entries[i].oid,
					      (struct store_loc){id, t->w.entries[i].offset});
	}
	s->generation = next->generation;
	s->log_end = next->log_end;
	s->slot = next->slot;
	s->nrefs = next->nrefs;
	memcpy(s->refs, next->refs, next->nrefs * sizeof *next->refs);
	s->objects = store_index_count(s->index);
out:
	free(next);
	free(hdr);
	free(rec);
	store_txn_abort(t);
	return err;
}
