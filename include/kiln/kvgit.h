/* kvgit.h: a read-write key-value store kept as git commits in a kiln
 * store (store.h; docs/kvgit.md).
 *
 * Keys are '/'-separated paths ("pages/Home.md"); a branch's head commit's
 * tree holds them, each value a blob. Reading is from a branch's head;
 * writing groups changes in a transaction that becomes one commit (author,
 * message, time), made durable before it is acknowledged. A branch is a ref
 * refs/heads/NAME in the store. Another writer that moved the branch in the
 * meantime makes the commit KVGIT_ECONFLICT, and nothing is written: the
 * caller re-reads (or merges) and tries again.
 *
 * Paths: 1 to KVGIT_PATH_MAX bytes, components separated by single '/',
 * none empty, ".", "..", ".git", and no NUL. A path cannot be both a value
 * and a directory: setting "a/b" when "a" holds a value is KVGIT_EINVAL.
 *
 * Memory: a read inflates the trees along the path and the value; a commit
 * rewrites only the directories on the changed paths.
 */
#ifndef KILN_KVGIT_H
#define KILN_KVGIT_H

#include <kiln/store.h>

enum {
	KVGIT_OK = 0,
	KVGIT_ENOENT = -40,   /* no such key, branch or commit */
	KVGIT_EINVAL = -41,   /* a bad path, branch name or argument */
	KVGIT_ECONFLICT = -42, /* the branch moved since it was read */
	KVGIT_EMERGE = -43     /* a merge met conflicts: reported, nothing committed */
	/* and any STORE_E* or GIT_E* code from below */
};

#define KVGIT_PATH_MAX 1024
#define KVGIT_BRANCH_MAX 200
/* Changes in one transaction. */
#define KVGIT_TXN_MAX 256
/* Tree depth followed (paths have at most this many components). */
#define KVGIT_DEPTH_MAX 64

const char *kvgit_strerror(int err);

/* A view of one branch. */
struct kvgit {
	struct store *s;
	char ref[KVGIT_BRANCH_MAX + 16]; /* "refs/heads/NAME" */
	bool has_head;                   /* false on a branch with no commit yet */
	struct git_oid head;             /* its commit */
	struct git_oid tree;             /* that commit's tree */
};

/* Open branch NAME of store s (it need not exist yet: the first commit
 * creates it). KVGIT_EINVAL for a bad name. */
int kvgit_open(struct kvgit *k, struct store *s, const char *branch);
/* Re-read the branch's head (after another writer's commit). */
int kvgit_refresh(struct kvgit *k);

/* A value as of the branch head: a new buffer (free() it). */
int kvgit_get(struct kvgit *k, const char *path, uint8_t **value, size_t *len);
/* The same at any commit. */
int kvgit_get_at(struct store *s, const struct git_oid *commit, const char *path,
		 uint8_t **value, size_t *len, struct git_oid *blob);

/* Keys directly inside directory dir ("" for the top), ascending in git's
 * order; is_dir tells a subdirectory. fn returns non-zero to stop. */
typedef int (*kvgit_list_fn)(void *arg, const char *name, bool is_dir);
int kvgit_list(struct kvgit *k, const char *dir, kvgit_list_fn fn, void *arg);

/* --- Writing -------------------------------------------------------------- */
struct kvgit_txn {
	struct kvgit *k;
	size_t n;
	struct {
		char *path;   /* malloc'd */
		uint8_t *val; /* malloc'd; NULL: remove */
		size_t len;
	} ch[KVGIT_TXN_MAX];
	int err; /* sticky */
	bool has_merge;          /* set by kvgit_merge: a second parent */
	struct git_oid merge;
};

void kvgit_txn_begin(struct kvgit *k, struct kvgit_txn *t);
int kvgit_txn_set(struct kvgit_txn *t, const char *path, struct view value);
int kvgit_txn_remove(struct kvgit_txn *t, const char *path);
/* One commit with the changes (later changes to a path win), its parent the
 * branch head, committed durably; *commit (if not NULL) its id. A commit
 * that changes nothing is made all the same (git allows empty commits).
 * Removing a key that does not exist is not an error. Ends the txn. */
int kvgit_txn_commit(struct kvgit_txn *t, const struct git_person *author,
		     const char *message, struct git_oid *commit);
void kvgit_txn_abort(struct kvgit_txn *t);

/* --- History ---------------------------------------------------------------
 * The commits (newest first, along first parents, at most max) in which
 * path's value changed, was added or was removed. */
typedef int (*kvgit_history_fn)(void *arg, const struct git_oid *commit,
				const struct git_commit *c, bool removed);
int kvgit_history(struct kvgit *k, const char *path, size_t max, kvgit_history_fn fn, void *arg);

/* --- Merging ---------------------------------------------------------------
 * Three-way, key by key, as Irmin does: with base b (the nearest common
 * ancestor), ours o and theirs t, a key whose two sides are equal takes
 * that value, a key changed on one side only takes the changed side, and a
 * key changed differently on both goes to the merge function; without one
 * (NULL) that is a conflict. Absent counts as a value (a delete against an
 * unchanged key is a delete; against a change, a conflict). */
enum kvgit_merge_result { KVGIT_MERGE_TAKE, KVGIT_MERGE_DELETE, KVGIT_MERGE_CONFLICT };
/* Decide one key: base/ours/theirs are NULL when absent. On TAKE, *out is
 * a new buffer (malloc) with the merged value. */
typedef enum kvgit_merge_result (*kvgit_merge_fn)(void *arg, const char *path,
						  const struct view *base, const struct view *ours,
						  const struct view *theirs, uint8_t **out,
						  size_t *out_len);
/* Told of each conflicting key, with both sides' blob ids (NULL if absent):
 * nothing is lost, both stay in their branches' histories. */
typedef void (*kvgit_conflict_fn)(void *arg, const char *path, const struct git_oid *ours,
				  const struct git_oid *theirs);

/* Merge commit `theirs` into k's branch. Already contained: KVGIT_OK, no
 * commit. k's head an ancestor of theirs: a fast-forward. Otherwise a
 * merge commit with parents (head, theirs), or KVGIT_EMERGE with every
 * conflict reported and nothing committed. *result (if not NULL) is the
 * branch's new head. */
int kvgit_merge(struct kvgit *k, const struct git_oid *theirs, kvgit_merge_fn fn, void *fn_arg,
		kvgit_conflict_fn on_conflict, void *conflict_arg,
		const struct git_person *author, const char *message, struct git_oid *result);

/* --- Branches -------------------------------------------------------------- */
/* Create branch name at commit from (KVGIT_ECONFLICT if it exists). */
int kvgit_branch_create(struct store *s, const char *name, const struct git_oid *from);
int kvgit_branch_delete(struct store *s, const char *name);

#endif
