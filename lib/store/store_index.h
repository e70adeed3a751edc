/* store_index.h: the in-memory index of a store's objects: id -> (pack
 * record, offset in it). Internal to lib/store. */
#ifndef KILN_STORE_INDEX_H
#define KILN_STORE_INDEX_H

#include <kiln/store.h>

struct store_loc {
	uint32_t record; /* index into the record table */
	uint64_t offset; /* of the object within its pack */
};

struct store_index *store_index_new(void);
void store_index_free(struct store_index *x);
/* Add an id (ignored if present); STORE_ENOMEM. */
int store_index_add(struct store_index *x, const struct git_oid *oid, struct store_loc loc);
bool store_index_find(const struct store_index *x, const struct git_oid *oid, struct store_loc *loc);
/* Pack records: where each starts on the device and its pack's length. */
int store_index_record(struct store_index *x, uint64_t dev_off, uint64_t pack_len, uint32_t *id);
bool store_index_record_get(const struct store_index *x, uint32_t id, uint64_t *dev_off,
			    uint64_t *pack_len);
uint64_t store_index_count(const struct store_index *x);

#endif
