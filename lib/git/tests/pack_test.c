/* pack_test.c: packs and their indexes against stock git: kiln's packs are
 * accepted by git index-pack/verify-pack with the same .idx bytes, git's
 * packs (deep delta chains) are read by kiln object for object. */
#include "harness.h"

#include <kiln/git.h>

#include <sys/stat.h>

#include "git_oracle.inc"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static char out[1 << 16];

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static bool write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

TEST(delta_make_and_apply_round_trip)
{
	static uint8_t base[50000], target[60000];
	for (int round = 0; round < 20; round++) {
		size_t bl = rnd() % sizeof base, tl = rnd() % sizeof target;
		for (size_t i = 0; i < bl; i++)
			base[i] = (uint8_t)(rnd() % 4 ? 'a' + i % 13 : rnd());
		/* The target: pieces of the base, shifted, and new bytes. */
		for (size_t i = 0; i < tl; i++)
			target[i] = bl && rnd() % 8 ? base[(i + round * 7) % bl] : (uint8_t)rnd();
		uint8_t *d;
		size_t dl;
		CHECK_EQ(git_delta_make(view_make(base, bl), view_make(target, tl), &d, &dl), GIT_OK);
		static uint8_t back[60000];
		CHECK_EQ(git_delta_apply(view_make(base, bl), view_make(d, dl), back, sizeof back), GIT_OK);
		CHECK_MEM(back, target, tl);
		/* A wrong base size, and every truncation, are refused. */
		if (bl)
			CHECK(git_delta_apply(view_make(base, bl - 1), view_make(d, dl), back, sizeof back) < 0);
		for (size_t cut = 0; cut < dl; cut += 1 + dl / 50)
			CHECK(git_delta_apply(view_make(base, bl), view_make(d, cut), back, sizeof back) < 0 || tl == 0);
		free(d);
	}
	/* Hostile ops: a copy past the base, the reserved op, an insert past
	 * the end, a result longer than declared. */
	const uint8_t bad[][8] = {
		{4, 4, 0x91, 2, 4},       /* copy 4 at offset 2 of a 4-byte base */
		{4, 1, 0},                /* reserved */
		{4, 3, 5, 'a', 'b'},      /* insert 5, 2 there */
		{4, 1, 2, 'a', 'b'},      /* 2 bytes into a 1-byte result */
	};
	const size_t blen[] = {5, 3, 5, 5};
	uint8_t o[8];
	for (int i = 0; i < 4; i++)
		CHECK(git_delta_apply(view_make("abcd", 4), view_make(bad[i], blen[i]), o, sizeof o) < 0);
}

/* Writes pack and idx as REPO/.git/objects/pack/pack-<sum>.{pack,idx}. */
static void pack_paths(const uint8_t sum[GIT_OID_RAW], char *pack, char *idx, size_t cap)
{
	struct git_oid s;
	memcpy(s.id, sum, GIT_OID_RAW);
	char hex[GIT_OID_HEX + 1];
	git_oid_hex(&s, hex);
	snprintf(pack, cap, "%s/.git/objects/pack/pack-%s.pack", oracle_repo(), hex);
	snprintf(idx, cap, "%s/.git/objects/pack/pack-%s.idx", oracle_repo(), hex);
}

