/* walk.c: kiln-crunch's directory walk: a sorted, checked list of files. */
#include "crunch.h"
#include "sha256.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kiln/kv.h>

struct walk {
	const char *dir;      /* as given, for messages */
	char root[PATH_MAX];  /* its real path */
	long long mtime_override;
	struct crunch_list *list;
};

static int fail(const char *path, const char *why)
{
	fprintf(stderr, "kiln-crunch: %s: %s\n", path, why);
	return -1;
}

/* True if real (a resolved path) is root or inside it. */
static int inside(const char *root, const char *real)
{
	size_t n = strlen(root);
	if (strcmp(root, "/") == 0)
		return 1;
	return strncmp(real, root, n) == 0 && (real[n] == 0 || real[n] == '/');
}

static int check_key(const char *path, const char *key)
{
	const unsigned char *p;
	if (strlen(key) > KV_MAX_KEY)
		return fail(path, "path longer than KV_MAX_KEY (1024) bytes");
	for (p = (const unsigned char *)key; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return fail(path, "file name holds a control character");
	return 0;
}

static int read_file(const char *path, struct crunch_file *f)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	size_t got = 0;
	if (!fp)
		return fail(path, strerror(errno));
	if (fstat(fileno(fp), &st) < 0) {
		fclose(fp);
		return fail(path, strerror(errno));
	}
	f->size = (size_t)st.st_size;
	f->data = NULL;
	if (f->size) {
		f->data = malloc(f->size);
		if (!f->data) {
			fclose(fp);
			return fail(path, "out of memory");
		}
		got = fread(f->data, 1, f->size, fp);
	}
	fclose(fp);
	if (got != f->size)
		return fail(path, "short read (file changed while reading?)");
	sha256(f->data ? f->data : (const uint8_t *)"", f->size, f->digest);
	return 0;
}

static int add_file(struct walk *w, const char *path, const char *key, const struct stat *st)
{
	struct crunch_list *l = w->list;
	struct crunch_file *f;
	if (check_key(path, key) < 0)
		return -1;
	if (l->count == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct crunch_file *nf = realloc(l->files, cap * sizeof(*nf));
		if (!nf)
			return fail(path, "out of memory");
		l->files = nf, l->cap = cap;
	}
	f = &l->files[l->count];
	memset(f, 0, sizeof(*f));
	f->key = strdup(key);
	if (!f->key)
		return fail(path, "out of memory");
	l->count++;
	if (w->mtime_override >= 0)
		f->mtime_ns = (uint64_t)w->mtime_override * 1000000000ull;
	else
		f->mtime_ns = (uint64_t)st->st_mtim.tv_sec * 1000000000ull +
			      (uint64_t)st->st_mtim.tv_nsec;
	return read_file(path, f);
}

static int walk_dir(struct walk *w, const char *path, const char *prefix, int depth)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;
	if (depth > CRUNCH_MAX_DEPTH)
		return fail(path, "directories nest too deep (a symlink loop?)");
	d = opendir(path);
	if (!d)
		return fail(path, strerror(errno));
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		char child[PATH_MAX], key[PATH_MAX], real[PATH_MAX];
		struct stat st;
		if (de->d_name[0] == '.')
			continue; /* dotfiles, ".", "..": never published */
		if (snprintf(child, sizeof(child), "%s/%s", path, de->d_name) >= (int)sizeof(child) ||
		    snprintf(key, sizeof(key), "%s%s", prefix, de->d_name) >= (int)sizeof(key)) {
			rc = fail(path, "path too long");
			break;
		}
		if (lstat(child, &st) < 0) {
			rc = fail(child, strerror(errno));
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			if (!realpath(child, real)) {
				rc = fail(child, "symlink target does not exist");
				break;
			}
			if (!inside(w->root, real)) {
				char msg[PATH_MAX + 64];
				snprintf(msg, sizeof(msg), "symlink leaves %s (points to %s)", w->dir, real);
				rc = fail(child, msg);
				break;
			}
			if (stat(child, &st) < 0) {
				rc = fail(child, strerror(errno));
				break;
			}
		}
		if (S_ISDIR(st.st_mode)) {
			char sub[PATH_MAX];
			if (snprintf(sub, sizeof(sub), "%s/", key) >= (int)sizeof(sub))
				rc = fail(child, "path too long");
			else
				rc = walk_dir(w, child, sub, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			rc = add_file(w, child, key, &st);
		} else {
			rc = fail(child, "not a regular file or directory");
		}
	}
	if (rc == 0 && errno)
		rc = fail(path, strerror(errno));
	closedir(d);
	return rc;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct crunch_file *)a)->key, ((const struct crunch_file *)b)->key);
}

int crunch_walk(const char *dir, long long mtime_override, struct crunch_list *list)
{
	struct walk w = {.dir = dir, .mtime_override = mtime_override, .list = list};
	struct stat st;
	memset(list, 0, sizeof(*list));
	if (stat(dir, &st) < 0)
		return fail(dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(dir, "not a directory");
	if (!realpath(dir, w.root))
		return fail(dir, strerror(errno));
	if (walk_dir(&w, dir, "", 0) < 0)
		return -1;
	/* Global byte order of whole keys (not per directory): the order
	 * kv_baked's binary search expects. */
	if (list->count)
		qsort(list->files, list->count, sizeof(*list->files), by_key);
	return 0;
}

void crunch_list_free(struct crunch_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->files[i].key);
		free(list->files[i].data);
	}
	free(list->files);
	memset(list, 0, sizeof(*list));
}
