/* store_int.h: what lib/store's files share. Internal. */
#ifndef KILN_STORE_INT_H
#define KILN_STORE_INT_H

#include <kiln/store.h>

#include "store_index.h"

#define STORE_MAGIC "KILNSTOR"
#define STORE_VERSION 1
/* A pack record on the log: "KILNPACK", the pack's length (u64), the pack,
 * zeros to the next block. */
#define STORE_RECORD_MAGIC "KILNPACK"
#define STORE_RECORD_HDR 16

/* Read len bytes at any offset (through a cache of whole-block windows);
 * write whole blocks (dropping what the cache holds of them); forget what
 * the cache holds of a device (a store opened or formatted again: another
 * writer, or a crash, may have changed it). */
int store_dev_pread(const struct store_dev *d, uint64_t off, void *buf, size_t len);
int store_dev_pwrite(const struct store_dev *d, uint64_t off, const void *buf, size_t len);
void store_dev_invalidate(const struct store_dev *d);
uint64_t store_round_up(const struct store_dev *d, uint64_t n);

/* Encode the store's current header (generation, log, refs) into buf
 * (STORE_SLOT_SIZE bytes); its length rounded up to whole blocks. */
int store_header_encode(const struct store *s, uint8_t *buf, size_t *len);
/* Decode and verify one slot's bytes into s (generation, log, refs);
 * STORE_EFORMAT if the magic is wrong, STORE_ECORRUPT if the checksum or a
 * field does not hold. */
int store_header_decode(struct store *s, struct view slot);

/* A ref name as a header stores it: 1 to STORE_REF_MAX bytes, none a
 * control character, space or DEL (the header's decoder and transactions
 * both check with it). */
bool store_ref_name_ok(const char *n, size_t len);

#endif
