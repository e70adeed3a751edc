/* build.c: `kiln build`: kiln.conf -> generated sources -> the libraries the
 * appliance reaches -> its image (docs/kiln-tool.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

/* What the libraries' make reads: the kiln tree's sources and makefiles
 * for this target, the library list, the kiln tool itself, kiln-crunch and
 * the environment variables make and kiln-crunch take. */
static void lib_inputs(struct fingerprint *f, const char *root, const char *t,
		       const char *libs_words, bool sanitize)
{
	static const char *const dirs[][2] = {
		{"mk", "0"}, {"include", "8"}, {"lib", "1"}, {"libc/src", "0"},
		{"libc/include", "8"}, {"hostnet", "0"}, {"platform", "1"},
	};
	char path[PATH_MAX];

	fp_init(f);
	fp_add_string(f, t);
	fp_add_string(f, libs_words);
	fp_add_string(f, sanitize ? "asan" : "-");
	fp_add_file(f, "/proc/self/exe");
	/* Also what make and kiln-crunch read from outside the tree. */
	if (path_join(path, sizeof path, root, "build/bin/kiln-crunch") == 0)
		fp_add_file(f, path);
	static const char *const env[] = {"CC", "AR", "SOURCE_DATE_EPOCH"};
	for (size_t i = 0; i < sizeof env / sizeof env[0]; i++) {
		const char *v = getenv(env[i]);
		fp_add_string(f, env[i]);
		fp_add_string(f, v ? v : "\1unset");
	}
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (path_join(path, sizeof path, root, dirs[i][0]) == 0)
			fp_add_dir(f, path, dirs[i][1][0] - '0');
}

/* The archives an image links, space-separated, into buf. */
static int archive_list(const char *root, const char *variant, const struct lib_list *libs,
			bool hvt, bool net, char *buf, size_t len)
{
	size_t used = 0;
	int w;

	buf[0] = '\0';
	for (unsigned i = 0; i <= libs->n + 2; i++) {
		const char *l = i < libs->n ? libs->name[i] : i == libs->n ? "platform"
			: i == libs->n + 1 ? (hvt ? "c" : NULL) : (!hvt && net ? "hostnet" : NULL);
		if (l == NULL)
			continue;
		w = snprintf(buf + used, len - used, "%s%s/build/%s/libkiln_%s.a", used ? " " : "",
			     root, variant, l);
		if (w < 0 || (size_t)w >= len - used)
			return -1;
		used += (size_t)w;
	}
	return 0;
}

/* Adds each space-separated path in words. */
static void fp_add_words(struct fingerprint *f, const char *words)
{
	char path[PATH_MAX];

	while (*words) {
		size_t l = strcspn(words, " ");
		if (l > 0 && l < sizeof path) {
			memcpy(path, words, l);
			path[l] = '\0';
			fp_add_file(f, path);
		}
		words += l;
		words += strspn(words, " ");
	}
}

/* The stamp: four fingerprints, the libraries' inputs and outputs and the
 * image's inputs and outputs, as of the last build that succeeded. */
struct build_stamp {
	char lib_in[40], lib_out[40], app_in[40], app_out[40];
};

static void stamp_read(const char *path, struct build_stamp *s)
{
	size_t len;
	char *text = read_file(path, 4096, &len);

	memset(s, 0, sizeof *s);
	if (text && sscanf(text, "%39s %39s %39s %39s", s->lib_in, s->lib_out, s->app_in,
			   s->app_out) != 4)
		memset(s, 0, sizeof *s);
	free(text);
}

