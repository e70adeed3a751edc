/* gitdir.c: a git repository directory in and out of a store: import reads
 * loose objects, packs and refs with lib/git; export writes one pack, its
 * index and the refs of a bare repository (docs/store.md, "On the host"). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiln_store.h"
#include "../../lib/store/store_index.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void objects_dir(const char *gitdir, char *out, size_t cap)
{
	struct stat st;
	snprintf(out, cap, "%s/objects", gitdir);
	if (stat(out, &st) != 0)
		snprintf(out, cap, "%s/.git/objects", gitdir);
}

static bool hexname(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

struct refs {
	char name[64][STORE_REF_MAX + 1];
	struct git_oid oid[64];
	size_t n;
};

static void ref_add(struct refs *r, const char *name, const char *hex, const char *only)
{
	struct git_oid o;
	if (strncmp(name, "refs/heads/", 11) && strncmp(name, "refs/tags/", 10))
		return;
	if (only && strcmp(name + 11, only))
		return;
	if (r->n == 64 || strlen(name) > STORE_REF_MAX || !git_oid_parse(view_make(hex, 40), &o))
		return;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->name[i], name))
			return; /* a loose ref wins over packed-refs: read first */
	strcpy(r->name[r->n], name);
	r->oid[r->n++] = o;
}

static void loose_refs(const char *root, const char *rel, struct refs *r, const char *only)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char sub[2048], file[4096 + 256];
		snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name);
		snprintf(file, sizeof file, "%s/%s", root, sub);
		struct stat st;
		if (stat(file, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			loose_refs(root, sub, r, only);
			continue;
		}
		size_t len;
		char *t = (char *)slurp(file, &len);
		if (t && len >= 40)
			ref_add(r, sub, t, only);
		free(t);
	}
	closedir(d);
}

static void read_refs(const char *gitdir, struct refs *r, const char *only)
{
	char root[4096];
	struct stat st;
	snprintf(root, sizeof root, "%s/.git", gitdir);
	if (stat(root, &st) != 0)
		snprintf(root, sizeof root, "%s", gitdir);
	loose_refs(root, "refs", r, only);
	char path[4200];
	snprintf(path, sizeof path, "%s/packed-refs", root);
	size_t len;
	char *p = (char *)slurp(path, &len);
	if (!p)
		return;
	char *save, *line = strtok_r(p, "\n", &save);
	for (; line; line = strtok_r(NULL, "\n", &save))
		if (line[0] != '#' && line[0] != '^' && strlen(line) > 41 && line[40] == ' ')
			ref_add(r, line + 41, line, only);
	free(p);
}

int gitdir_import(struct store *s, const char *gitdir, const char *only, char *err, size_t errlen)
{
	char objdir[4096];
	objects_dir(gitdir, objdir, sizeof objdir);
	DIR *d = opendir(objdir);
	if (!d) {
		snprintf(err, errlen, "%s: not a git repository (no objects directory)", gitdir);
		return -1;
	}
	struct store_txn t;
	store_txn_begin(s, &t);
	size_t count = 0;
	int rc = 0;
	struct dirent *e;
	while (!rc && (e = readdir(d))) {
		char sub[4400];
		if (hexname(e->d_name, 2)) {
			snprintf(sub, sizeof sub, "%s/%s", objdir, e->d_name);
			DIR *dd = opendir(sub);
			struct dirent *f;
			while (!rc && dd && (f = readdir(dd))) {
				if (!hexname(f->d_name, 38))
					continue;
				char file[4800];
				snprintf(file, sizeof file, "%s/%s", sub, f->d_name);
				size_t zl, len;
				uint8_t *z = slurp(file, &zl), *content;
				enum git_type ty;
				struct git_oid oid;
				if (!z || git_loose_decode(view_make(z, zl), &ty, &content, &len, &oid)) {
					snprintf(err, errlen, "%s: damaged loose object", file);
					rc = -1;
				} else {
					rc = store_txn_put(&t, ty, view_make(content, len), &oid);
					free(content);
					count++;
				}
				free(z);
			}
			if (dd)
				closedir(dd);
		} else if (!strcmp(e->d_name, "pack")) {
			snprintf(sub, sizeof sub, "%s/pack", objdir);
			DIR *dd = opendir(sub);
			struct dirent *f;
			while (!rc && dd && (f = readdir(dd))) {
				size_t nl = strlen(f->d_name);
				if (nl < 6 || strcmp(f->d_name + nl - 5, ".pack"))
					continue;
				char file[4800];
				snprintf(file, sizeof file, "%s/%s", sub, f->d_name);
				size_t pl;
				uint8_t *pack = slurp(file, &pl);
				struct view pv = view_make(pack, pl);
				struct git_pack_src src = git_pack_src_view(&pv);
				struct git_pack_entry *ent;
				size_t n;
				uint8_t sum[GIT_OID_RAW];
				int gr = pack ? git_pack_index(&src, &ent, &n, sum) : GIT_EINVAL;
				if (gr) {
					snprintf(err, errlen, "%s: %s", file, git_strerror(gr));
					rc = -1;
					free(pack);
					continue;
				}
				struct git_pack_reader r;
				git_pack_reader_init(&r, &src, 32u << 20);
				for (size_t i = 0; !rc && i < n; i++) {
					enum git_type ty;
					uint8_t *content;
					size_t len;
					struct git_oid oid;
					if (git_pack_read(&r, ent[i].offset, &ty, &content, &len)) {
						snprintf(err, errlen, "%s: cannot read an object", file);
						rc = -1;
						break;
					}
					rc = store_txn_put(&t, ty, view_make(content, len), &oid);
					free(content);
					count++;
				}
				git_pack_reader_free(&r);
				free(ent);
				free(pack);
			}
			if (dd)
				closedir(dd);
		}
	}
	closedir(d);
	struct refs *refs = calloc(1, sizeof *refs);
	if (!rc && !refs)
		rc = -1;
	if (!rc)
		read_refs(gitdir, refs, only);
	if (!rc && refs->n == 0) {
		snprintf(err, errlen, "%s: no branch %s%sto import", gitdir, only ? only : "",
			 only ? " " : "");
		rc = -1;
	}
	/* Objects and the first refs in one commit; the rest (a store commit
	 * moves at most STORE_TXN_REFS refs) in more. */
	size_t done = 0;
	for (; !rc && done < refs->n; done++) {
		if (done && done % STORE_TXN_REFS == 0) {
			if ((rc = store_txn_commit(&t)))
				break;
			store_txn_begin(s, &t);
		}
		struct git_oid cur;
		static const struct git_oid zero;
		if (!store_has(s, &refs->oid[done])) {
			if (!t.pending || !store_index_find(t.pending, &refs->oid[done], NULL)) {
				snprintf(err, errlen, "%s points to a missing object", refs->name[done]);
				rc = -1;
				break;
			}
		}
		rc = store_txn_ref(&t, refs->name[done],
				   store_ref(s, refs->name[done], &cur) ? &zero : &cur, &refs->oid[done]);
	}
	if (!rc)
		rc = store_txn_commit(&t);
	else
		store_txn_abort(&t);
	if (rc && !err[0])
		snprintf(err, errlen, "%s", store_strerror(rc));
	if (!rc)
		printf("imported %zu objects and %zu refs from %s\n", count, refs->n, gitdir);
	free(refs);
	return rc ? -1 : 0;
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(data, 1, len, f);
	return (fclose(f) == 0 && n == len) ? 0 : -1;
}

