/* kvgit_test.c: the read-write KV on a store: values, directories,
 * transactions as commits, conflicts, history, branches, and the result
 * checked by stock git (every object exported, fsck --strict, git show). */
#include "harness.h"

#include <stdio.h>
#include <sys/stat.h>

#include <kiln/kvgit.h>

#include "../../git/tests/git_oracle.inc"
#include "../../store/tests/memdev.h"

static char out_[4096];
static char *out_buf(void) { return out_; }

static struct memdev m;
static struct store s;

static void fresh(void)
{
	memdev_init(&m, 8192, 512);
	struct store_dev d = memdev_dev(&m);
	store_format(&d);
	store_open(&s, &d);
}

static void done(void)
{
	store_close(&s);
	memdev_free(&m);
}

static const struct git_person ed = {{(const uint8_t *)"Ed Itor", 7},
				     {(const uint8_t *)"ed@wiki.test", 12}, 1700000000, "+0100"};

static int put(struct kvgit *k, const char *path, const char *val, const char *msg)
{
	struct kvgit_txn t;
	kvgit_txn_begin(k, &t);
	if (val)
		kvgit_txn_set(&t, path, view_make(val, strlen(val)));
	else
		kvgit_txn_remove(&t, path);
	return kvgit_txn_commit(&t, &ed, msg, NULL);
}

static bool has(struct kvgit *k, const char *path, const char *val)
{
	uint8_t *v;
	size_t len;
	if (kvgit_get(k, path, &v, &len))
		return false;
	bool ok = len == strlen(val) && !memcmp(v, val, len);
	free(v);
	return ok;
}

static int collect(void *arg, const char *name, bool is_dir)
{
	char *out = arg;
	strcat(out, name);
	strcat(out, is_dir ? "/ " : " ");
	return 0;
}

TEST(set_get_list_remove)
{
	fresh();
	struct kvgit k;
	CHECK_EQ(kvgit_open(&k, &s, "main"), KVGIT_OK);
	uint8_t *v;
	size_t len;
	CHECK_EQ(kvgit_get(&k, "pages/Home.md", &v, &len), KVGIT_ENOENT);
	struct kvgit_txn t;
	kvgit_txn_begin(&k, &t);
	kvgit_txn_set(&t, "pages/Home.md", view_make("# Home\n", 7));
	kvgit_txn_set(&t, "pages/About.md", view_make("about\n", 6));
	kvgit_txn_set(&t, "README", view_make("readme\n", 7));
	kvgit_txn_set(&t, "pages/deep/er/x", view_make("x", 1));
	kvgit_txn_set(&t, "README", view_make("readme v2\n", 10)); /* the later wins */
	CHECK_EQ(kvgit_txn_commit(&t, &ed, "first\n", NULL), KVGIT_OK);
	CHECK(has(&k, "pages/Home.md", "# Home\n"));
	CHECK(has(&k, "README", "readme v2\n"));
	CHECK(has(&k, "pages/deep/er/x", "x"));
	char list[256] = "";
	CHECK_EQ(kvgit_list(&k, "", collect, list), KVGIT_OK);
	CHECK_STR(list, "README pages/ ");
	list[0] = 0;
	CHECK_EQ(kvgit_list(&k, "pages", collect, list), KVGIT_OK);
	CHECK_STR(list, "About.md Home.md deep/ ");
	/* Removing the only file of a directory removes the directory. */
	CHECK_EQ(put(&k, "pages/deep/er/x", NULL, "rm\n"), KVGIT_OK);
	list[0] = 0;
	CHECK_EQ(kvgit_list(&k, "pages", collect, list), KVGIT_OK);
	CHECK_STR(list, "About.md Home.md ");
	CHECK_EQ(put(&k, "nothing/here", NULL, "rm nothing\n"), KVGIT_OK);
	/* A reader opened afresh (a reboot) sees the same. */
	store_close(&s);
	struct store_dev d = memdev_dev(&m);
	CHECK_EQ(store_open(&s, &d), STORE_OK);
	CHECK_EQ(kvgit_open(&k, &s, "main"), KVGIT_OK);
	CHECK(has(&k, "pages/About.md", "about\n"));
	done();
}

