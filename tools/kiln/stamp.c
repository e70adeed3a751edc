/* stamp.c: build fingerprints: a hash of the names, sizes and modification
 * times of a build's inputs or outputs, so that `kiln build` can tell that
 * nothing changed without running make (docs/kiln-tool.md, "Fast no-op"). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiln.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV_PRIME;
	return h;
}

void fp_init(struct fingerprint *f)
{
	f->sum = 0;
	f->n = 0;
}

/* Each entry is hashed alone and the hashes summed, so that the order in
 * which a directory lists its entries does not matter. */
static void fp_add_stat(struct fingerprint *f, const char *path, const struct stat *st)
{
	uint64_t h = fnv(FNV_OFFSET, path, strlen(path));
	long long v[4] = {(long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
			  (long long)st->st_size, (long long)(st->st_mode & S_IFMT)};
	h = fnv(h, v, sizeof v);
	f->sum += h;
	f->n++;
}

void fp_add_string(struct fingerprint *f, const char *s)
{
	f->sum += fnv(FNV_OFFSET ^ 0x5a, s, strlen(s));
	f->n++;
}

void fp_add_file(struct fingerprint *f, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		memset(&st, 0, sizeof st); /* a missing file is a state of its own */
		st.st_size = -1;
	}
	fp_add_stat(f, path, &st);
}

/* Names a walk skips: hidden files (editor swap files, .git), build output. */
static bool skipped(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' || strcmp(name, "_build") == 0 ||
	       (n > 0 && name[n - 1] == '~');
}

int fp_add_dir(struct fingerprint *f, const char *dir, int depth)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);
	int r = 0;

	if (d == NULL) {
		fp_add_file(f, dir);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (skipped(e->d_name))
			continue;
		if (path_join(path, sizeof path, dir, e->d_name) < 0 || stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth > 0 && (r = fp_add_dir(f, path, depth - 1)) < 0)
				break;
			continue;
		}
		if (f->n > FP_MAX_ENTRIES) {
			r = -1;
			break;
		}
		fp_add_stat(f, path, &st);
	}
	closedir(d);
	return r;
}

void fp_format(const struct fingerprint *f, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx-%u", (unsigned long long)f->sum, f->n);
}
