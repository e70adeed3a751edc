/* crunch_test.c: SHA-256 known answers (FIPS 180-4 examples) and kiln-crunch
 * run on scratch directories: output, determinism, dotfiles, symlinks and
 * the errors it must give. */
#include "harness.h"
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void hex(const uint8_t d[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

TEST(sha256_known_answers)
{
	uint8_t d[32];
	char h[65];
	static char million[1000000];
	sha256("", 0, d), hex(d, h);
	CHECK_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256("abc", 3, d), hex(d, h);
	CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d), hex(d, h);
	CHECK_STR(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	sha256(million, sizeof(million), d), hex(d, h);
	CHECK_STR(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(sha256_split_updates_match_one_shot)
{
	uint8_t buf[300], a[32], b[32];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	/* Every length around the 55/56/64-byte padding edges, split at every
	 * point in 1..len-1 for the short ones. */
	for (size_t len = 0; len <= 130; len++) {
		sha256(buf, len, a);
		for (size_t cut = 0; cut <= len; cut++) {
			struct sha256 s;
			sha256_init(&s);
			sha256_update(&s, buf, cut);
			sha256_update(&s, buf + cut, len - cut);
			sha256_final(&s, b);
			CHECK_MEM(a, b, 32);
		}
	}
}

/* --- kiln-crunch on scratch directories ---------------------------------- */

static char scratch[64];

static void sh(const char *fmt, const char *arg)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), fmt, arg);
	if (system(cmd) != 0)
		fprintf(stderr, "setup command failed: %s\n", cmd);
}

static void make_tree(void)
{
	strcpy(scratch, "/tmp/kiln-crunch-test-XXXXXX");
	if (!mkdtemp(scratch))
		abort();
	sh("cd %s && mkdir -p site/a/b site/.git && printf 'hi\\n' > site/index.html && "
	   ": > site/empty && head -c 5000 /dev/urandom > site/a/b/blob.bin && "
	   "printf 'x' > site/.secret && printf 'y' > site/.git/HEAD && "
	   "printf 'outside' > outside.txt", scratch);
}

/* Run kiln-crunch with args (relative to the scratch dir); returns its exit
 * status, stderr in scratch/err. */
static int crunch(const char *args)
{
	char cmd[1024];
	int rc;
	snprintf(cmd, sizeof(cmd), "cd %s && %s %s 2>err >/dev/null", scratch, CRUNCH_BIN, args);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int file_has(const char *name, const char *needle)
{
	char path[256], *buf;
	FILE *f;
	long n;
	int found;
	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	f = fopen(path, "rb");
	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, n + 1);
	found = fread(buf, 1, n, f) == (size_t)n && strstr(buf, needle) != NULL;
	fclose(f);
	free(buf);
	return found;
}

static int exists(const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	return access(path, F_OK) == 0;
}

static void cleanup(void)
{
	sh("rm -rf %s", scratch);
}

TEST(crunch_writes_sorted_deterministic_output_without_dotfiles)
{
	make_tree();
	CHECK_EQ(crunch("site one.c www"), 0);
	CHECK_EQ(crunch("site two.c www"), 0);
	sh("cd %s && cmp -s one.c two.c && touch same", scratch);
	CHECK(exists("same"));
	CHECK(file_has("one.c", "const struct kv_store www = {&kv_baked_ops, &www_baked};"));
	CHECK(file_has("one.c", "{\"a/b/blob.bin\", 12, www_f0, 5000u,"));
	CHECK(file_has("one.c", "{\"empty\", 5, 0, 0u,"));
	CHECK(file_has("one.c", "{\"index.html\", 10, www_f2, 3u,"));
	CHECK(!file_has("one.c", "secret"));
	CHECK(!file_has("one.c", "HEAD"));
	/* sha256("hi\n") starts 98ea6e4f216f2fb4: the ETag is its first 128 bits. */
	CHECK(file_has("one.c", "\"\\\"98ea6e4f216f2fb4b69fff9b3a44842c\\\"\""));
	cleanup();
}

TEST(crunch_honours_source_date_epoch)
{
	make_tree();
	CHECK_EQ(crunch("site out.c s"), 0);
	CHECK(!file_has("out.c", "1234000000000000000ull"));
	sh("cd %s && SOURCE_DATE_EPOCH=1234 true", scratch);
	{
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "cd %s && SOURCE_DATE_EPOCH=1234000000 %s site out.c s",
			 scratch, CRUNCH_BIN);
		CHECK_EQ(system(cmd), 0);
	}
	CHECK(file_has("out.c", "1234000000000000000ull"));
	cleanup();
}

TEST(crunch_follows_symlinks_inside_dir)
{
	make_tree();
	sh("cd %s/site && ln -s index.html alias.html && ln -s a linked", scratch);
	CHECK_EQ(crunch("site out.c s"), 0);
	CHECK(file_has("out.c", "{\"alias.html\", 10,"));
	CHECK(file_has("out.c", "{\"linked/b/blob.bin\", 17,"));
	cleanup();
}

TEST(crunch_refuses_symlink_leaving_dir)
{
	make_tree();
	sh("cd %s/site && ln -s ../outside.txt leak", scratch);
	CHECK_EQ(crunch("site out.c s"), 1);
	CHECK(file_has("err", "kiln-crunch: site/leak: symlink leaves site (points to "));
	CHECK(!exists("out.c"));
	CHECK(!exists("out.c.tmp"));
	sh("cd %s/site && rm leak && ln -s /etc a/b/etc", scratch);
	CHECK_EQ(crunch("site out.c s"), 1);
	CHECK(file_has("err", "site/a/b/etc: symlink leaves site"));
	cleanup();
}

TEST(crunch_refuses_dangling_symlink_loops_and_odd_files)
{
	make_tree();
	sh("cd %s/site && ln -s nowhere dangling", scratch);
	CHECK_EQ(crunch("site out.c s"), 1);
	CHECK(file_has("err", "site/dangling: symlink target does not exist"));
	sh("cd %s/site && rm dangling && ln -s .. a/up", scratch);
	CHECK_EQ(crunch("site out.c s"), 1);
	CHECK(file_has("err", "directories nest too deep"));
	sh("cd %s/site && rm a/up && mkfifo pipe", scratch);
	CHECK_EQ(crunch("site out.c s"), 1);
	CHECK(file_has("err", "site/pipe: not a regular file or directory"));
	CHECK(!exists("out.c"));
	cleanup();
}

TEST(crunch_usage_errors)
{
	make_tree();
	CHECK_EQ(crunch("site out.c"), 2);
	CHECK(file_has("err", "usage: kiln-crunch DIR OUT.c SYMBOL"));
	CHECK_EQ(crunch("site out.c 9lives"), 2);
	CHECK(file_has("err", "SYMBOL must be a C identifier"));
	CHECK_EQ(crunch("missing out.c s"), 1);
	CHECK(file_has("err", "kiln-crunch: missing: No such file or directory"));
	CHECK_EQ(crunch("outside.txt out.c s"), 1);
	CHECK(file_has("err", "outside.txt: not a directory"));
	CHECK_EQ(crunch("site nodir/out.c s"), 1);
	CHECK(file_has("err", "nodir/out.c.tmp: No such file or directory"));
	cleanup();
}