TEST(bad_paths_and_shapes_are_refused)
{
	fresh();
	struct kvgit k;
	CHECK_EQ(kvgit_open(&k, &s, "main"), KVGIT_OK);
	const char *bad[] = {"", "/a", "a/", "a//b", ".", "a/../b", ".git/config", "a/.GIT"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK_EQ(put(&k, bad[i], "v", "m\n"), KVGIT_EINVAL);
	CHECK_EQ(put(&k, "a", "value", "m\n"), KVGIT_OK);
	CHECK_EQ(put(&k, "a/b", "v", "m\n"), KVGIT_EINVAL); /* a is a value */
	CHECK_EQ(put(&k, "d/e", "v", "m\n"), KVGIT_OK);
	CHECK_EQ(put(&k, "d", "v", "m\n"), KVGIT_EINVAL); /* d is a directory */
	struct kvgit b;
	CHECK_EQ(kvgit_open(&b, &s, "bad..name"), KVGIT_EINVAL);
	CHECK_EQ(kvgit_open(&b, &s, "-x"), KVGIT_EINVAL);
	done();
}

TEST(a_moved_branch_is_a_conflict)
{
	fresh();
	struct kvgit a, b;
	CHECK_EQ(kvgit_open(&a, &s, "main"), KVGIT_OK);
	CHECK_EQ(kvgit_open(&b, &s, "main"), KVGIT_OK);
	CHECK_EQ(put(&a, "x", "from a", "a\n"), KVGIT_OK);
	uint64_t gen = s.generation;
	CHECK_EQ(put(&b, "x", "from b", "b\n"), KVGIT_ECONFLICT);
	CHECK_EQ(s.generation, gen);
	CHECK_EQ(kvgit_refresh(&b), KVGIT_OK);
	CHECK(has(&b, "x", "from a"));
	CHECK_EQ(put(&b, "x", "from b", "b\n"), KVGIT_OK);
	CHECK_EQ(kvgit_refresh(&a), KVGIT_OK);
	CHECK(has(&a, "x", "from b"));
	done();
}

struct hist {
	char msgs[256];
	int removed;
};

static int on_commit(void *arg, const struct git_oid *id, const struct git_commit *c, bool removed)
{
	struct hist *h = arg;
	(void)id;
	strncat(h->msgs, (const char *)c->message.data, c->message.len);
	h->removed += removed;
	return 0;
}

TEST(history_of_a_key_and_branches)
{
	fresh();
	struct kvgit k;
	CHECK_EQ(kvgit_open(&k, &s, "main"), KVGIT_OK);
	CHECK_EQ(put(&k, "p", "1", "one\n"), KVGIT_OK);
	CHECK_EQ(put(&k, "q", "1", "two\n"), KVGIT_OK);
	CHECK_EQ(put(&k, "p", "2", "three\n"), KVGIT_OK);
	CHECK_EQ(put(&k, "p", "2", "four (same value)\n"), KVGIT_OK);
	CHECK_EQ(put(&k, "p", NULL, "five\n"), KVGIT_OK);
	struct hist h = {"", 0};
	CHECK_EQ(kvgit_history(&k, "p", 10, on_commit, &h), KVGIT_OK);
	CHECK_STR(h.msgs, "five\nthree\none\n");
	CHECK_EQ(h.removed, 1);
	h = (struct hist){"", 0};
	CHECK_EQ(kvgit_history(&k, "p", 2, on_commit, &h), KVGIT_OK);
	CHECK_STR(h.msgs, "five\nthree\n");
	/* A branch from main's head, changed apart from it. */
	CHECK_EQ(kvgit_branch_create(&s, "draft", &k.head), KVGIT_OK);
	CHECK_EQ(kvgit_branch_create(&s, "draft", &k.head), KVGIT_ECONFLICT);
	struct kvgit d;
	CHECK_EQ(kvgit_open(&d, &s, "draft"), KVGIT_OK);
	CHECK_EQ(put(&d, "q", "draft", "on draft\n"), KVGIT_OK);
	CHECK(has(&d, "q", "draft"));
	CHECK(has(&k, "q", "1"));
	CHECK_EQ(kvgit_branch_delete(&s, "draft"), KVGIT_OK);
	CHECK_EQ(kvgit_branch_delete(&s, "draft"), KVGIT_ENOENT);
	done();
}

/* Everything the KV wrote is a git repository: export each object of the
 * branch as a loose object and ask git. */
static int export_obj(const struct git_oid *oid)
{
	enum git_type t;
	uint8_t *c, *z;
	size_t len, zl;
	struct git_oid check;
	if (store_get(&s, oid, &t, &c, &len))
		return -1;
	int rc = git_loose_encode(t, view_make(c, len), &z, &zl, &check);
	char hex[41], path[300];
	git_oid_hex(oid, hex);
	snprintf(path, sizeof path, "%s/.git/objects/%.2s", oracle_repo(), hex);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/.git/objects/%.2s/%s", oracle_repo(), hex, hex + 2);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(z, 1, zl, f);
		fclose(f);
	}
	/* Walk: commits name trees and parents, trees name entries. */
	if (t == GIT_OBJ_COMMIT) {
		struct git_commit cm;
		git_commit_parse(view_make(c, len), &cm);
		rc |= export_obj(&cm.tree);
		for (size_t i = 0; i < cm.nparents; i++)
			rc |= export_obj(&cm.parents[i]);
	} else if (t == GIT_OBJ_TREE) {
		struct git_tree_iter it;
		struct git_tree_entry e;
		git_tree_iter_start(&it, view_make(c, len));
		while (git_tree_next(&it, &e) == 1)
			rc |= export_obj(&e.oid);
	}
	free(c);
	free(z);
	return rc;
}