static int mkdirs(const char *gitdir)
{
	const char *sub[] = {"", "/objects", "/objects/pack", "/objects/info", "/refs", "/refs/heads",
			     "/refs/tags"};
	for (size_t i = 0; i < sizeof sub / sizeof *sub; i++) {
		char p[4096];
		snprintf(p, sizeof p, "%s%s", gitdir, sub[i]);
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

int gitdir_export(struct store *s, const char *gitdir, char *err, size_t errlen)
{
	struct git_oid *ids;
	size_t n;
	if (store_walk_list(s, &ids, &n, err, errlen))
		return -1;
	if (mkdirs(gitdir)) {
		snprintf(err, errlen, "%s: cannot create: %s", gitdir, strerror(errno));
		free(ids);
		return -1;
	}
	struct git_pack_writer w;
	git_pack_writer_init(&w);
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		enum git_type t;
		uint8_t *c;
		size_t len;
		if ((rc = store_get(s, &ids[i], &t, &c, &len)))
			break;
		rc = git_pack_add(&w, t, view_make(c, len));
		free(c);
	}
	uint8_t sum[GIT_OID_RAW], *idx = NULL;
	size_t il;
	if (!rc)
		rc = git_pack_finish(&w, sum);
	if (!rc)
		rc = git_idx_write(w.entries, w.count, sum, &idx, &il);
	char path[4200], hex[GIT_OID_HEX + 1];
	struct git_oid so;
	memcpy(so.id, sum, GIT_OID_RAW);
	git_oid_hex(&so, hex);
	if (!rc) {
		snprintf(path, sizeof path, "%s/objects/pack/pack-%s.pack", gitdir, hex);
		rc = write_file(path, w.buf, w.len);
	}
	if (!rc) {
		snprintf(path, sizeof path, "%s/objects/pack/pack-%s.idx", gitdir, hex);
		rc = write_file(path, idx, il);
	}
	const char *head = NULL;
	for (size_t i = 0; !rc && i < s->nrefs; i++) {
		snprintf(path, sizeof path, "%s/%s", gitdir, s->refs[i].name);
		char *slash = strrchr(path, '/');
		*slash = 0;
		char line[GIT_OID_HEX + 2];
		git_oid_hex(&s->refs[i].oid, line);
		line[GIT_OID_HEX] = '\n';
		line[GIT_OID_HEX + 1] = 0;
		/* Nested ref folders (refs/heads/a/b). */
		for (char *p = path + strlen(gitdir) + 1; (p = strchr(p, '/')); p++) {
			*p = 0;
			mkdir(path, 0755);
			*p = '/';
		}
		mkdir(path, 0755);
		*slash = '/';
		rc = write_file(path, line, GIT_OID_HEX + 1);
		if (!strncmp(s->refs[i].name, "refs/heads/", 11) &&
		    (!head || !strcmp(s->refs[i].name, "refs/heads/main")))
			head = s->refs[i].name;
	}
	if (!rc) {
		char h[STORE_REF_MAX + 16];
		snprintf(h, sizeof h, "ref: %s\n", head ? head : "refs/heads/main");
		snprintf(path, sizeof path, "%s/HEAD", gitdir);
		rc = write_file(path, h, strlen(h));
		snprintf(path, sizeof path, "%s/config", gitdir);
		const char *cfg = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n";
		rc = rc ? rc : write_file(path, cfg, strlen(cfg));
	}
	if (rc && !err[0])
		snprintf(err, errlen, "%s: cannot write the repository", gitdir);
	if (!rc)
		printf("exported %zu objects and %zu refs to %s\n", n, s->nrefs, gitdir);
	free(idx);
	git_pack_writer_free(&w);
	free(ids);
	return rc ? -1 : 0;
}
