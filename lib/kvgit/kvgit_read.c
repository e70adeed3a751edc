/* kvgit_read.c: paths, branches and reading values out of a branch's trees
 * (kvgit.h). */
#include <kiln/kvgit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kvgit_int.h"

const char *kvgit_strerror(int err)
{
	switch (err) {
	case KVGIT_ENOENT: return "no such key, branch or commit";
	case KVGIT_EINVAL: return "invalid path, branch name or argument";
	case KVGIT_ECONFLICT: return "the branch moved since it was read";
	case KVGIT_EMERGE: return "the merge has conflicts (reported; nothing committed)";
	}
	return err <= STORE_EIO && err >= STORE_ENOMEM ? store_strerror(err) : git_strerror(err);
}

int kvgit_path_split(const char *path, struct view *parts, size_t *n)
{
	size_t len = strlen(path), k = 0, start = 0;
	if (len == 0 || len > KVGIT_PATH_MAX)
		return KVGIT_EINVAL;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		struct view c = view_make(path + start, i - start);
		if (c.len == 0 || c.len > GIT_MAX_NAME || k == KVGIT_DEPTH_MAX ||
		    (c.len == 1 && c.data[0] == '.') || (c.len == 2 && !memcmp(c.data, "..", 2)) ||
		    (c.len == 4 && !strncasecmp((const char *)c.data, ".git", 4)))
			return KVGIT_EINVAL;
		parts[k++] = c;
		start = i + 1;
	}
	*n = k;
	return KVGIT_OK;
}

int kvgit_load(struct store *s, const struct git_oid *oid, enum git_type want, uint8_t **data,
	       size_t *len)
{
	enum git_type t;
	int err = store_get(s, oid, &t, data, len);
	if (err)
		return err == STORE_ENOENT ? KVGIT_ENOENT : err;
	if (t != want) {
		free(*data);
		return STORE_ECORRUPT;
	}
	return KVGIT_OK;
}

int kvgit_commit_tree(struct store *s, const struct git_oid *commit, struct git_oid *tree)
{
	uint8_t *data;
	size_t len;
	int err = kvgit_load(s, commit, GIT_OBJ_COMMIT, &data, &len);
	if (err)
		return err;
	struct git_commit *c = malloc(sizeof *c);
	if (!c) {
		free(data);
		return STORE_ENOMEM;
	}
	err = git_commit_parse(view_make(data, len), c);
	if (!err)
		*tree = c->tree;
	free(c);
	free(data);
	return err ? STORE_ECORRUPT : KVGIT_OK;
}

static bool branch_ok(const char *b)
{
	size_t n = strlen(b);
	if (n == 0 || n > KVGIT_BRANCH_MAX || b[0] == '-' || b[0] == '/' || b[n - 1] == '/' ||
	    strstr(b, "..") || strstr(b, "//"))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)b[i] <= ' ' || strchr("~^:?*[\\\x7f", b[i]))
			return false;
	return true;
}

int kvgit_ref_name(const char *branch, char *out, size_t cap)
{
	if (!branch_ok(branch) || (size_t)snprintf(out, cap, "refs/heads/%s", branch) >= cap)
		return KVGIT_EINVAL;
	return KVGIT_OK;
}

int kvgit_refresh(struct kvgit *k)
{
	int err = store_ref(k->s, k->ref, &k->head);
	if (err == STORE_ENOENT) {
		k->has_head = false;
		memset(&k->head, 0, sizeof k->head);
		memset(&k->tree, 0, sizeof k->tree);
		return KVGIT_OK;
	}
	if (err)
		return err;
	k->has_head = true;
	return kvgit_commit_tree(k->s, &k->head, &k->tree);
}

int kvgit_open(struct kvgit *k, struct store *s, const char *branch)
{
	memset(k, 0, sizeof *k);
	k->s = s;
	int err = kvgit_ref_name(branch, k->ref, sizeof k->ref);
	return err ? err : kvgit_refresh(k);
}

/* Find name in a tree's bytes. */
static bool tree_find(struct view tree, struct view name, struct git_tree_entry *out)
{
	struct git_tree_iter it;
	git_tree_iter_start(&it, tree);
	while (git_tree_next(&it, out) == 1)
		if (view_equal(out->name, name))
			return true;
	return false;
}

/* The entry at path under tree root: its mode and id. */
int kvgit_lookup(struct store *s, const struct git_oid *root, const char *path,
		 struct git_tree_entry *found)
{
	static struct view parts[KVGIT_DEPTH_MAX];
	size_t n;
	int err = kvgit_path_split(path, parts, &n);
	if (err)
		return err;
	struct git_oid cur = *root;
	for (size_t i = 0; i < n; i++) {
		uint8_t *data;
		size_t len;
		if ((err = kvgit_load(s, &cur, GIT_OBJ_TREE, &data, &len)))
			return err;
		struct git_tree_entry e;
		bool hit = tree_find(view_make(data, len), parts[i], &e);
		free(data);
		if (!hit || (i + 1 < n && e.mode != GIT_MODE_TREE))
			return KVGIT_ENOENT;
		e.name = view_make(NULL, 0); /* pointed into freed bytes */
		*found = e;
		cur = e.oid;
	}
	return KVGIT_OK;
}

int kvgit_get_at(struct store *s, const struct git_oid *commit, const char *path,
		 uint8_t **value, size_t *len, struct git_oid *blob)
{
	struct git_oid tree;
	struct git_tree_entry e;
	int err = kvgit_commit_tree(s, commit, &tree);
	if (!err)
		err = kvgit_lookup(s, &tree, path, &e);
	if (err)
		return err;
	if (e.mode == GIT_MODE_TREE || e.mode == GIT_MODE_GITLINK)
		return KVGIT_ENOENT; /* a directory is not a value */
	if (blob)
		*blob = e.oid;
	return value ? kvgit_load(s, &e.oid, GIT_OBJ_BLOB, value, len) : KVGIT_OK;
}

int kvgit_get(struct kvgit *k, const char *path, uint8_t **value, size_t *len)
{
	if (!k->has_head)
		return KVGIT_ENOENT;
	return kvgit_get_at(k->s, &k->head, path, value, len, NULL);
}

int kvgit_list(struct kvgit *k, const char *dir, kvgit_list_fn fn, void *arg)
{
	if (!k->has_head)
		return dir[0] ? KVGIT_ENOENT : KVGIT_OK;
	struct git_oid cur = k->tree;
	if (dir[0]) {
		struct git_tree_entry e;
		int err = kvgit_lookup(k->s, &k->tree, dir, &e);
		if (err)
			return err;
		if (e.mode != GIT_MODE_TREE)
			return KVGIT_ENOENT;
		cur = e.oid;
	}
	uint8_t *data;
	size_t len;
	int err = kvgit_load(k->s, &cur, GIT_OBJ_TREE, &data, &len);
	if (err)
		return err;
	struct git_tree_iter it;
	struct git_tree_entry e;
	git_tree_iter_start(&it, view_make(data, len));
	int rc;
	while ((rc = git_tree_next(&it, &e)) == 1) {
		char name[GIT_MAX_NAME + 1];
		memcpy(name, e.name.data, e.name.len);
		name[e.name.len] = 0;
		if ((rc = fn(arg, name, e.mode == GIT_MODE_TREE)) != 0)
			break;
	}
	free(data);
	return rc < 0 ? STORE_ECORRUPT : rc;
}