TEST(kiln_packs_are_git_packs)
{
	NEED_GIT();
	struct git_pack_writer w;
	git_pack_writer_init(&w);
	/* Versions of a text, each a delta against the one before, a tree
	 * and a commit naming the last. */
	static char text[20][4096];
	size_t len[20];
	for (int i = 0; i < 20; i++) {
		len[i] = 0;
		for (int line = 0; line < 60; line++)
			len[i] += (size_t)snprintf(text[i] + len[i], sizeof text[i] - len[i],
						   "line %d of the page%s\n", line,
						   line == i * 3 ? ", edited" : "");
		if (i == 0)
			CHECK_EQ(git_pack_add(&w, GIT_OBJ_BLOB, view_make(text[i], len[i])), GIT_OK);
		else
			CHECK_EQ(git_pack_add_delta(&w, GIT_OBJ_BLOB, view_make(text[i], len[i]),
						    (size_t)i - 1, view_make(text[i - 1], len[i - 1])), GIT_OK);
	}
	struct git_tree_entry te = {GIT_MODE_BLOB, view_make("page.md", 7), {{0}}};
	CHECK_EQ(git_hash(GIT_OBJ_BLOB, view_make(text[19], len[19]), &te.oid), GIT_OK);
	uint8_t tree[64];
	long tl = git_tree_write(&te, 1, tree, sizeof tree);
	CHECK(tl > 0);
	CHECK_EQ(git_pack_add(&w, GIT_OBJ_TREE, view_make(tree, (size_t)tl)), GIT_OK);
	struct git_commit c;
	memset(&c, 0, sizeof c);
	CHECK_EQ(git_hash(GIT_OBJ_TREE, view_make(tree, (size_t)tl), &c.tree), GIT_OK);
	c.author = (struct git_person){view_make("K", 1), view_make("k@x.test", 8), 1700000000, "+0000"};
	c.committer = c.author;
	c.message = view_make("pages\n", 6);
	uint8_t cbuf[512];
	long cl = git_commit_write(&c, cbuf, sizeof cbuf);
	CHECK(cl > 0);
	CHECK_EQ(git_pack_add(&w, GIT_OBJ_COMMIT, view_make(cbuf, (size_t)cl)), GIT_OK);
	uint8_t sum[GIT_OID_RAW];
	CHECK_EQ(git_pack_finish(&w, sum), GIT_OK);
	uint8_t *idx;
	size_t il;
	CHECK_EQ(git_idx_write(w.entries, w.count, sum, &idx, &il), GIT_OK);
	char pack_path[256], idx_path[256], cmd[640];
	pack_paths(sum, pack_path, idx_path, sizeof pack_path);
	CHECK(write_file(pack_path, w.buf, w.len));
	/* git index-pack makes its own idx from kiln's pack: the same bytes. */
	snprintf(cmd, sizeof cmd, "index-pack -o '%s.git' '%s'", idx_path, pack_path);
	CHECK(oracle_git(cmd, "", 0, out, sizeof out) > 0);
	size_t gl;
	char gpath[300];
	snprintf(gpath, sizeof gpath, "%s.git", idx_path);
	uint8_t *gidx = read_file(gpath, &gl);
	CHECK(gidx != NULL);
	CHECK_EQ(gl, il);
	CHECK_MEM(gidx, idx, il);
	free(gidx);
	unlink(gpath);
	CHECK(write_file(idx_path, idx, il));
	snprintf(cmd, sizeof cmd, "verify-pack -v '%s'", idx_path);
	CHECK(oracle_git(cmd, "", 0, out, sizeof out) > 0);
	CHECK(strstr(out, "chain length = 19") != NULL);
	/* git reads the objects, and its fsck finds the repository sound. */
	char hex[GIT_OID_HEX + 1];
	git_oid_hex(&te.oid, hex);
	snprintf(cmd, sizeof cmd, "cat-file blob %s", hex);
	CHECK_EQ(oracle_git(cmd, "", 0, out, sizeof out), (long)len[19]);
	CHECK_MEM(out, text[19], len[19]);
	CHECK(oracle_git("fsck --strict --no-dangling", "", 0, out, sizeof out) >= 0);
	/* And kiln reads its own pack back through the index. */
	struct view pv = view_make(w.buf, w.len);
	struct git_pack_src src = git_pack_src_view(&pv);
	struct git_pack_reader r;
	git_pack_reader_init(&r, &src, 1 << 20);
	uint64_t off;
	CHECK_EQ(git_idx_find(view_make(idx, il), &te.oid, &off), GIT_OK);
	enum git_type t;
	uint8_t *content;
	size_t clen;
	CHECK_EQ(git_pack_read(&r, off, &t, &content, &clen), GIT_OK);
	CHECK_EQ(t, GIT_OBJ_BLOB);
	CHECK_EQ(clen, len[19]);
	CHECK_MEM(content, text[19], clen);
	free(content);
	git_pack_reader_free(&r);
	free(idx);
	git_pack_writer_free(&w);
}

