/* store.h: a git repository on a block device: objects appended as packs to
 * a log, refs in a double-written header, crash-safe commits
 * (docs/store.md has the on-disk format and the guarantees).
 *
 * Layout of a device (every number a multiple of the block size):
 *   [header slot 0][header slot 1][log: pack record, pack record, ...]
 * A header holds a generation number, where the log's valid part ends, and
 * every ref, with a SHA-1 over all of it. A commit appends one pack record
 * after the log's end, flushes, writes the next header into the other slot,
 * and flushes again: only then is it acknowledged. A crash at any point
 * leaves one slot whose checksum holds and whose log is complete: the last
 * acknowledged state or, if the crash came before the second flush
 * returned, possibly the new one; never a mix. Nothing here depends on two
 * blocks being written together.
 *
 * Memory: the objects stay on the device; RAM holds an index of 40 bytes
 * per object (id, record, offset; docs/store.md) and the header.
 */
#ifndef KILN_STORE_H
#define KILN_STORE_H

#include <kiln/git.h>

enum {
	STORE_OK = 0,
	STORE_EIO = -20,       /* the device failed a read, write or flush */
	STORE_ENOSPC = -21,    /* the log is full */
	STORE_EFORMAT = -22,   /* not a kiln store (or a version this code cannot read) */
	STORE_ECORRUPT = -23,  /* both headers damaged, or a log that does not verify */
	STORE_ENOENT = -24,    /* no such object or ref */
	STORE_ECONFLICT = -25, /* a ref was not at the value the caller expected */
	STORE_EINVAL = -26,    /* a bad argument (a ref name, a device too small) */
	STORE_ENOMEM = -27
};

const char *store_strerror(int err);

/* A block device as the store sees it; offsets and lengths given to read
 * and write are whole blocks. Each returns 0 or a negative error. */
struct store_dev {
	uint64_t capacity;   /* bytes */
	uint32_t block_size; /* bytes, a power of two, at least 512 */
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t off, const void *buf, size_t len);
	int (*flush)(void *ctx); /* kiln_block_flush's promise */
	void *ctx;
};

/* The platform's block device `name` (kiln.conf's `block` line) as a store
 * device. STORE_EINVAL if there is none. */
int store_dev_platform(const char *name, struct store_dev *dev);

/* Limits. A ref name is git's "refs/heads/main": at most 255 bytes. The
 * header (every ref) fits one slot. */
#define STORE_REF_MAX 255
#define STORE_SLOT_SIZE (64u << 10)
#define STORE_MAX_REFS 512

struct store_ref {
	char name[STORE_REF_MAX + 1];
	struct git_oid oid;
};

struct store_index;
struct store {
	struct store_dev dev;
	uint64_t generation;
	uint64_t log_start, log_end; /* bytes from the device's start */
	int slot;                    /* the slot the current header is in */
	size_t nrefs;
	struct store_ref refs[STORE_MAX_REFS];
	struct store_index *index;
	/* What recovery found, for a boot message: the generation used and
	 * whether a newer header was refused (a torn last commit). */
	bool recovered_older;
	uint64_t objects;
};

/* Write an empty store onto dev (both headers; the log empty). Destroys
 * whatever the device held. */
int store_format(const struct store_dev *dev);

/* Open the store on dev: read both headers, take the newest whose checksum
 * and log verify (every pack record is indexed and its checksum checked),
 * build the index. STORE_EFORMAT for a device that holds no kiln store,
 * STORE_ECORRUPT if no header and log verify. */
int store_open(struct store *s, const struct store_dev *dev);
void store_close(struct store *s);

/* The object id: type and content in a new buffer (free() it). */
int store_get(struct store *s, const struct git_oid *oid, enum git_type *type,
	      uint8_t **content, size_t *len);
bool store_has(struct store *s, const struct git_oid *oid);

/* A ref's value; STORE_ENOENT if it does not exist. */
int store_ref(const struct store *s, const char *name, struct git_oid *oid);

/* --- Transactions ---------------------------------------------------------
 * Objects and ref updates that become durable together or not at all. */
#define STORE_TXN_REFS 16
struct store_txn {
	struct store *s;
	struct git_pack_writer w;
	struct store_index *pending; /* ids in w, to skip a second copy */
	size_t nupd;
	struct {
		char name[STORE_REF_MAX + 1];
		struct git_oid old, new; /* old all-zero: the ref must not exist;
		                            new all-zero: delete it */
	} upd[STORE_TXN_REFS];
	int err; /* sticky */
};

void store_txn_begin(struct store *s, struct store_txn *t);
/* Add an object (skipped if the store has it); its id in *oid. */
int store_txn_put(struct store_txn *t, enum git_type type, struct view content,
		  struct git_oid *oid);
/* Move a ref from old to new at commit (compare and swap). */
int store_txn_ref(struct store_txn *t, const char *name, const struct git_oid *old,
		  const struct git_oid *new_oid);
/* Make it durable: STORE_OK once the pack and the new header are on stable
 * storage; STORE_ECONFLICT (nothing written) if a ref moved; an I/O error
 * leaves the store as it was before the commit. Ends the transaction. */
int store_txn_commit(struct store_txn *t);
void store_txn_abort(struct store_txn *t);

#endif
