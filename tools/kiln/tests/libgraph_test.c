/* libgraph_test.c: library closure and generated sources (tools/kiln/
 * libgraph.c, gen.c) over a small lib/ tree made in a temporary folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "kiln.h"

static char root[64];
static char err[KILN_ERR_MAX];

static void lib(const char *name, const char *deps)
{
	char path[256];
	snprintf(path, sizeof path, "%s/lib/%s", root, name);
	mkdir_p(path, err, sizeof err);
	snprintf(path, sizeof path, "%s/lib/%s/deps", root, name);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(deps, f);
		fclose(f);
	}
}

static void remove_tree(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
}

/* A tree: tcp -> ipv4 -> ethernet -> core; udp -> ipv4; http -> tcp;
 * a <-> b (a cycle); bad -> nosuch. */
static void make_tree(void)
{
	if (root[0])
		return;
	snprintf(root, sizeof root, "/tmp/kiln-libgraph-test-%d", (int)getpid());
	atexit(remove_tree);
	lib("core", "\n");
	lib("ethernet", "core\n");
	lib("ipv4", "ethernet core\n");
	lib("udp", "ipv4\n");
	lib("tcp", "ipv4 core # comment names nothing\n");
	lib("http", "tcp\n");
	lib("a", "b\n");
	lib("b", "a core\n");
	lib("bad", "nosuch\n");
}

static int index_of(const struct lib_list *l, const char *name)
{
	for (unsigned i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return (int)i;
	return -1;
}

TEST(core_always)
{
	struct lib_list l;
	make_tree();
	CHECK_EQ(libgraph_closure(root, NULL, 0, &l, err, sizeof err), 0);
	CHECK_EQ(l.n, 1);
	CHECK_STR(l.name[0], "core");
}

TEST(closure_and_order)
{
	struct lib_list l;
	const char *roots[] = {"http", "udp"};
	make_tree();
	CHECK_EQ(libgraph_closure(root, roots, 2, &l, err, sizeof err), 0);
	CHECK_EQ(l.n, 6); /* http tcp udp ipv4 ethernet core; not a, b, bad */
	CHECK(index_of(&l, "a") < 0);
	CHECK(index_of(&l, "bad") < 0);
	/* each library before every library it uses */
	CHECK(index_of(&l, "http") < index_of(&l, "tcp"));
	CHECK(index_of(&l, "tcp") < index_of(&l, "ipv4"));
	CHECK(index_of(&l, "udp") < index_of(&l, "ipv4"));
	CHECK(index_of(&l, "ipv4") < index_of(&l, "ethernet"));
	CHECK(index_of(&l, "ethernet") < index_of(&l, "core"));
}

TEST(cycle_terminates)
{
	struct lib_list l;
	const char *roots[] = {"a"};
	make_tree();
	CHECK_EQ(libgraph_closure(root, roots, 1, &l, err, sizeof err), 0);
	CHECK_EQ(l.n, 3);
	CHECK(index_of(&l, "b") >= 0);
}

TEST(unknown_dependency)
{
	struct lib_list l;
	const char *roots[] = {"bad"};
	make_tree();
	CHECK_EQ(libgraph_closure(root, roots, 1, &l, err, sizeof err), -1);
	CHECK(strstr(err, "lib/bad/deps names unknown library 'nosuch'") != NULL);
}

TEST(conf_unknown_library_names_line)
{
	static struct kiln_conf c;
	make_tree();
	CHECK_EQ(conf_parse(&c, "x/kiln.conf", "name = x\n\nlibs = udp tpc\n", err, sizeof err), 0);
	CHECK_EQ(conf_check_libs(&c, root, err, sizeof err), -1);
	CHECK_STR(err, "x/kiln.conf:3: unknown library 'tpc' (known: a b bad core ethernet http "
		       "ipv4 tcp udp)");
}

TEST(manifest_text)
{
	static struct kiln_conf c;
	static char text[4096];
	CHECK_EQ(conf_parse(&c, "k.conf", "name = x\nnet = service\nblock = disk\n", err,
			    sizeof err), 0);
	CHECK_EQ(gen_manifest(&c, text, sizeof text), 0);
	CHECK(strstr(text, "KILN_MANIFEST(2,\n\tKILN_NET(\"service\"),\n\tKILN_BLOCK(\"disk\"));\n") != NULL);
	CHECK_EQ(conf_parse(&c, "k.conf", "name = x\n", err, sizeof err), 0);
	CHECK_EQ(gen_manifest(&c, text, sizeof text), 0);
	CHECK(strstr(text, "KILN_MANIFEST(0);\n") != NULL);
	CHECK_EQ(gen_manifest(&c, text, 20), -1); /* does not fit: an error, not a cut */
}

TEST(write_if_changed)
{
	char path[128];
	struct stat st1, st2;
	bool changed;
	make_tree();
	snprintf(path, sizeof path, "%s/gen.c", root);
	CHECK_EQ(gen_write_if_changed(path, "one\n", &changed, err, sizeof err), 0);
	CHECK(changed);
	CHECK_EQ(stat(path, &st1), 0);
	usleep(20000);
	CHECK_EQ(gen_write_if_changed(path, "one\n", &changed, err, sizeof err), 0);
	CHECK(!changed);
	CHECK_EQ(stat(path, &st2), 0);
	CHECK_EQ(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec); /* untouched */
	CHECK_EQ(st1.st_ino, st2.st_ino);
	CHECK_EQ(gen_write_if_changed(path, "one!\n", &changed, err, sizeof err), 0);
	CHECK(changed);
	CHECK_EQ(gen_write_if_changed(path, "", &changed, err, sizeof err), 0);
	CHECK(changed);
	size_t len;
	char *back = read_file(path, 100, &len);
	CHECK(back != NULL);
	CHECK_EQ(len, 0);
	free(back);
}

TEST(shell_quoting)
{
	char buf[256];
	char *argv[] = {"a/b", "--net:x=tap0", "it's", "", "two words", NULL};
	shell_join(argv, buf, sizeof buf);
	CHECK_STR(buf, "a/b --net:x=tap0 'it'\\''s' '' 'two words'");
}
