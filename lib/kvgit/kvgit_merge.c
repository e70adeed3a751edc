/* kvgit_merge.c: three-way merge of a commit into a branch, key by key,
 * with Irmin's semantics (kvgit.h): merge base by breadth-first search,
 * trees flattened to sorted path lists, one merge commit or a report. */
#include <kiln/kvgit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvgit_int.h"

/* Most commits walked to find a merge base. */
#define MERGE_WALK_MAX (1u << 20)

/* --- A set of commit ids, and a breadth-first walk ------------------------ */
struct oidset {
	struct git_oid *v;
	size_t n, cap;
};

static bool set_has(const struct oidset *s, const struct git_oid *o)
{
	for (size_t i = 0; i < s->n; i++)
		if (!git_oid_cmp(&s->v[i], o))
			return true;
	return false;
}

static int set_add(struct oidset *s, const struct git_oid *o)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct git_oid *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return STORE_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *o;
	return KVGIT_OK;
}

/* Walk ancestors of start breadth first (start included) into seen, stopping
 * early at the first commit stop() accepts (*hit set). */
static int walk(struct store *st, const struct git_oid *start, struct oidset *seen,
		const struct oidset *stop, struct git_oid *hit, bool *found)
{
	*found = false;
	int err = set_add(seen, start);
	struct git_commit *c = malloc(sizeof *c);
	if (!c)
		return STORE_ENOMEM;
	for (size_t i = 0; !err && i < seen->n; i++) {
		if (stop && set_has(stop, &seen->v[i])) {
			*hit = seen->v[i];
			*found = true;
			break;
		}
		if (seen->n > MERGE_WALK_MAX) {
			err = GIT_ELIMIT;
			break;
		}
		uint8_t *data;
		size_t len;
		struct git_oid cur = seen->v[i];
		if ((err = kvgit_load(st, &cur, GIT_OBJ_COMMIT, &data, &len)))
			break;
		if (git_commit_parse(view_make(data, len), c))
			err = STORE_ECORRUPT;
		for (size_t p = 0; !err && p < c->nparents; p++)
			if (!set_has(seen, &c->parents[p]))
				err = set_add(seen, &c->parents[p]);
		free(data);
	}
	free(c);
	return err;
}

/* --- Trees flattened -------------------------------------------------------- */
struct leaf {
	char *path;
	struct git_oid oid;
	uint32_t mode;
};

struct leaves {
	struct leaf *v;
	size_t n, cap;
};

static void leaves_free(struct leaves *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int flatten(struct store *st, const struct git_oid *tree, const char *prefix,
		   struct leaves *out, int depth)
{
	if (depth > KVGIT_DEPTH_MAX)
		return KVGIT_EINVAL;
	uint8_t *data;
	size_t len;
	int err = kvgit_load(st, tree, GIT_OBJ_TREE, &data, &len);
	if (err)
		return err;
	struct git_tree_iter it;
	struct git_tree_entry e;
	git_tree_iter_start(&it, view_make(data, len));
	int rc;
	while (!err && (rc = git_tree_next(&it, &e)) == 1) {
		size_t pl = strlen(prefix);
		char *path = malloc(pl + e.name.len + 2);
		if (!path) {
			err = STORE_ENOMEM;
			break;
		}
		memcpy(path, prefix, pl);
		if (pl)
			path[pl++] = '/';
		memcpy(path + pl, e.name.data, e.name.len);
		path[pl + e.name.len] = 0;
		if (e.mode == GIT_MODE_TREE) {
			err = flatten(st, &e.oid, path, out, depth + 1);
			free(path);
			continue;
		}
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 64;
			struct leaf *v = realloc(out->v, cap * sizeof *v);
			if (!v) {
				free(path);
				err = STORE_ENOMEM;
				break;
			}
			out->v = v;
			out->cap = cap;
		}
		out->v[out->n++] = (struct leaf){path, e.oid, e.mode};
	}
	if (!err && rc < 0)
		err = STORE_ECORRUPT;
	free(data);
	return err;
}

static int leaf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct leaf *)a)->path, ((const struct leaf *)b)->path);
}

static int flatten_commit(struct store *st, const struct git_oid *commit, struct leaves *out)
{
	struct git_oid tree;
	int err = kvgit_commit_tree(st, commit, &tree);
	if (!err)
		err = flatten(st, &tree, "", out, 0);
	if (!err)
		qsort(out->v, out->n, sizeof *out->v, leaf_cmp);
	return err;
}

static const struct leaf *find(const struct leaves *l, const char *path)
{
	struct leaf key = {(char *)path, {{0}}, 0};
	return bsearch(&key, l->v, l->n, sizeof *l->v, leaf_cmp);
}

static bool same(const struct leaf *a, const struct leaf *b)
{
	if (!a || !b)
		return a == b;
	return !git_oid_cmp(&a->oid, &b->oid) && a->mode == b->mode;
}

/* --- The merge ----------------------------------------------------------------- */
static int take_blob(struct store *st, struct kvgit_txn *t, const char *path,
		     const struct git_oid *blob)
{
	uint8_t *buf;
	size_t len;
	int err = kvgit_load(st, blob, GIT_OBJ_BLOB, &buf, &len);
	if (!err) {
		err = kvgit_txn_set(t, path, view_make(buf, len));
		free(buf);
	}
	return err;
}