/* A repository with history, repacked by git with deep delta chains. */
TEST(git_packs_are_read_object_for_object)
{
	NEED_GIT();
	char cmd[1024];
	/* A shell loop of its own (an identity given: a fresh machine has no
	 * git configuration), then git's own repack with deep chains. */
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && export GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@x.test "
		 "GIT_COMMITTER_NAME=C GIT_COMMITTER_EMAIL=c@x.test && for i in $(seq 1 60); do "
		 "seq 1 $((200 + i * 7)) | sed \"s/^$i\\$/changed $i/\" > a.txt; "
		 "printf \"%%s\\n\" $(seq $i 3 400) > b.txt; mkdir -p d$((i %% 4)); "
		 "echo $i > d$((i %% 4))/f; git add -A && git commit -qm \"c $i\" || exit 1; done && "
		 "git repack -q -adf --depth=50 --window=50 && git count-objects -v",
		 oracle_repo());
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	while (fread(out, 1, sizeof out, p) > 0)
		;
	CHECK_EQ(pclose(p), 0);
	char pattern[300];
	snprintf(pattern, sizeof pattern, "ls %s/.git/objects/pack/*.pack", oracle_repo());
	p = popen(pattern, "r");
	CHECK(p != NULL);
	char path[512] = {0};
	CHECK(fgets(path, sizeof path, p) != NULL);
	pclose(p);
	path[strcspn(path, "\n")] = 0;
	size_t pl, gl;
	uint8_t *pack = read_file(path, &pl);
	CHECK(pack != NULL);
	strcpy(path + strlen(path) - 4, "idx");
	uint8_t *gidx = read_file(path, &gl);
	CHECK(gidx != NULL);
	struct view pv = view_make(pack, pl);
	struct git_pack_src src = git_pack_src_view(&pv);
	struct git_pack_entry *e;
	size_t n;
	uint8_t sum[GIT_OID_RAW];
	CHECK_EQ(git_pack_index(&src, &e, &n, sum), GIT_OK);
	CHECK(n > 200);
	uint8_t *idx;
	size_t il;
	CHECK_EQ(git_idx_write(e, n, sum, &idx, &il), GIT_OK);
	CHECK_EQ(il, gl);
	CHECK_MEM(idx, gidx, il);
	/* Every object read through git's own index hashes to its id, and
	 * a sample equals git cat-file's bytes. */
	struct git_pack_reader r;
	git_pack_reader_init(&r, &src, 4 << 20);
	size_t deltas = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t off;
		CHECK_EQ(git_idx_find(view_make(gidx, gl), &e[i].oid, &off), GIT_OK);
		CHECK_EQ(off, e[i].offset);
		uint8_t first;
		memcpy(&first, pack + off, 1);
		deltas += ((first >> 4) & 7) >= 6;
		enum git_type t;
		uint8_t *content;
		size_t clen;
		CHECK_EQ(git_pack_read(&r, off, &t, &content, &clen), GIT_OK);
		struct git_oid oid;
		CHECK_EQ(git_hash(t, view_make(content, clen), &oid), GIT_OK);
		CHECK_EQ(git_oid_cmp(&oid, &e[i].oid), 0);
		if (i % 37 == 0) {
			char hex[GIT_OID_HEX + 1];
			git_oid_hex(&oid, hex);
			snprintf(cmd, sizeof cmd, "cat-file %s %s", git_type_name(t), hex);
			static char got[1 << 16];
			CHECK_EQ(oracle_git(cmd, "", 0, got, sizeof got), (long)clen);
			CHECK_MEM(got, content, clen);
		}
		free(content);
	}
	CHECK(deltas > n / 4); /* the chains were really there (116 of 360 here) */
	git_pack_reader_free(&r);
	free(idx);
	free(e);
	free(gidx);
	/* Damage: truncations and flipped bytes are errors, never a crash. */
	for (size_t cut = 0; cut < pl; cut += 1 + pl / 40)
		CHECK(({
			struct view tv = view_make(pack, cut);
			struct git_pack_src ts = git_pack_src_view(&tv);
			git_pack_index(&ts, &e, &n, sum) < 0;
		}));
	pack[pl / 2] ^= 0x10;
	CHECK(git_pack_index(&src, &e, &n, sum) == GIT_ECORRUPT);
	free(pack);
}