TEST(the_store_is_a_git_repository)
{
	if (!oracle_repo()) {
		test_skip("git is not installed");
		return;
	}
	fresh();
	struct kvgit k;
	CHECK_EQ(kvgit_open(&k, &s, "main"), KVGIT_OK);
	CHECK_EQ(put(&k, "pages/Home.md", "# Home\nwelcome\n", "create Home\n"), KVGIT_OK);
	CHECK_EQ(put(&k, "pages/a b/ünï.md", "odd name\n", "odd\n"), KVGIT_OK);
	CHECK_EQ(put(&k, "pages/Home.md", "# Home\nwelcome back\n", "edit Home\n\nwith a body\n"), KVGIT_OK);
	CHECK_EQ(export_obj(&k.head), 0);
	char hex[41], cmd[200];
	git_oid_hex(&k.head, hex);
	snprintf(cmd, sizeof cmd, "update-ref refs/heads/main %s", hex);
	CHECK(oracle_git(cmd, "", 0, out_buf(), 4096) >= 0);
	CHECK(oracle_git("fsck --strict --no-dangling", "", 0, out_buf(), 4096) >= 0);
	CHECK(oracle_git("show main:pages/Home.md", "", 0, out_buf(), 4096) > 0);
	CHECK_STR(out_buf(), "# Home\nwelcome back\n");
	CHECK(oracle_git("log --format=%an/%s main", "", 0, out_buf(), 4096) > 0);
	CHECK_STR(out_buf(), "Ed Itor/edit Home\nEd Itor/odd\nEd Itor/create Home\n");
	CHECK(oracle_git("log --format=%s main -- pages/Home.md", "", 0, out_buf(), 4096) > 0);
	CHECK_STR(out_buf(), "edit Home\ncreate Home\n");
	done();
}

/* Random transactions against a model: after each commit, every key the
 * model holds reads back, and the listing of each directory matches. */
