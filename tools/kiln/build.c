/* build.c: `kiln build`: kiln.conf -> generated sources -> the libraries the
 * appliance reaches -> its image (docs/kiln-tool.md). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiln.h"

const char *target_name(enum kiln_target t)
{
	return t == TARGET_HVT ? "hvt" : "unix";
}

static int fail(const char *msg)
{
	kiln_error("%s", msg);
	return 1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of dir's *.c files, sorted, space-separated, into buf. */
static int list_c_files(const char *dir, char *buf, size_t len)
{
	/* An appliance is a handful of files; this bounds a wrong directory. */
	enum { MAX_FILES = 1024 };
	static char *names[MAX_FILES];
	unsigned n = 0;
	size_t used = 0;
	struct dirent *e;
	DIR *d = opendir(dir);
	int r = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l > 2 && strcmp(e->d_name + l - 2, ".c") == 0) {
			if (n == MAX_FILES) {
				r = -1;
				break;
			}
			names[n++] = strdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof names[0], cmp_names);
	for (unsigned i = 0; i < n; i++) {
		int w = names[i] ? snprintf(buf + used, len - used, "%s ", names[i]) : -1;
		if (w < 0 || (size_t)w >= len - used)
			r = -1;
		else
			used += (size_t)w;
		free(names[i]);
	}
	if (r == 0 && used + 2 <= len) {
		buf[used++] = '\n';
		buf[used] = '\0';
	}
	return r;
}

/* True if dir holds a *.c file (the application). */
static bool has_c_file(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (d == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		found = n > 2 && strcmp(e->d_name + n - 2, ".c") == 0;
	}
	closedir(d);
	return found;
}

/* hvt images must hold no SSE/x87 instruction but 128-bit moves, which this
 * machine's hypervisor cannot run (docs/hvt-abi.md 7): scripts/check-sse
 * disassembles the image. A failing image is removed, so that the next
 * build cannot take it for up to date. */
static int check_sse(const struct build_result *res)
{
	char script[PATH_MAX];

	if (path_join(script, sizeof script, res->root, "scripts/check-sse") < 0 ||
	    access(script, X_OK) < 0)
		return 0; /* a tree without the check */
	char *argv[] = {script, (char *)res->image, NULL};
	int st = run_process(argv, true);
	if (st == 0)
		return 0;
	unlink(res->image);
	kiln_error("%s holds floating-point or vector instructions an hvt guest cannot run "
		   "(listed above; docs/hvt-abi.md section 7); image removed", res->image);
	return 1;
}

