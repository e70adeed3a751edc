/* main.c: kiln-store, the host tool for a store's disk image (`kiln store`):
 * init, check, log, import, export (docs/store.md, "On the host"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln_store.h"

static const char usage[] =
	"usage: kiln store init DISK [--size=MiB]     make DISK an empty store (created if missing; default 64 MiB)\n"
	"       kiln store check DISK                 verify headers, every pack, every reachable object\n"
	"       kiln store log DISK [--branch=B] [PATH]  commits of branch B (main), or those that changed PATH\n"
	"       kiln store import DISK GITDIR [--branch=B]  copy a git repository's objects and branches in\n"
	"       kiln store export DISK GITDIR         write the store as a bare git repository\n";

static int open_store(const char *disk, struct store *s, struct store_dev *d)
{
	if (filedev_open(disk, false, 0, d)) {
		perror(disk);
		return -1;
	}
	int rc = store_open(s, d);
	if (rc) {
		fprintf(stderr, "kiln store: %s: %s\n", disk, store_strerror(rc));
		filedev_close(d);
		return -1;
	}
	if (s->recovered_older)
		fprintf(stderr, "kiln store: %s: the newest header did not verify (a commit cut short); "
				"using generation %llu\n", disk, (unsigned long long)s->generation);
	return 0;
}

static int on_commit(void *arg, const struct git_oid *id, const struct git_commit *c, bool removed)
{
	(void)arg;
	char hex[GIT_OID_HEX + 1];
	git_oid_hex(id, hex);
	size_t l = 0;
	while (l < c->message.len && c->message.data[l] != '\n')
		l++;
	printf("%.12s %.*s <%.*s> %s%.*s\n", hex, (int)c->author.name.len,
	       (const char *)c->author.name.data, (int)c->author.email.len,
	       (const char *)c->author.email.data, removed ? "(removed) " : "", (int)l,
	       (const char *)c->message.data);
	return 0;
}

/* Every commit along first parents from head. */
static int first_parents(struct store *s, const struct git_oid *head)
{
	struct git_commit *c = malloc(sizeof *c);
	struct git_oid cur = *head;
	int rc = c ? 0 : STORE_ENOMEM;
	while (!rc) {
		enum git_type t;
		uint8_t *data;
		size_t len;
		if ((rc = store_get(s, &cur, &t, &data, &len)))
			break;
		if (t != GIT_OBJ_COMMIT || git_commit_parse(view_make(data, len), c)) {
			free(data);
			rc = STORE_ECORRUPT;
			break;
		}
		on_commit(NULL, &cur, c, false);
		bool root = c->nparents == 0;
		cur = root ? cur : c->parents[0];
		free(data);
		if (root)
			break;
	}
	free(c);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 3 || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 3 && !(argc == 2 && !strcmp(argv[1], "--help")) ? stderr : stdout);
		return argc < 3 && !(argc == 2 && !strcmp(argv[1], "--help")) ? 2 : 0;
	}
	const char *cmd = argv[1], *disk = argv[2], *branch = "main", *arg = NULL, *only = NULL;
	long size_mib = 64;
	for (int i = 3; i < argc; i++) {
		if (!strncmp(argv[i], "--size=", 7))
			size_mib = strtol(argv[i] + 7, NULL, 10);
		else if (!strncmp(argv[i], "--branch=", 9))
			branch = only = argv[i] + 9;
		else if (!arg && argv[i][0] != '-')
			arg = argv[i];
		else {
			fprintf(stderr, "kiln store: unknown argument '%s'\n%s", argv[i], usage);
			return 2;
		}
	}
	struct store_dev d;
	static struct store s;
	char err[512] = "";
	int rc = 1;
	if (!strcmp(cmd, "init")) {
		if (size_mib < 1 || size_mib > (1 << 20)) {
			fprintf(stderr, "kiln store: --size=%ld: give MiB, 1 to 1048576\n", size_mib);
			return 2;
		}
		if (filedev_open(disk, true, (uint64_t)size_mib << 20, &d)) {
			perror(disk);
			return 1;
		}
		rc = store_format(&d);
		if (rc)
			fprintf(stderr, "kiln store: %s: %s\n", disk, store_strerror(rc));
		else
			printf("%s: an empty store of %llu MiB\n", disk, (unsigned long long)(d.capacity >> 20));
		filedev_close(&d);
		return rc ? 1 : 0;
	}
	if (!strcmp(cmd, "check") || !strcmp(cmd, "log") || !strcmp(cmd, "import") ||
	    !strcmp(cmd, "export")) {
		if ((!strcmp(cmd, "import") || !strcmp(cmd, "export")) && !arg) {
			fprintf(stderr, "kiln store %s: which GITDIR?\n%s", cmd, usage);
			return 2;
		}
		if (open_store(disk, &s, &d))
			return 1;
	} else {
		fprintf(stderr, "kiln store: unknown command '%s'\n%s", cmd, usage);
		return 2;
	}
	if (!strcmp(cmd, "check")) {
		uint64_t n;
		rc = store_walk_check(&s, &n, err, sizeof err);
		if (rc)
			fprintf(stderr, "kiln store: %s: %s\n", disk, err);
		else
			printf("%s: consistent: generation %llu, %llu objects (%llu reachable), %zu refs, "
			       "log %llu of %llu bytes\n", disk, (unsigned long long)s.generation,
			       (unsigned long long)s.objects, (unsigned long long)n, s.nrefs,
			       (unsigned long long)s.log_end, (unsigned long long)d.capacity);
	} else if (!strcmp(cmd, "log")) {
		struct kvgit k;
		rc = kvgit_open(&k, &s, branch);
		if (!rc && !k.has_head)
			rc = KVGIT_ENOENT;
		if (!rc)
			rc = arg ? kvgit_history(&k, arg, (size_t)-1, on_commit, NULL)
				 : first_parents(&s, &k.head);
		if (rc)
			fprintf(stderr, "kiln store: log %s: %s\n", branch, kvgit_strerror(rc));
	} else if (!strcmp(cmd, "import")) {
		rc = gitdir_import(&s, arg, only, err, sizeof err);
		if (rc)
			fprintf(stderr, "kiln store: import: %s\n", err);
	} else {
		rc = gitdir_export(&s, arg, err, sizeof err);
		if (rc)
			fprintf(stderr, "kiln store: export: %s\n", err);
	}
	store_close(&s);
	filedev_close(&d);
	return rc ? 1 : 0;
}