TEST(random_transactions_match_a_model)
{
	fresh();
	struct kvgit k;
	CHECK_EQ(kvgit_open(&k, &s, "main"), KVGIT_OK);
	static const char *paths[] = {"a", "b/c", "b/d", "b/e/f", "g/h/i/j", "g/h/k", "z"};
	enum { NP = 7 };
	int model[NP] = {0}; /* 0: absent, else the value's number */
	uint64_t r = 7;
	for (int round = 0; round < 150; round++) {
		struct kvgit_txn t;
		int next[NP];
		memcpy(next, model, sizeof next);
		kvgit_txn_begin(&k, &t);
		int nops = 1 + round % 4;
		for (int o = 0; o < nops; o++) {
			r = r * 6364136223846793005ull + 1442695040888963407ull;
			int p = (int)((r >> 33) % NP);
			if ((r >> 20) % 4 == 0) {
				kvgit_txn_remove(&t, paths[p]);
				next[p] = 0;
			} else {
				char v[32];
				int vn = round * 10 + o + 1;
				snprintf(v, sizeof v, "v%d", vn);
				kvgit_txn_set(&t, paths[p], view_make(v, strlen(v)));
				next[p] = vn;
			}
		}
		CHECK_EQ(kvgit_txn_commit(&t, &ed, "r\n", NULL), KVGIT_OK);
		memcpy(model, next, sizeof model);
		for (int p = 0; p < NP; p++) {
			uint8_t *v;
			size_t len;
			int rc = kvgit_get(&k, paths[p], &v, &len);
			if (!model[p]) {
				CHECK_EQ(rc, KVGIT_ENOENT);
				continue;
			}
			CHECK_EQ(rc, KVGIT_OK);
			char want[32];
			snprintf(want, sizeof want, "v%d", model[p]);
			CHECK_EQ(len, strlen(want));
			CHECK_MEM(v, want, len);
			free(v);
		}
		/* b/ exists exactly when one of its keys does. */
		char list[128] = "";
		int rc = kvgit_list(&k, "b", collect, list);
		CHECK_EQ(rc, model[1] || model[2] || model[3] ? KVGIT_OK : KVGIT_ENOENT);
	}
	done();
}

struct conflicts {
	char paths[256];
	int both_sides;
};

static void on_conflict(void *arg, const char *path, const struct git_oid *o, const struct git_oid *t)
{
	struct conflicts *c = arg;
	strcat(c->paths, path);
	strcat(c->paths, " ");
	c->both_sides += o && t;
}

static enum kvgit_merge_result concat(void *arg, const char *path, const struct view *b,
				      const struct view *o, const struct view *t, uint8_t **out,
				      size_t *len)
{
	(void)arg, (void)path, (void)b;
	if (!o || !t)
		return KVGIT_MERGE_CONFLICT;
	*len = o->len + t->len;
	*out = malloc(*len);
	memcpy(*out, o->data, o->len);
	memcpy(*out + o->len, t->data, t->len);
	return KVGIT_MERGE_TAKE;
}

static size_t parents_of(const struct git_oid *commit)
{
	enum git_type ty;
	uint8_t *c;
	size_t len;
	struct git_commit cm;
	if (store_get(&s, commit, &ty, &c, &len))
		return 99;
	size_t n = git_commit_parse(view_make(c, len), &cm) ? 99 : cm.nparents;
	free(c);
	return n;
}

/* Irmin's merge cases: different keys, equal changes, different changes,
 * deletes against no change and against a change; a merge function;
 * fast-forward and already merged. */
