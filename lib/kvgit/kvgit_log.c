/* kvgit_log.c: a key's history along first parents, and branches. */
#include <kiln/kvgit.h>

#include <stdlib.h>
#include <string.h>

#include "kvgit_int.h"

/* The blob id at path in commit (or absent). */
static int blob_at(struct store *s, const struct git_oid *commit, const char *path,
		   bool *present, struct git_oid *blob)
{
	int err = kvgit_get_at(s, commit, path, NULL, NULL, blob);
	*present = err == KVGIT_OK;
	return err == KVGIT_ENOENT ? KVGIT_OK : err;
}

int kvgit_history(struct kvgit *k, const char *path, size_t max, kvgit_history_fn fn, void *arg)
{
	struct view parts[KVGIT_DEPTH_MAX];
	size_t np;
	if (kvgit_path_split(path, parts, &np))
		return KVGIT_EINVAL;
	if (!k->has_head)
		return KVGIT_OK;
	struct git_commit *c = malloc(sizeof *c);
	if (!c)
		return STORE_ENOMEM;
	struct git_oid cur = k->head, blob, pblob;
	bool present, ppresent;
	int err = blob_at(k->s, &cur, path, &present, &blob);
	size_t reported = 0;
	while (!err && reported < max) {
		uint8_t *data;
		size_t len;
		if ((err = kvgit_load(k->s, &cur, GIT_OBJ_COMMIT, &data, &len)))
			break;
		if (git_commit_parse(view_make(data, len), c)) {
			free(data);
			err = STORE_ECORRUPT;
			break;
		}
		bool root = c->nparents == 0;
		struct git_oid parent = root ? cur : c->parents[0];
		ppresent = false;
		if (!root && (err = blob_at(k->s, &parent, path, &ppresent, &pblob))) {
			free(data);
			break;
		}
		bool changed = present != ppresent || (present && git_oid_cmp(&blob, &pblob));
		if (changed) {
			reported++;
			int rc = fn(arg, &cur, c, !present);
			if (rc) {
				free(data);
				err = rc;
				break;
			}
		}
		free(data);
		if (root)
			break;
		cur = parent;
		present = ppresent;
		blob = pblob;
	}
	free(c);
	return err > 0 ? KVGIT_OK : err;
}

static int set_ref(struct store *s, const char *name, const struct git_oid *old,
		   const struct git_oid *new_oid)
{
	char ref[KVGIT_BRANCH_MAX + 16];
	if (kvgit_ref_name(name, ref, sizeof ref))
		return KVGIT_EINVAL;
	struct store_txn t;
	store_txn_begin(s, &t);
	store_txn_ref(&t, ref, old, new_oid);
	int err = store_txn_commit(&t);
	return err == STORE_ECONFLICT ? KVGIT_ECONFLICT : err;
}

int kvgit_branch_create(struct store *s, const char *name, const struct git_oid *from)
{
	static const struct git_oid zero;
	if (!store_has(s, from))
		return KVGIT_ENOENT;
	return set_ref(s, name, &zero, from);
}

int kvgit_branch_delete(struct store *s, const char *name)
{
	static const struct git_oid zero;
	char ref[KVGIT_BRANCH_MAX + 16];
	struct git_oid cur;
	if (kvgit_ref_name(name, ref, sizeof ref))
		return KVGIT_EINVAL;
	if (store_ref(s, ref, &cur))
		return KVGIT_ENOENT;
	return set_ref(s, name, &cur, &zero);
}
