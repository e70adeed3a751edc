/* kvgit_write.c: transactions: changed paths become new blobs, the trees
 * on their way rewritten bottom-up, one commit, the branch moved by
 * compare-and-swap in one durable store commit (kvgit.h). */
#include <kiln/kvgit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvgit_int.h"

static int fail(struct kvgit_txn *t, int err)
{
	if (!t->err)
		t->err = err;
	return t->err;
}

void kvgit_txn_begin(struct kvgit *k, struct kvgit_txn *t)
{
	memset(t, 0, sizeof *t);
	t->k = k;
}

void kvgit_txn_abort(struct kvgit_txn *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->ch[i].path);
		free(t->ch[i].val);
	}
	t->n = 0;
}

static int add(struct kvgit_txn *t, const char *path, const uint8_t *val, size_t len, bool del)
{
	struct view parts[KVGIT_DEPTH_MAX];
	size_t n;
	if (t->err)
		return t->err;
	if (kvgit_path_split(path, parts, &n))
		return fail(t, KVGIT_EINVAL);
	if (t->n == KVGIT_TXN_MAX)
		return fail(t, KVGIT_EINVAL);
	if (!del && len > GIT_MAX_OBJECT)
		return fail(t, GIT_ELIMIT);
	char *p = strdup(path);
	uint8_t *v = del ? NULL : malloc(len ? len : 1);
	if (!p || (!del && !v)) {
		free(p);
		free(v);
		return fail(t, STORE_ENOMEM);
	}
	if (!del && len)
		memcpy(v, val, len);
	t->ch[t->n].path = p;
	t->ch[t->n].val = v;
	t->ch[t->n].len = len;
	t->n++;
	return KVGIT_OK;
}

int kvgit_txn_set(struct kvgit_txn *t, const char *path, struct view value)
{
	return add(t, path, value.data, value.len, false);
}

int kvgit_txn_remove(struct kvgit_txn *t, const char *path)
{
	return add(t, path, NULL, 0, true);
}

/* One change seen from a directory: the rest of its path below it. */
struct rel {
	const char *rest;
	size_t idx; /* into t->ch */
};

static size_t first_len(const char *p)
{
	const char *s = strchr(p, '/');
	return s ? (size_t)(s - p) : strlen(p);
}

/* Rewrite the tree `old` (absent if has_old is false) with the changes in
 * r[0..n), all below it. *out is the new tree's id, or *empty is set when
 * nothing is left in it. New objects go into st. */
static int rewrite(struct kvgit_txn *t, struct store_txn *st, bool has_old,
		   const struct git_oid *old, struct rel *r, size_t n, int depth,
		   struct git_oid *out, bool *empty)
{
	uint8_t *data = NULL;
	size_t len = 0, ne = 0, cap = 16;
	int err;
	if (depth > KVGIT_DEPTH_MAX)
		return KVGIT_EINVAL;
	if (has_old && (err = kvgit_load(t->k->s, old, GIT_OBJ_TREE, &data, &len)))
		return err;
	struct git_tree_entry *e = malloc(cap * sizeof *e);
	struct rel *sub = malloc((n ? n : 1) * sizeof *sub);
	char (*names)[GIT_MAX_NAME + 1] = NULL;
	size_t nnames = 0;
	err = STORE_ENOMEM;
	if (!e || !sub)
		goto out;
	/* The old entries. */
	if (has_old) {
		struct git_tree_iter it;
		git_tree_iter_start(&it, view_make(data, len));
		int rc;
		while ((rc = git_tree_next(&it, &e[ne])) == 1) {
			if (++ne == cap) {
				struct git_tree_entry *m = realloc(e, (cap *= 2) * sizeof *e);
				if (!m)
					goto out;
				e = m;
			}
		}
		if (rc < 0) {
			err = STORE_ECORRUPT;
			goto out;
		}
	}
	/* Names of new entries live here (the old ones point into data). */
	if (!(names = malloc((n ? n : 1) * sizeof *names)))
		goto out;
	/* Each distinct first component, in the order met. */
	bool *done = calloc(n ? n : 1, sizeof *done);
	if (!done)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		size_t fl = first_len(r[i].rest);
		struct view name = view_make(r[i].rest, fl);
		/* The leaf change here (the latest one wins) and the deeper ones. */
		ptrdiff_t leaf = -1;
		size_t nsub = 0;
		for (size_t j = i; j < n; j++) {
			if (done[j] || first_len(r[j].rest) != fl || memcmp(r[j].rest, r[i].rest, fl))
				continue;
			done[j] = true;
			if (r[j].rest[fl] == 0)
				leaf = (ptrdiff_t)j;
			else
				sub[nsub++] = (struct rel){r[j].rest + fl + 1, r[j].idx};
		}
		if (leaf >= 0 && nsub) {
			err = KVGIT_EINVAL; /* a value and a directory at one path */
			goto out_done;
		}
		size_t at;
		for (at = 0; at < ne; at++)
			if (view_equal(e[at].name, name))
				break;
		bool exists = at < ne;
		struct git_tree_entry ne_entry;
		bool keep = true;
		if (leaf >= 0) {
			size_t c = r[leaf].idx;
			if (exists && e[at].mode == GIT_MODE_TREE) {
				err = KVGIT_EINVAL; /* a directory is there */
				goto out_done;
			}
			if (!t->ch[c].val) {
				keep = false;
			} else {
				ne_entry.mode = exists ? e[at].mode : GIT_MODE_BLOB;
				if ((err = store_txn_put(st, GIT_OBJ_BLOB,
							 view_make(t->ch[c].val, t->ch[c].len),
							 &ne_entry.oid)))
					goto out_done;
			}
		} else {
			if (exists && e[at].mode != GIT_MODE_TREE) {
				err = KVGIT_EINVAL; /* a value is there */
				goto out_done;
			}
			bool sub_empty = false;
			ne_entry.mode = GIT_MODE_TREE;
			if ((err = rewrite(t, st, exists, exists ? &e[at].oid : NULL, sub, nsub,
					   depth + 1, &ne_entry.oid, &sub_empty)))
				goto out_done;
			keep = !sub_empty;
		}
		if (!keep) {
			if (exists)
				e[at] = e[--ne];
			continue;
		}
		memcpy(names[nnames], name.data, name.len);
		ne_entry.name = view_make(names[nnames++], name.len);
		if (exists) {
			e[at] = ne_entry;
		} else {
			if (ne + 1 == cap) {
				struct git_tree_entry *m = realloc(e, (cap *= 2) * sizeof *e);
				if (!m)
					goto out_done;
				e = m;
			}
			e[ne++] = ne_entry;
		}
	}
	*empty = ne == 0;
	git_tree_sort(e, ne);
	size_t tcap = ne * (GIT_MAX_NAME + 32) + 1;
	uint8_t *tbuf = malloc(tcap);
	if (!tbuf) {
		err = STORE_ENOMEM;
		goto out_done;
	}
	long tl = git_tree_write(e, ne, tbuf, tcap);
	err = tl < 0 ? KVGIT_EINVAL : store_txn_put(st, GIT_OBJ_TREE, view_make(tbuf, (size_t)tl), out);
	free(tbuf);
