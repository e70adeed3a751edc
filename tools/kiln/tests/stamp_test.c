/* stamp_test.c: build fingerprints (tools/kiln/stamp.c) over a small tree
 * in a temporary folder: equal for an unchanged tree whatever the order,
 * different after an edit, an added or a removed file; hidden names,
 * backups and _build do not count. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "kiln.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void fp_of(char *out, size_t len)
{
	struct fingerprint f;
	fp_init(&f);
	fp_add_dir(&f, root, 8);
	fp_format(&f, out, len);
}

TEST(fingerprint_follows_the_tree)
{
	char a[40], b[40], err[KILN_ERR_MAX], path[256];
	snprintf(root, sizeof root, "/tmp/kiln-stamp-test-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	snprintf(path, sizeof path, "%s/src", root);
	CHECK_EQ(mkdir_p(path, err, sizeof err), 0);
	put("main.c", "int main;\n");
	put("src/part.c", "int part;\n");
	fp_of(a, sizeof a);
	fp_of(b, sizeof b);
	CHECK_STR(a, b);
	/* Ignored: hidden, backup, _build. */
	snprintf(path, sizeof path, "%s/_build", root);
	CHECK_EQ(mkdir_p(path, err, sizeof err), 0);
	put("_build/x.o", "obj");
	put(".main.c.swp", "swap");
	put("main.c~", "backup");
	fp_of(b, sizeof b);
	CHECK_STR(a, b);
	/* An edit in a subdirectory (same size, new time) counts. */
	struct timespec t[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
	snprintf(path, sizeof path, "%s/src/part.c", root);
	CHECK_EQ(utimensat(AT_FDCWD, path, t, 0), 0);
	fp_of(b, sizeof b);
	CHECK(strcmp(a, b) != 0);
	/* A new file counts; removing it again restores the state but for the
	 * edited time. */
	fp_of(a, sizeof a);
	put("src/new.c", "");
	fp_of(b, sizeof b);
	CHECK(strcmp(a, b) != 0);
	snprintf(path, sizeof path, "%s/src/new.c", root);
	CHECK_EQ(unlink(path), 0);
	fp_of(b, sizeof b);
	CHECK_STR(a, b);
	/* A missing file is a state of its own, different from an empty one. */
	struct fingerprint f1, f2;
	fp_init(&f1);
	fp_init(&f2);
	fp_add_file(&f1, path);
	put("src/new.c", "");
	fp_add_file(&f2, path);
	CHECK(f1.sum != f2.sum);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	CHECK_EQ(system(cmd), 0);
}
