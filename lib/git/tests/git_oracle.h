/* git_oracle.h: the tests' access to stock git, the oracle kiln's objects
 * are compared with: a scratch repository, and commands run in it. */
#ifndef KILN_GIT_ORACLE_H
#define KILN_GIT_ORACLE_H

#include <stddef.h>
#include <stdint.h>

/* A new empty repository in a temporary directory (removed at exit); its
 * path, or NULL (and the case is skipped) if git is missing. */
const char *oracle_repo(void);
/* Run `git -C REPO ARGS` (a shell fragment) with `in` (len bytes) on its
 * standard input; its standard output into out (NUL-terminated, at most
 * cap - 1 bytes). Returns the output length, or -1 if git failed. */
long oracle_git(const char *args, const void *in, size_t len, char *out, size_t cap);

#endif
