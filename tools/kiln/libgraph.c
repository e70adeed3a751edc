/* libgraph.c: which of kiln's libraries an appliance reaches: the closure of
 * the ones its kiln.conf names through lib/<name>/deps (docs/kiln-tool.md). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiln.h"

bool libgraph_exists(const char *root, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof path, "%s/lib/%s/deps", root, name) >= (int)sizeof path)
		return false;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void libgraph_known(const char *root, char *buf, size_t len)
{
	char path[PATH_MAX], *names[KILN_MAX_LIBS];
	unsigned n = 0;
	size_t used = 0;
	struct dirent *e;
	DIR *d;

	buf[0] = '\0';
	snprintf(path, sizeof path, "%s/lib", root);
	d = opendir(path);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && n < KILN_MAX_LIBS)
		if (e->d_name[0] != '.' && libgraph_exists(root, e->d_name))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], cmp_str);
	for (unsigned i = 0; i < n; i++) {
		if (names[i] && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "",
						 names[i]);
		free(names[i]);
	}
}

/* The graph walk's state: a depth-first search that emits each library after
 * everything it uses (post-order); reversed at the end. */
struct walk {
	const char *root;
	struct lib_list order; /* post-order */
	char *err;
	size_t errlen;
};

static bool listed(const struct lib_list *l, const char *name)
{
	for (unsigned i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return true;
	return false;
}

static int visit(struct walk *w, const char *name, const char *from, unsigned depth,
		 const char *stack[])
{
	char path[PATH_MAX];
	size_t len;

	if (listed(&w->order, name))
		return 0;
	for (unsigned i = 0; i < depth; i++)
		if (strcmp(stack[i], name) == 0)
			return 0; /* a cycle: the linker's group resolves it */
	if (!libgraph_exists(w->root, name)) {
		snprintf(w->err, w->errlen, "%s/lib/%s/deps names unknown library '%s'",
			 w->root, from, name);
		return -1;
	}
	if (depth >= KILN_MAX_LIBS) {
		snprintf(w->err, w->errlen, "library dependencies nest deeper than %d",
			 KILN_MAX_LIBS);
		return -1;
	}
	stack[depth] = name;
	snprintf(path, sizeof path, "%s/lib/%s/deps", w->root, name);
	/* A deps file is one line of names; 64 KiB bounds a wrong one. */
	char *text = read_file(path, 1 << 16, &len);
	if (text == NULL) {
		snprintf(w->err, w->errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	char *save = NULL;
	int r = 0;
	for (char *dep = strtok_r(text, " \t\r\n", &save); dep && r == 0;
	     dep = strtok_r(NULL, " \t\r\n", &save)) {
		if (dep[0] == '#')
			break; /* the rest is a comment */
		if (strlen(dep) > KILN_LIB_NAME_MAX) {
			snprintf(w->err, w->errlen, "%s: bad library name '%.40s'", path, dep);
			r = -1;
		} else
			r = visit(w, dep, name, depth + 1, stack);
	}
	free(text);
	if (r < 0)
		return -1;
	if (w->order.n == KILN_MAX_LIBS) {
		snprintf(w->err, w->errlen, "more than %d libraries", KILN_MAX_LIBS);
		return -1;
	}
	snprintf(w->order.name[w->order.n++], KILN_LIB_NAME_MAX + 1, "%s", name);
	return 0;
}

int libgraph_closure(const char *root, const char *const *roots, unsigned nroots,
		     struct lib_list *out, char *err, size_t errlen)
{
	static struct walk w; /* 4 KiB of names: keep it off the stack */
	const char *stack[KILN_MAX_LIBS + 1];

	memset(&w, 0, sizeof w);
	w.root = root;
	w.err = err;
	w.errlen = errlen;
	for (unsigned i = 0; i < nroots; i++) {
		if (!libgraph_exists(root, roots[i])) {
			snprintf(err, errlen, "unknown library '%s'", roots[i]);
			return -1;
		}
		if (visit(&w, roots[i], "(kiln.conf)", 0, stack) < 0)
			return -1;
	}
	if (visit(&w, "core", "(always)", 0, stack) < 0)
		return -1;
	out->n = w.order.n;
	for (unsigned i = 0; i < w.order.n; i++)
		memcpy(out->name[i], w.order.name[w.order.n - 1 - i], KILN_LIB_NAME_MAX + 1);
	return 0;
}
