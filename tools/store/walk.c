/* walk.c: every object reachable from the store's refs, each read and
 * parsed (kiln store check, and the object list of an export). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln_store.h"

struct oidq {
	struct git_oid *v;
	size_t n, cap;
	size_t *slots; /* index + 1 into v, open addressing */
	size_t mask;
};

static size_t h(const struct git_oid *o)
{
	size_t x;
	memcpy(&x, o->id, sizeof x);
	return x;
}

static bool q_add(struct oidq *q, const struct git_oid *o)
{
	if ((q->n + 1) * 2 > q->mask + 1 || !q->slots) {
		size_t nm = q->slots ? (q->mask + 1) * 2 : 1024;
		size_t *ns = calloc(nm, sizeof *ns);
		if (!ns)
			return false;
		for (size_t i = 0; i < q->n; i++) {
			size_t k = h(&q->v[i]) & (nm - 1);
			while (ns[k])
				k = (k + 1) & (nm - 1);
			ns[k] = i + 1;
		}
		free(q->slots);
		q->slots = ns;
		q->mask = nm - 1;
	}
	size_t k = h(o) & q->mask;
	for (; q->slots[k]; k = (k + 1) & q->mask)
		if (!git_oid_cmp(&q->v[q->slots[k] - 1], o))
			return true; /* seen */
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 1024;
		struct git_oid *v = realloc(q->v, cap * sizeof *v);
		if (!v)
			return false;
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n] = *o;
	q->slots[k] = ++q->n;
	return true;
}

/* Fills q with every reachable id (refs first, breadth first). */
static int walk(struct store *s, struct oidq *q, char *err, size_t errlen)
{
	struct git_commit *c = malloc(sizeof *c);
	if (!c)
		return -1;
	for (size_t i = 0; i < s->nrefs; i++)
		if (!q_add(q, &s->refs[i].oid))
			goto nomem;
	for (size_t i = 0; i < q->n; i++) {
		struct git_oid oid = q->v[i];
		enum git_type t;
		uint8_t *data;
		size_t len;
		char hex[GIT_OID_HEX + 1];
		git_oid_hex(&oid, hex);
		int rc = store_get(s, &oid, &t, &data, &len);
		if (rc) {
			snprintf(err, errlen, "object %s: %s", hex, store_strerror(rc));
			free(c);
			return -1;
		}
		struct view v = view_make(data, len);
		bool ok = true;
		if (t == GIT_OBJ_COMMIT) {
			ok = !git_commit_parse(v, c) && q_add(q, &c->tree);
			for (size_t p = 0; ok && p < c->nparents; p++)
				ok = q_add(q, &c->parents[p]);
		} else if (t == GIT_OBJ_TREE) {
			struct git_tree_iter it;
			struct git_tree_entry e;
			int r;
			git_tree_iter_start(&it, v);
			while (ok && (r = git_tree_next(&it, &e)) == 1)
				if (e.mode != GIT_MODE_GITLINK)
					ok = q_add(q, &e.oid);
			ok = ok && r == 0;
		} else if (t == GIT_OBJ_TAG) {
			struct git_tag tag;
			ok = !git_tag_parse(v, &tag) && q_add(q, &tag.object);
		}
		free(data);
		if (!ok) {
			snprintf(err, errlen, "object %s (%s) is malformed", hex, git_type_name(t));
			free(c);
			return -1;
		}
	}
	free(c);
	return 0;
nomem:
	free(c);
	snprintf(err, errlen, "out of memory");
	return -1;
}

int store_walk_check(struct store *s, uint64_t *objects, char *err, size_t errlen)
{
	struct oidq q = {0};
	int rc = walk(s, &q, err, errlen);
	*objects = q.n;
	free(q.v);
	free(q.slots);
	return rc;
}

/* For export: the reachable ids in a new array. */
int store_walk_list(struct store *s, struct git_oid **ids, size_t *n, char *err, size_t errlen)
{
	struct oidq q = {0};
	int rc = walk(s, &q, err, errlen);
	free(q.slots);
	if (rc) {
		free(q.v);
		return rc;
	}
	*ids = q.v;
	*n = q.n;
	return 0;
}
