/* store_index.c: an open-addressing hash table of object ids, 40 bytes a
 * slot at a load of at most one half (docs/store.md, "Memory"). */
#include "store_index.h"

#include <stdlib.h>
#include <string.h>

struct slot {
	struct git_oid oid;
	uint32_t record; /* UINT32_MAX: empty */
	uint64_t offset;
};

struct record {
	uint64_t dev_off, pack_len;
};

struct store_index {
	struct slot *slots;
	size_t mask, used;
	struct record *records;
	size_t nrecords, records_cap;
};

static size_t hash(const struct git_oid *o)
{
	size_t h;
	memcpy(&h, o->id, sizeof h); /* SHA-1 bytes are already uniform */
	return h;
}

static struct slot *alloc_slots(size_t n)
{
	struct slot *s = malloc(n * sizeof *s);
	if (s)
		for (size_t i = 0; i < n; i++)
			s[i].record = UINT32_MAX;
	return s;
}

struct store_index *store_index_new(void)
{
	struct store_index *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->mask = 255;
	if (!(x->slots = alloc_slots(x->mask + 1))) {
		free(x);
		return NULL;
	}
	return x;
}

void store_index_free(struct store_index *x)
{
	if (x) {
		free(x->slots);
		free(x->records);
		free(x);
	}
}

static struct slot *probe(struct slot *slots, size_t mask, const struct git_oid *oid)
{
	size_t k = hash(oid) & mask;
	while (slots[k].record != UINT32_MAX && git_oid_cmp(&slots[k].oid, oid))
		k = (k + 1) & mask;
	return &slots[k];
}

int store_index_add(struct store_index *x, const struct git_oid *oid, struct store_loc loc)
{
	if ((x->used + 1) * 2 > x->mask + 1) {
		size_t n = (x->mask + 1) * 2;
		struct slot *ns = alloc_slots(n);
		if (!ns)
			return STORE_ENOMEM;
		for (size_t i = 0; i <= x->mask; i++)
			if (x->slots[i].record != UINT32_MAX)
				*probe(ns, n - 1, &x->slots[i].oid) = x->slots[i];
		free(x->slots);
		x->slots = ns;
		x->mask = n - 1;
	}
	struct slot *s = probe(x->slots, x->mask, oid);
	if (s->record == UINT32_MAX) {
		s->oid = *oid;
		s->record = loc.record;
		s->offset = loc.offset;
		x->used++;
	}
	return STORE_OK;
}

bool store_index_find(const struct store_index *x, const struct git_oid *oid, struct store_loc *loc)
{
	struct slot *s = probe(x->slots, x->mask, oid);
	if (s->record == UINT32_MAX)
		return false;
	if (loc) {
		loc->record = s->record;
		loc->offset = s->offset;
	}
	return true;
}

int store_index_record(struct store_index *x, uint64_t dev_off, uint64_t pack_len, uint32_t *id)
{
	if (x->nrecords == x->records_cap) {
		size_t cap = x->records_cap ? x->records_cap * 2 : 16;
		struct record *r = realloc(x->records, cap * sizeof *r);
		if (!r)
			return STORE_ENOMEM;
		x->records = r;
		x->records_cap = cap;
	}
	x->records[x->nrecords].dev_off = dev_off;
	x->records[x->nrecords].pack_len = pack_len;
	*id = (uint32_t)x->nrecords++;
	return STORE_OK;
}

bool store_index_record_get(const struct store_index *x, uint32_t id, uint64_t *dev_off,
			    uint64_t *pack_len)
{
	if (id >= x->nrecords)
		return false;
	*dev_off = x->records[id].dev_off;
	*pack_len = x->records[id].pack_len;
	return true;
}

uint64_t store_index_count(const struct store_index *x)
{
	return x->used;
}