TEST(three_way_merge)
{
	fresh();
	struct kvgit main_, other;
	CHECK_EQ(kvgit_open(&main_, &s, "main"), KVGIT_OK);
	struct kvgit_txn t;
	kvgit_txn_begin(&main_, &t);
	const char *keys[] = {"a", "b", "same", "diff", "del-unchanged", "del-changed", "f/x"};
	for (size_t i = 0; i < 7; i++)
		kvgit_txn_set(&t, keys[i], view_make("base", 4));
	CHECK_EQ(kvgit_txn_commit(&t, &ed, "base\n", NULL), KVGIT_OK);
	CHECK_EQ(kvgit_branch_create(&s, "other", &main_.head), KVGIT_OK);
	CHECK_EQ(kvgit_open(&other, &s, "other"), KVGIT_OK);
	/* Fast-forward: other gains a commit, main has none of its own. */
	CHECK_EQ(put(&other, "ff", "x", "ff\n"), KVGIT_OK);
	struct git_oid res;
	CHECK_EQ(kvgit_merge(&main_, &other.head, NULL, NULL, NULL, NULL, &ed, "m\n", &res), KVGIT_OK);
	CHECK_EQ(git_oid_cmp(&res, &other.head), 0);
	CHECK_EQ(kvgit_merge(&main_, &other.head, NULL, NULL, NULL, NULL, &ed, "m\n", &res), KVGIT_OK);
	CHECK_EQ(git_oid_cmp(&res, &other.head), 0); /* already contained */
	/* Diverge. */
	kvgit_txn_begin(&main_, &t);
	kvgit_txn_set(&t, "a", view_make("ours", 4));
	kvgit_txn_set(&t, "same", view_make("both", 4));
	kvgit_txn_set(&t, "diff", view_make("ours", 4));
	kvgit_txn_set(&t, "del-changed", view_make("ours", 4));
	CHECK_EQ(kvgit_txn_commit(&t, &ed, "ours\n", NULL), KVGIT_OK);
	kvgit_txn_begin(&other, &t);
	kvgit_txn_set(&t, "b", view_make("theirs", 6));
	kvgit_txn_set(&t, "same", view_make("both", 4));
	kvgit_txn_set(&t, "diff", view_make("theirs", 6));
	kvgit_txn_remove(&t, "del-unchanged");
	kvgit_txn_remove(&t, "del-changed");
	kvgit_txn_set(&t, "f/y", view_make("new", 3));
	CHECK_EQ(kvgit_txn_commit(&t, &ed, "theirs\n", NULL), KVGIT_OK);
	/* Without a merge function: two conflicts, reported, nothing written. */
	struct git_oid before = main_.head;
	struct conflicts c = {"", 0};
	CHECK_EQ(kvgit_merge(&main_, &other.head, NULL, NULL, on_conflict, &c, &ed, "merge\n", &res),
		 KVGIT_EMERGE);
	CHECK_STR(c.paths, "del-changed diff ");
	CHECK_EQ(c.both_sides, 1); /* del-changed: theirs is absent */
	CHECK_EQ(git_oid_cmp(&main_.head, &before), 0);
	/* Resolve the changed-on-both-sides key by concatenating; the
	 * delete-against-change stays a conflict, so make that agree first. */
	CHECK_EQ(put(&main_, "del-changed", NULL, "agree\n"), KVGIT_OK);
	c = (struct conflicts){"", 0};
	CHECK_EQ(kvgit_merge(&main_, &other.head, concat, NULL, on_conflict, &c, &ed, "merge\n", &res),
		 KVGIT_OK);
	CHECK_STR(c.paths, "");
	CHECK_EQ(parents_of(&res), 2);
	CHECK(has(&main_, "a", "ours"));
	CHECK(has(&main_, "b", "theirs"));
	CHECK(has(&main_, "same", "both"));
	CHECK(has(&main_, "diff", "ourstheirs"));
	CHECK(has(&main_, "f/x", "base"));
	CHECK(has(&main_, "f/y", "new"));
	uint8_t *v;
	size_t len;
	CHECK_EQ(kvgit_get(&main_, "del-unchanged", &v, &len), KVGIT_ENOENT);
	CHECK_EQ(kvgit_get(&main_, "del-changed", &v, &len), KVGIT_ENOENT);
	done();
}
