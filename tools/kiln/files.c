/* files.c: `files = DIR` in kiln.conf: the directory baked into the image by
 * kiln-crunch (docs/config.md, docs/kv.md), redone only when it changed. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiln.h"

/* The change check: one line per entry under DIR (path, type, size, mtime
 * in ns), the directory itself and kiln-crunch's own mtime first. Equal
 * text means kiln-crunch would write the same files.c (it reads nothing
 * else but SOURCE_DATE_EPOCH, which goes into the text too). */
static struct {
	char *buf;
	size_t len, cap;
	unsigned entries;
	int overflow;
} walk;

static int add_line(const char *fmt, const char *path, const struct stat *st)
{
	char line[PATH_MAX + 96];
	int n = snprintf(line, sizeof line, fmt, path, (unsigned)(st->st_mode & S_IFMT),
			 (unsigned long long)st->st_size,
			 (long long)st->st_mtim.tv_sec * 1000000000ll + st->st_mtim.tv_nsec);
	if (n < 0 || (size_t)n >= sizeof line)
		return -1;
	if (walk.len + (size_t)n + 1 > walk.cap) {
		size_t cap = walk.cap ? walk.cap * 2 : 1 << 16;
		while (cap < walk.len + (size_t)n + 1)
			cap *= 2;
		char *b = realloc(walk.buf, cap);
		if (b == NULL)
			return -1;
		walk.buf = b;
		walk.cap = cap;
	}
	memcpy(walk.buf + walk.len, line, (size_t)n + 1);
	walk.len += (size_t)n;
	return 0;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)type;
	(void)ftw;
	if (++walk.entries > KILN_FILES_MAX_ENTRIES) {
		walk.overflow = 1;
		return 1;
	}
	return add_line("%s %o %llu %lld\n", path, st) < 0 ? 1 : 0;
}

/* Renames from over to, unless they hold the same bytes (then from goes). */
static int replace_if_changed(const char *from, const char *to, char *err, size_t errlen)
{
	size_t la, lb;
	char *a = read_file(from, (size_t)1 << 34, &la);
	char *b = read_file(to, (size_t)1 << 34, &lb);
	int same = a && b && la == lb && memcmp(a, b, la) == 0;

	free(a);
	free(b);
	if (same)
		return unlink(from), 0;
	if (rename(from, to) < 0) {
		snprintf(err, errlen, "%s: cannot rename: %s", to, strerror(errno));
		return -1;
	}
	return 0;
}

int files_bake(const struct kiln_conf *c, const char *app_dir, const char *root,
	       const char *out_dir, char *err, size_t errlen)
{
	char dir[PATH_MAX], crunch[PATH_MAX], out[PATH_MAX], fresh[PATH_MAX], stamp[PATH_MAX];
	struct stat st;
	int r = -1;

	if (c->files[0] == '/')
		snprintf(dir, sizeof dir, "%s", c->files);
	else if (path_join(dir, sizeof dir, app_dir, c->files) < 0) {
		snprintf(err, errlen, "%s:%d: files path too long", c->path, c->files_line);
		return -1;
	}
	int exists = stat(dir, &st) == 0;
	if (!exists || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s:%d: files directory '%s' %s (%s; the path is relative "
			 "to the appliance directory)", c->path, c->files_line, c->files,
			 exists ? "is not a directory" : "does not exist", dir);
		return -1;
	}
	if (path_join(crunch, sizeof crunch, root, "build/bin/kiln-crunch") < 0 ||
	    path_join(out, sizeof out, out_dir, "files.c") < 0 ||
	    path_join(fresh, sizeof fresh, out_dir, "files.c.new") < 0 ||
	    path_join(stamp, sizeof stamp, out_dir, "files.stamp") < 0) {
		snprintf(err, errlen, "%s: path too long", out_dir);
		return -1;
	}
	struct stat cst;
	if (stat(crunch, &cst) < 0 || access(crunch, X_OK) < 0) {
		snprintf(err, errlen, "%s:%d: 'files' needs %s: run 'make tools' in the kiln "
			 "tree", c->path, c->files_line, crunch);
		return -1;
	}

	memset(&walk, 0, sizeof walk);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (add_line("crunch %s %o %llu %lld\n", crunch, &cst) < 0 ||
	    add_line("SOURCE_DATE_EPOCH=%s %o %llu %lld\n", sde ? sde : "", &st) < 0 ||
	    nftw(dir, visit, 32, FTW_PHYS) != 0) {
		snprintf(err, errlen, "%s:%d: cannot read files directory %s: %s", c->path,
			 c->files_line, dir, walk.overflow ? "more than 100000 entries"
							   : strerror(errno));
		goto out;
	}
	size_t old_len;
	char *old = read_file(stamp, walk.len + 1, &old_len);
	int same = old && old_len == walk.len && memcmp(old, walk.buf, walk.len) == 0 &&
		   access(out, R_OK) == 0;
	free(old);
	if (same) {
		r = 0;
		goto out;
	}
	fprintf(stderr, "kiln: baking %s into %s\n", dir, out);
	char *argv[] = {crunch, dir, fresh, KILN_FILES_SYMBOL, NULL};
	int rc = run_process(argv, true);
	if (rc != 0) {
		snprintf(err, errlen, "%s:%d: kiln-crunch failed on %s (exit %d; its message is "
			 "above)", c->path, c->files_line, dir, rc);
		goto out;
	}
	if (replace_if_changed(fresh, out, err, errlen) < 0 ||
	    gen_write_if_changed(stamp, walk.buf, NULL, err, errlen) < 0)
		goto out;
	r = 0;
out:
	free(walk.buf);
	memset(&walk, 0, sizeof walk);
	return r;
}