int kiln_build(const struct build_req *req, struct build_result *res)
{
	static char text[1 << 16];
	char err[KILN_ERR_MAX], conf_path[PATH_MAX], app_dir[PATH_MAX], out_rel[PATH_MAX];
	char out_dir[PATH_MAX], gen[2][PATH_MAX], stamp[PATH_MAX], variant[32];
	const char *t = target_name(req->target);
	struct kiln_conf *c = &res->conf;
	struct lib_list libs;
	struct stat st;

	if (kiln_find_root(res->root, sizeof res->root, err, sizeof err) < 0)
		return fail(err);
	if (stat(req->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		kiln_error("%s: not a directory (give an appliance directory, one with a "
			   "kiln.conf)", req->dir);
		return 1;
	}
	if (path_join(conf_path, sizeof conf_path, req->dir, "kiln.conf") < 0)
		return fail("path too long");
	if (conf_load(c, conf_path, err, sizeof err) < 0 ||
	    conf_check_libs(c, res->root, err, sizeof err) < 0)
		return fail(err);
	if (!has_c_file(req->dir)) {
		kiln_error("%s has no .c file: an appliance defines kiln_main() in one "
			   "(kiln new NAME writes a skeleton)", req->dir);
		return 1;
	}
	if (req->sanitize && req->target != TARGET_UNIX)
		return fail("--sanitize is for the unix target (ASan and UBSan need a "
			    "Linux process)");

	const char *roots[KILN_MAX_LIBS + 1];
	unsigned nroots = 0;
	for (unsigned i = 0; i < c->nlib; i++)
		roots[nroots++] = c->lib[i].name;
	if (c->files[0])
		roots[nroots++] = "kv"; /* files.c is a kv store (kv.h) */
	if (libgraph_closure(res->root, roots, nroots, &libs, err, sizeof err) < 0)
		return fail(err);

	snprintf(variant, sizeof variant, "%s%s", t, req->sanitize ? "-asan" : "");
	if (snprintf(out_rel, sizeof out_rel, "%s/_build/%s", req->dir, variant) >=
		    (int)sizeof out_rel ||
	    realpath(req->dir, app_dir) == NULL)
		return fail("cannot resolve the appliance directory");
	if (strpbrk(app_dir, " \t\n$#:;%\\") || strpbrk(res->root, " \t\n$#:;%\\")) {
		kiln_error("%s: make cannot build in a path holding spaces or any of $#:;%%\\; "
			   "move the appliance or the kiln tree", strpbrk(app_dir, " \t\n$#:;%\\")
			   ? app_dir : res->root);
		return 1;
	}
	if (mkdir_p(out_rel, err, sizeof err) < 0 || realpath(out_rel, out_dir) == NULL)
		return fail(err);
	if (snprintf(res->image, sizeof res->image, "%s/%s.%s", out_rel, c->name, t) >=
	    (int)sizeof res->image)
		return fail("path too long");

	/* Generated sources, rewritten only when they change. */
	int (*gens[2])(const struct kiln_conf *, char *, size_t) = {gen_manifest, gen_appliance};
	const char *gen_names[2] = {"manifest.c", "appliance.c"};
	for (int i = 0; i < 2; i++) {
		if (path_join(gen[i], sizeof gen[i], out_dir, gen_names[i]) < 0 ||
		    gens[i](c, text, sizeof text) < 0)
			return fail("generated source too large");
		if (gen_write_if_changed(gen[i], text, NULL, err, sizeof err) < 0)
			return fail(err);
	}
	/* files = DIR: baked by kiln-crunch when the directory changed. */
	char files_src[PATH_MAX] = "";
	if (c->files[0]) {
		if (files_bake(c, app_dir, res->root, out_dir, err, sizeof err) < 0)
			return fail(err);
		if (path_join(files_src, sizeof files_src, out_dir, "files.c") < 0)
			return fail("path too long");
	}
	/* NET=1: the appliance declares a net device, so the unix link takes
	 * the host side of net devices and libslirp (mk/appliance.mk). */
	bool has_net = false;
	for (unsigned i = 0; i < c->ndev; i++)
		has_net |= c->dev[i].type == CONF_NET;
	/* The link stamp: what make cannot see changing: the library list, the
	 * host network code, and the application's files (a deleted one leaves
	 * no newer prerequisite). */
	char libs_words[KILN_MAX_LIBS * (KILN_LIB_NAME_MAX + 1) + 1];
	size_t used = 0;
	libs_words[0] = '\0';
	for (unsigned i = 0; i < libs.n; i++)
		used += (size_t)snprintf(libs_words + used, sizeof libs_words - used, "%s%s",
					 i ? " " : "", libs.name[i]);
	used = (size_t)snprintf(text, sizeof text, "LIBS=%s\nNET=%d\nSRCS=", libs_words,
			       has_net);
	if (list_c_files(req->dir, text + used, sizeof text - used) < 0)
		return fail("too many application files");
	if (path_join(stamp, sizeof stamp, out_dir, "link.stamp") < 0 ||
	    gen_write_if_changed(stamp, text, NULL, err, sizeof err) < 0)
		return fail(err);

	char a_root[PATH_MAX + 16], a_target[32], a_libs[sizeof libs_words + 8];
	char a_app[PATH_MAX + 16], a_out[PATH_MAX + 16], a_name[KILN_NAME_MAX + 8];
	char a_gen[3 * PATH_MAX + 16], a_stamp[PATH_MAX + 16];
	const char *a_san = req->sanitize ? "SANITIZE=1" : NULL;
	const char *a_net = has_net ? "NET=1" : NULL;
	snprintf(a_root, sizeof a_root, "KILN_ROOT=%s", res->root);
	snprintf(a_target, sizeof a_target, "TARGET=%s", t);
	snprintf(a_libs, sizeof a_libs, "LIBS=%s", libs_words);
	snprintf(a_app, sizeof a_app, "APP_DIR=%s", app_dir);
	snprintf(a_out, sizeof a_out, "OUT_DIR=%s", out_dir);
	snprintf(a_name, sizeof a_name, "NAME=%s", c->name);
	snprintf(a_gen, sizeof a_gen, "GEN_SRCS=%s %s %s", gen[0], gen[1], files_src);
	snprintf(a_stamp, sizeof a_stamp, "LINK_STAMP=%s", stamp);

	fprintf(stderr, "kiln: building %s for %s (libraries: %s)\n", c->name, t, libs_words);
	char *make_libs[] = {"make", "--no-print-directory", "-C", res->root, "-f",
			     "mk/target.mk", a_root, a_target, a_libs, (char *)a_san, NULL};
	int st1 = run_process(make_libs, true);
	if (st1 != 0) {
		kiln_error("building kiln's %s libraries failed (make exit %d)", t, st1);
		return 1;
	}
	char *make_app[] = {"make", "--no-print-directory", "-C", res->root, "-f",
			    "mk/appliance.mk", a_root, a_target, a_libs, a_app, a_out,
			    a_name, a_gen, a_stamp, NULL, NULL, NULL};
	/* The optional ones last, without holes: argv ends at the first NULL. */
	int na = 14;
	if (a_net)
		make_app[na++] = (char *)a_net;
	if (a_san)
		make_app[na++] = (char *)a_san;
	int st2 = run_process(make_app, true);
	if (st2 != 0) {
		kiln_error("building %s failed (make exit %d)", c->name, st2);
		return 1;
	}
	return req->target == TARGET_HVT ? check_sse(res) : 0;
}
