/* kvgit_int.h: what lib/kvgit's files share. Internal. */
#ifndef KILN_KVGIT_INT_H
#define KILN_KVGIT_INT_H

#include <kiln/kvgit.h>

int kvgit_path_split(const char *path, struct view *parts, size_t *n);
/* Read object oid, which must be of type want, into a new buffer. */
int kvgit_load(struct store *s, const struct git_oid *oid, enum git_type want, uint8_t **data,
	       size_t *len);
int kvgit_commit_tree(struct store *s, const struct git_oid *commit, struct git_oid *tree);
/* The entry at path under the tree root (its name is not kept). */
int kvgit_lookup(struct store *s, const struct git_oid *root, const char *path,
		 struct git_tree_entry *found);
int kvgit_ref_name(const char *branch, char *out, size_t cap);

#endif