static int load_view(struct store *st, const struct leaf *l, uint8_t **buf, struct view *v)
{
	*buf = NULL;
	if (!l)
		return KVGIT_OK;
	size_t len;
	int err = kvgit_load(st, &l->oid, GIT_OBJ_BLOB, buf, &len);
	if (!err)
		*v = view_make(*buf, len);
	return err;
}

int kvgit_merge(struct kvgit *k, const struct git_oid *theirs, kvgit_merge_fn fn, void *fn_arg,
		kvgit_conflict_fn on_conflict, void *conflict_arg,
		const struct git_person *author, const char *message, struct git_oid *result)
{
	struct store *st = k->s;
	struct oidset ours_anc = {0}, their_anc = {0};
	struct leaves lb = {0}, lo = {0}, lt = {0};
	struct kvgit_txn *t = NULL;
	struct git_oid base;
	bool has_base = false;
	int err;
	if (!store_has(st, theirs))
		return KVGIT_ENOENT;
	if (!k->has_head) {
		/* An empty branch takes theirs as it is. */
		err = kvgit_branch_create(st, k->ref + strlen("refs/heads/"), theirs);
		if (!err)
			err = kvgit_refresh(k);
		goto done;
	}
	if ((err = walk(st, &k->head, &ours_anc, NULL, NULL, &has_base)))
		goto done;
	if (set_has(&ours_anc, theirs)) {
		err = KVGIT_OK; /* already contained */
		goto done;
	}
	if ((err = walk(st, theirs, &their_anc, &ours_anc, &base, &has_base)))
		goto done;
	if (has_base && !git_oid_cmp(&base, &k->head)) {
		/* A fast-forward: the branch moves to theirs. */
		struct store_txn tx;
		store_txn_begin(st, &tx);
		store_txn_ref(&tx, k->ref, &k->head, theirs);
		err = store_txn_commit(&tx);
		if (err == STORE_ECONFLICT)
			err = KVGIT_ECONFLICT;
		if (!err)
			err = kvgit_refresh(k);
		goto done;
	}
	if ((has_base && (err = flatten_commit(st, &base, &lb))) ||
	    (err = flatten_commit(st, &k->head, &lo)) || (err = flatten_commit(st, theirs, &lt)))
		goto done;
	if (!(t = malloc(sizeof *t))) {
		err = STORE_ENOMEM;
		goto done;
	}
	kvgit_txn_begin(k, t);
	t->has_merge = true;
	t->merge = *theirs;
	size_t conflicts = 0;
	/* Every path on either side (the base's alone need nothing: a path
	 * absent on both sides stays absent). */
	for (int side = 0; side < 2 && !err; side++) {
		const struct leaves *l = side ? &lt : &lo;
		for (size_t i = 0; i < l->n && !err; i++) {
			const char *path = l->v[i].path;
			if (side == 1 && find(&lo, path))
				continue; /* seen from ours */
			const struct leaf *b = find(&lb, path), *o = find(&lo, path), *th = find(&lt, path);
			if (same(o, th) || same(th, b))
				continue; /* ours stands */
			if (same(o, b)) {
				/* Theirs changed it (or removed it): take that. */
				err = th ? take_blob(st, t, path, &th->oid) : kvgit_txn_remove(t, path);
				continue;
			}
			/* Changed on both sides, differently. */
			enum kvgit_merge_result r = KVGIT_MERGE_CONFLICT;
			uint8_t *bb, *ob, *tb, *merged = NULL;
			struct view bv, ov, tv;
			size_t mlen = 0;
			if (fn && !(err = load_view(st, b, &bb, &bv))) {
				if (!(err = load_view(st, o, &ob, &ov))) {
					if (!(err = load_view(st, th, &tb, &tv))) {
						r = fn(fn_arg, path, b ? &bv : NULL, o ? &ov : NULL,
						       th ? &tv : NULL, &merged, &mlen);
						free(tb);
					}
					free(ob);
				}
				free(bb);
			}
			if (err)
				break;
			if (r == KVGIT_MERGE_TAKE)
				err = kvgit_txn_set(t, path, view_make(merged, mlen));
			else if (r == KVGIT_MERGE_DELETE)
				err = o ? kvgit_txn_remove(t, path) : KVGIT_OK;
			else {
				conflicts++;
				if (on_conflict)
					on_conflict(conflict_arg, path, o ? &o->oid : NULL,
						    th ? &th->oid : NULL);
			}
			free(merged);
		}
	}
	if (!err && conflicts)
		err = KVGIT_EMERGE;
	if (err) {
		kvgit_txn_abort(t);
		goto done;
	}
	err = kvgit_txn_commit(t, author, message, NULL);
done:
	if (!err && result)
		*result = k->head;
	free(t);
	free(ours_anc.v);
	free(their_anc.v);
	leaves_free(&lb);
	leaves_free(&lo);
	leaves_free(&lt);
	return err;
}
