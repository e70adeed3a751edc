/* sources.c: the application's files: kiln.conf's `sources` globs, else
 * every *.c in the appliance directory and its subdirectories
 * (docs/config.md). */
#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiln.h"

static int fail(const char *msg)
{
	kiln_error("%s", msg);
	return -1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds to names[*n] the *.c files under dir (relative to base, prefix
 * being dir's path below base), descending depth levels, skipping hidden
 * names and _build. -1 past max. */
static int find_c_files(const char *base, const char *prefix, int depth, char **names,
			unsigned *n, unsigned max)
{
	char dir[PATH_MAX], rel[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int r = 0;

	if (prefix[0] ? path_join(dir, sizeof dir, base, prefix) < 0
		      : snprintf(dir, sizeof dir, "%s", base) >= (int)sizeof dir)
		return -1;
	if ((d = opendir(dir)) == NULL)
		return 0;
	while (r == 0 && (e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || strcmp(e->d_name, "_build") == 0)
			continue;
		if (snprintf(rel, sizeof rel, "%s%s%s", prefix, prefix[0] ? "/" : "",
			     e->d_name) >= (int)sizeof rel) {
			r = -1;
			break;
		}
		bool dir_entry = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
			struct stat st;
			char full[PATH_MAX];
			dir_entry = path_join(full, sizeof full, base, rel) == 0 &&
				    stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		}
		if (dir_entry) {
			if (depth > 0)
				r = find_c_files(base, rel, depth - 1, names, n, max);
		} else if (l > 2 && strcmp(e->d_name + l - 2, ".c") == 0) {
			/* make takes each path as a word. */
			if (*n == max || strpbrk(rel, " \t\n$#:;%\\"))
				r = -1;
			else if ((names[(*n)++] = strdup(rel)) == NULL)
				r = -1;
		}
	}
	closedir(d);
	return r;
}

/* The application's *.c files, in dir and its subdirectories (except
 * _build and hidden ones), relative to dir, sorted, space-separated into
 * buf. 0 if there is none, -1 if too many or a bad name. */
static int list_c_files(const char *dir, char *buf, size_t len, unsigned *count)
{
	/* An appliance is a handful of files; this bounds a wrong directory. */
	enum { MAX_FILES = 1024, MAX_DEPTH = 8 };
	static char *names[MAX_FILES];
	unsigned n = 0;
	size_t used = 0;
	int r = find_c_files(dir, "", MAX_DEPTH, names, &n, MAX_FILES);

	qsort(names, n, sizeof names[0], cmp_names);
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		int w = names[i] ? snprintf(buf + used, len - used, "%s%s", i ? " " : "",
					    names[i]) : -1;
		if (w < 0 || (size_t)w >= len - used)
			r = -1;
		else
			used += (size_t)w;
		free(names[i]);
	}
	*count = n;
	return r;
}

/* kiln.conf's sources: each glob expanded in dir, the matches relative to
 * dir, sorted and without duplicates, into buf. -1 with a message. */
static int glob_sources(const struct kiln_conf *c, const char *dir, char *buf, size_t len,
			unsigned *count)
{
	enum { MAX_FILES = 1024 };
	static char *names[MAX_FILES];
	char words[KILN_FLAGS_MAX], pattern[PATH_MAX];
	size_t dl = strlen(dir), used = 0;
	unsigned n = 0;
	int r = 0;

	snprintf(words, sizeof words, "%s", c->sources);
	for (char *save, *w = strtok_r(words, " \t", &save); w && r == 0;
	     w = strtok_r(NULL, " \t", &save)) {
		glob_t g;
		if (path_join(pattern, sizeof pattern, dir, w) < 0)
			return fail("path too long");
		int gr = glob(pattern, 0, NULL, &g);
		if (gr == GLOB_NOMATCH) {
			kiln_error("%s:%d: sources: '%s' matches no file", c->path, c->sources_line, w);
			return -1;
		}
		for (size_t i = 0; gr == 0 && i < g.gl_pathc; i++) {
			const char *m = g.gl_pathv[i] + dl + 1;
			size_t ml = strlen(m);
			if (ml < 3 || strcmp(m + ml - 2, ".c") != 0 || strpbrk(m, " \t\n$#:;%\\")) {
				kiln_error("%s:%d: sources: '%s' is not a .c file make can name", c->path,
					   c->sources_line, m);
				r = -1;
				break;
			}
			bool dup = false;
			for (unsigned j = 0; j < n; j++)
				dup |= strcmp(names[j], m) == 0;
			if (dup)
				continue;
			if (n == MAX_FILES || (names[n++] = strdup(m)) == NULL) {
				kiln_error("too many sources");
				r = -1;
				break;
			}
		}
		globfree(&g);
	}
	qsort(names, n, sizeof names[0], cmp_names);
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "", names[i]);
		if (w < 0 || (size_t)w >= len - used)
			r = -1;
		else
			used += (size_t)w;
		free(names[i]);
	}
	*count = n;
	return r;
}

int app_sources(const struct kiln_conf *c, const char *dir, char *buf, size_t len,
		unsigned *count)
{
	*count = 0;
	if (c->sources[0])
		return glob_sources(c, dir, buf, len, count);
	if (list_c_files(dir, buf, len, count) < 0) {
		kiln_error("%s: too many .c files, or one whose path holds a space or any of "
			   "$#:;%%\\", dir);
		return -1;
	}
	return 0;
}