int kiln_build(const struct build_req *req, struct build_result *res)
{
	static char text[1 << 16], srcs[1 << 16], archives[(KILN_MAX_LIBS + 3) * (PATH_MAX / 8)];
	char err[KILN_ERR_MAX], conf_path[PATH_MAX], app_dir[PATH_MAX], out_rel[PATH_MAX];
	char out_dir[PATH_MAX], gen[2][PATH_MAX], stamp[PATH_MAX], variant[32];
	char stamp_path[PATH_MAX], flags_stamp[PATH_MAX];
	const char *t = target_name(req->target);
	struct kiln_conf *c = &res->conf;
	struct lib_list libs;
	struct stat st;
	unsigned nsrcs = 0;

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
	if (app_sources(c, req->dir, srcs, sizeof srcs, &nsrcs) < 0)
		return 1;
	if (nsrcs == 0) {
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

	/* NET=1: the appliance declares a net device, so the unix link takes
	 * the host side of net devices and libslirp (mk/appliance.mk). */
	bool has_net = false;
	for (unsigned i = 0; i < c->ndev; i++)
		has_net |= c->dev[i].type == CONF_NET;
	char libs_words[KILN_MAX_LIBS * (KILN_LIB_NAME_MAX + 1) + 1];
	size_t used = 0;
	libs_words[0] = '\0';
	for (unsigned i = 0; i < libs.n; i++)
		used += (size_t)snprintf(libs_words + used, sizeof libs_words - used, "%s%s",
					 i ? " " : "", libs.name[i]);
	if (archive_list(res->root, variant, &libs, req->target == TARGET_HVT, has_net,
			 archives, sizeof archives) < 0)
		return fail("too many libraries");

	/* The fast path: when no input of the libraries or of the image changed
	 * since the last build, and neither did its outputs, there is nothing
	 * to do and make is not run at all. */
	struct fingerprint lib_in, lib_out, app_in, app_out;
	struct build_stamp old;
	char lib_in_s[40], lib_out_s[40], app_in_s[40], app_out_s[40];
	char files_abs[2 * PATH_MAX + 2];
	const char *opt = req->release ? "-O2" : "-Og";
	if (path_join(stamp_path, sizeof stamp_path, out_dir, "kiln.stamp") < 0)
		return fail("path too long");
	stamp_read(stamp_path, &old);
	lib_inputs(&lib_in, res->root, t, libs_words, req->sanitize);
	fp_format(&lib_in, lib_in_s, sizeof lib_in_s);
	fp_init(&app_in);
	fp_add_string(&app_in, lib_in_s);
	fp_add_string(&app_in, opt);
	fp_add_string(&app_in, srcs);
	if (fp_add_dir(&app_in, app_dir, 8) < 0)
		return fail("the appliance directory holds too many files");
	if (c->files[0]) {
		snprintf(files_abs, sizeof files_abs, "%s/%s", app_dir, c->files);
		if (fp_add_dir(&app_in, c->files[0] == '/' ? c->files : files_abs, 16) < 0)
			return fail("the files directory holds too many files");
	}
	fp_format(&app_in, app_in_s, sizeof app_in_s);
	fp_init(&lib_out);
	fp_add_words(&lib_out, archives);
	fp_format(&lib_out, lib_out_s, sizeof lib_out_s);
	fp_init(&app_out);
	fp_add_string(&app_out, lib_out_s);
	fp_add_file(&app_out, res->image);
	fp_format(&app_out, app_out_s, sizeof app_out_s);
	bool libs_current = strcmp(old.lib_in, lib_in_s) == 0 && strcmp(old.lib_out, lib_out_s) == 0;
	if (libs_current && strcmp(old.app_in, app_in_s) == 0 &&
	    strcmp(old.app_out, app_out_s) == 0 && access(res->image, F_OK) == 0) {
		fprintf(stderr, "kiln: %s for %s is up to date\n", c->name, t);
		return 0;
	}

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
	/* The link stamp: what make cannot see changing: the library list, the
	 * host network code, and the application's files (a deleted one leaves
	 * no newer prerequisite). The flags stamp: what every object depends
	 * on, the optimisation level and the application's flags. */
	if (snprintf(text, sizeof text, "LIBS=%s\nNET=%d\nLDFLAGS=%s\nSRCS=%s\n", libs_words,
		     has_net, c->ldflags, srcs) >= (int)sizeof text)
		return fail("too many application files");
	if (path_join(stamp, sizeof stamp, out_dir, "link.stamp") < 0 ||
	    gen_write_if_changed(stamp, text, NULL, err, sizeof err) < 0)
		return fail(err);
	snprintf(text, sizeof text, "OPT=%s\nCFLAGS=%s\n", opt, c->cflags);
	if (path_join(flags_stamp, sizeof flags_stamp, out_dir, "flags.stamp") < 0 ||
	    gen_write_if_changed(flags_stamp, text, NULL, err, sizeof err) < 0)
		return fail(err);

	char a_root[PATH_MAX + 16], a_target[32], a_libs[sizeof libs_words + 8];
	char a_app[PATH_MAX + 16], a_out[PATH_MAX + 16], a_name[KILN_NAME_MAX + 8];
	char a_gen[3 * PATH_MAX + 16], a_stamp[PATH_MAX + 16], a_fstamp[PATH_MAX + 16];
	char a_opt[16], a_cflags[KILN_FLAGS_MAX + 16], a_ldflags[KILN_FLAGS_MAX + 16];
	static char a_srcs[sizeof srcs + 16];
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
	snprintf(a_fstamp, sizeof a_fstamp, "FLAGS_STAMP=%s", flags_stamp);
	snprintf(a_opt, sizeof a_opt, "APP_OPT=%s", opt);
	snprintf(a_cflags, sizeof a_cflags, "USER_CFLAGS=%s", c->cflags);
	snprintf(a_ldflags, sizeof a_ldflags, "USER_LDFLAGS=%s", c->ldflags);
	snprintf(a_srcs, sizeof a_srcs, "APP_SRCS=%s", srcs);

	fprintf(stderr, "kiln: building %s for %s (libraries: %s)\n", c->name, t, libs_words);
	/* The libraries' make only when their inputs or archives changed. */
	if (!libs_current) {
		char *make_libs[] = {"make", "--no-print-directory", "-C", res->root, "-f",
				     "mk/target.mk", a_root, a_target, a_libs, (char *)a_san, NULL};
		int st1 = run_process(make_libs, true);
		if (st1 != 0) {
			kiln_error("building kiln's %s libraries failed (make exit %d)", t, st1);
			return 1;
		}
		fp_init(&lib_out);
		fp_add_words(&lib_out, archives);
		fp_format(&lib_out, lib_out_s, sizeof lib_out_s);
	}
	/* -j2: the other target's syntax check beside the compile; the output
	 * of each command kept together. */
	char *make_app[] = {"make", "--no-print-directory", "-j2", "--output-sync=target",
			    "-C", res->root, "-f",
			    "mk/appliance.mk", a_root, a_target, a_libs, a_app, a_out,
			    a_name, a_gen, a_stamp, a_fstamp, a_opt, a_cflags, a_ldflags,
			    a_srcs, NULL, NULL, NULL, NULL};
	_Static_assert(sizeof make_app / sizeof make_app[0] == 25, "optional slots");
	/* The optional ones last, without holes: argv ends at the first NULL. */
	int na = 21;
	if (a_net)
		make_app[na++] = (char *)a_net;
	if (a_san)
		make_app[na++] = (char *)a_san;
	if (req->ready_fd > 0)
		make_app[na++] = "XCHECK=0";
	static char make_out[1 << 16];
	int st2 = run_process_tee(make_app, make_out, sizeof make_out);
	if (st2 != 0) {
		link_hints(res->root, make_out, &libs);
		kiln_error("building %s failed (make exit %d)", c->name, st2);
		return 1;
	}
	if (req->target == TARGET_HVT) {
		const char *gens_c[4] = {gen[0], gen[1], files_src[0] ? files_src : NULL, NULL};
		if (sse_check(res, out_dir, srcs, gens_c, archives) != 0)
			return 1;
	}
	/* The stamp of this build, its inputs as they were before make ran. */
	fp_init(&app_out);
	fp_add_string(&app_out, lib_out_s);
	fp_add_file(&app_out, res->image);
	fp_format(&app_out, app_out_s, sizeof app_out_s);
	snprintf(text, sizeof text, "%s %s %s %s\n", lib_in_s, lib_out_s, app_in_s, app_out_s);
	if (gen_write_if_changed(stamp_path, text, NULL, err, sizeof err) < 0)
		return fail(err);
	if (req->ready_fd > 0 && !req->sanitize) {
		/* The image first; the other target's check after (it only prints). */
		if (write(req->ready_fd, "r", 1) < 0) {
			/* the watcher is gone: nothing to tell */
		}
		make_app[na - 1] = "xcheck";
		run_process(make_app, true);
	}
	return 0;
}