out_done:
	free(done);
out:
	free(names);
	free(sub);
	free(e);
	free(data);
	return err;
}

int kvgit_txn_commit(struct kvgit_txn *t, const struct git_person *author,
		     const char *message, struct git_oid *commit)
{
	struct kvgit *k = t->k;
	struct store_txn st;
	struct git_commit *c = NULL;
	uint8_t *cbuf = NULL;
	int err = t->err;
	store_txn_begin(k->s, &st);
	/* Changes from last to first, each path once: the latest wins. */
	struct rel *r = malloc((t->n ? t->n : 1) * sizeof *r);
	size_t nr = 0;
	if (!err && !r)
		err = STORE_ENOMEM;
	for (size_t i = t->n; !err && i-- > 0;) {
		bool seen = false;
		for (size_t j = 0; j < nr && !seen; j++)
			seen = !strcmp(r[j].rest, t->ch[i].path);
		if (!seen)
			r[nr++] = (struct rel){t->ch[i].path, i};
	}
	struct git_oid tree;
	bool empty;
	if (!err)
		err = rewrite(t, &st, k->has_head, &k->tree, r, nr, 0, &tree, &empty);
	if (!err && !(c = calloc(1, sizeof *c)))
		err = STORE_ENOMEM;
	size_t mlen = strlen(message), cap = mlen + 4096;
	if (!err && !(cbuf = malloc(cap)))
		err = STORE_ENOMEM;
	if (!err) {
		c->tree = tree;
		if (k->has_head)
			c->parents[c->nparents++] = k->head;
		if (t->has_merge)
			c->parents[c->nparents++] = t->merge;
		c->author = *author;
		c->committer = *author;
		c->message = view_make(message, mlen);
		long cl = git_commit_write(c, cbuf, cap);
		struct git_oid cid, old = k->has_head ? k->head : (struct git_oid){{0}};
		if (cl < 0)
			err = KVGIT_EINVAL;
		if (!err)
			err = store_txn_put(&st, GIT_OBJ_COMMIT, view_make(cbuf, (size_t)cl), &cid);
		if (!err)
			err = store_txn_ref(&st, k->ref, &old, &cid);
		if (!err) {
			err = store_txn_commit(&st);
			if (err == STORE_ECONFLICT)
				err = KVGIT_ECONFLICT;
			if (!err) {
				k->has_head = true;
				k->head = cid;
				k->tree = tree;
				if (commit)
					*commit = cid;
			}
		} else {
			store_txn_abort(&st);
		}
	} else {
		store_txn_abort(&st);
	}
	free(cbuf);
	free(c);
	free(r);
	kvgit_txn_abort(t);
	return err;
}
