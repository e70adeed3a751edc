/* kiln_store.h: the parts of kiln-store, the host tool for a store's disk
 * image (docs/store.md, "On the host"). */
#ifndef KILN_STORE_TOOL_H
#define KILN_STORE_TOOL_H

#include <stdbool.h>

#include <kiln/kvgit.h>

/* A file as a 512-byte-block store device; create (and grow to size) if asked. */
int filedev_open(const char *path, bool create, uint64_t size, struct store_dev *dev);
void filedev_close(struct store_dev *dev);

/* Import every object and ref of a git repository (bare or not) into the
 * store, in one commit; export the store as a bare repository. */
int gitdir_import(struct store *s, const char *gitdir, const char *only_branch, char *err,
		  size_t errlen);
int gitdir_export(struct store *s, const char *gitdir, char *err, size_t errlen);

/* Walk every object reachable from the refs; count them, or say which is
 * missing or damaged. */
int store_walk_check(struct store *s, uint64_t *objects, char *err, size_t errlen);
int store_walk_list(struct store *s, struct git_oid **ids, size_t *n, char *err, size_t errlen);

#endif
