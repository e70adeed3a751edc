/* git.h: git's object model: object ids, the four object types, their exact
 * byte formats, and loose objects (docs/git.md).
 *
 * What git stores is content-addressed: an object's id is the SHA-1 of
 * "<type> <size>\0" followed by its bytes, so an id computed here equals
 * the one `git hash-object`, `git mktree` and `git commit-tree` print for the
 * same content. SHA-1 is computed with collision detection (sha1dc, the
 * implementation git itself uses): content crafted to collide is refused
 * (GIT_ECOLLISION), as git refuses it.
 *
 * Every parser here reads through checked views and validates what git's
 * `fsck --strict` checks for the same object, so an object that parses here
 * is one git accepts, and a hostile object (a length lie, a name with '/',
 * an unsorted tree, a truncated header) is an error code, never a crash.
 * Nothing here allocates except the loose-object codec, whose memory is
 * bounded by the limits below and freed before it returns.
 */
#ifndef KILN_GIT_H
#define KILN_GIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kiln/view.h>

/* Results: 0 or a negative code. */
enum {
	GIT_OK = 0,
	GIT_EINVAL = -1,     /* malformed object or argument */
	GIT_ELIMIT = -2,     /* over one of the limits below */
	GIT_ENOSPC = -3,     /* the caller's output buffer is too small */
	GIT_ECOLLISION = -4, /* SHA-1 collision attack detected in the content */
	GIT_ENOMEM = -5,     /* allocation failed */
	GIT_ECORRUPT = -6    /* compressed data is damaged or does not match its header */
};

/* A short English description of a GIT_E* code ("unknown error" otherwise). */
const char *git_strerror(int err);

/* --- Limits (each refused with GIT_ELIMIT) ----------------------------------
 * An object is held whole in memory when it is parsed, so its size bounds
 * what one request can cost; 64 MiB is larger than any text a kiln store
 * keeps and than git's own default for big-file delta handling (512 MiB is
 * core.bigFileThreshold; a unikernel's heap is smaller). */
#define GIT_MAX_OBJECT (64u << 20)
/* Longest file name in a tree entry: Linux's NAME_MAX. */
#define GIT_MAX_NAME 255
/* Longest commit or tag header line that is kept as a view (author, ...). */
#define GIT_MAX_HEADER (64u << 10)
/* Most parents of one commit: octopus merges in linux.git reach 66. */
#define GIT_MAX_PARENTS 128

/* --- Object ids ------------------------------------------------------------ */
#define GIT_OID_RAW 20
#define GIT_OID_HEX 40

struct git_oid {
	uint8_t id[GIT_OID_RAW];
};

/* 40 lowercase hex digits and a NUL into out[GIT_OID_HEX + 1]. */
void git_oid_hex(const struct git_oid *oid, char out[GIT_OID_HEX + 1]);
/* Parse exactly 40 lowercase hex digits; false if not. git writes ids in
 * lowercase everywhere (objects, refs, the protocol), and accepting only
 * that keeps a parsed object's bytes equal to what writing it gives. */
bool git_oid_parse(struct view hex, struct git_oid *out);
int git_oid_cmp(const struct git_oid *a, const struct git_oid *b);
bool git_oid_is_zero(const struct git_oid *oid);

/* --- Object types ---------------------------------------------------------- */
enum git_type {
	GIT_OBJ_NONE = 0,
	GIT_OBJ_COMMIT = 1, /* the numbers are the pack format's (docs/git.md) */
	GIT_OBJ_TREE = 2,
	GIT_OBJ_BLOB = 3,
	GIT_OBJ_TAG = 4
};

/* "commit", "tree", "blob", "tag"; NULL for anything else. */
const char *git_type_name(enum git_type t);
/* The type named by exactly those bytes, or GIT_OBJ_NONE. */
enum git_type git_type_parse(struct view name);

/* The id of an object of type t with content data: sha1dc over
 * "<type> <len>\0<data>". GIT_OK, GIT_EINVAL (no such type), GIT_ELIMIT
 * (over GIT_MAX_OBJECT) or GIT_ECOLLISION. */
int git_hash(enum git_type t, struct view data, struct git_oid *out);

/* Plain SHA-1 of data (a pack's or index's trailing checksum), with the
 * same collision detection: GIT_OK or GIT_ECOLLISION. */
int git_sha1(struct view data, uint8_t out[GIT_OID_RAW]);

/* Incremental hashing of an object whose size is known up front (a pack
 * entry being inflated). Feed exactly `size` bytes, then finish: finishing
 * after a different number of bytes is GIT_EINVAL. */
struct git_hasher {
	_Alignas(8) uint8_t ctx[2432]; /* sha1dc's context (checked by a static assert) */
	uint64_t want, got;
};
int git_hasher_start(struct git_hasher *h, enum git_type t, uint64_t size);
void git_hasher_feed(struct git_hasher *h, struct view data);
int git_hasher_finish(struct git_hasher *h, struct git_oid *out);

/* --- Trees ----------------------------------------------------------------- *
 * A tree is a sequence of "<octal mode> <name>\0<20-byte id>" entries sorted
 * as git sorts them: by name, where a subtree's name compares as if it ended
 * in '/'. The modes git writes are the five below; fsck --strict refuses any
 * other, and so do these functions. */
enum {
	GIT_MODE_TREE = 040000,
	GIT_MODE_BLOB = 0100644,
	GIT_MODE_EXEC = 0100755,
	GIT_MODE_LINK = 0120000,
	GIT_MODE_GITLINK = 0160000 /* a submodule's commit */
};

struct git_tree_entry {
	uint32_t mode;
	struct view name; /* points into the tree's bytes (parse) or the caller's */
	struct git_oid oid;
};

/* A cursor over a tree's entries. */
struct git_tree_iter {
	struct view tree;
	size_t pos;
	struct view last; /* the previous entry's name, for the order check */
	uint32_t last_mode;
	int err; /* sticky: the first error found */
};

void git_tree_iter_start(struct git_tree_iter *it, struct view tree);
/* The next entry: 1 and *e filled, 0 at the end, or a GIT_E* code (sticky)
 * for a malformed entry: a mode that is not one of the five, a leading zero
 * in the mode, an empty name, '.', '..', ".git" (any case), a '/' in it, a
 * name over GIT_MAX_NAME, a truncated id, or entries out of order or
 * duplicated. */
int git_tree_next(struct git_tree_iter *it, struct git_tree_entry *e);
/* Check a whole tree: GIT_OK or the first error. */
int git_tree_check(struct view tree);

/* Sort entries in place into git's tree order (by name, a subtree's name
 * compared as name + "/"). */
void git_tree_sort(struct git_tree_entry *e, size_t n);
/* Compare two entries in tree order (<0, 0, >0). */
int git_tree_entry_cmp(const struct git_tree_entry *a, const struct git_tree_entry *b);
/* Write entries (already in tree order) as a tree into out. Returns the
 * byte length, or GIT_EINVAL (a bad mode or name, entries out of order or
 * duplicated) or GIT_ENOSPC. */
long git_tree_write(const struct git_tree_entry *e, size_t n, uint8_t *out, size_t cap);

/* --- People and times ------------------------------------------------------ *
 * "Name <email> 1700000000 +0100": author, committer and tagger lines. */
struct git_person {
	struct view name;  /* may be empty */
	struct view email; /* without the angle brackets */
	int64_t when;      /* seconds since 1970-01-01 UTC */
	char tz[6];        /* the zone as written: "+0100", "-0000" (git tells
	                      -0000, "unknown", from +0000, so the text is kept) */
};

/* Parse a person line's value (after "author ", without the newline) by
 * fsck's rules (fsck.c fsck_ident): GIT_EINVAL for an empty name, no space
 * before '<', a '<', '>' or newline inside the name or email, a time that is
 * not a decimal number or is zero-padded, or a zone not [+-]HHMM. */
int git_person_parse(struct view line, struct git_person *out);
/* Write a person as "Name <email> when zone"; false if it does not fit or a
 * field holds '<', '>' or a newline. */
bool git_person_write(const struct git_person *p, struct writer *w);

/* --- Commits --------------------------------------------------------------- */
struct git_commit {
	struct git_oid tree;
	struct git_oid parents[GIT_MAX_PARENTS];
	size_t nparents;
	struct git_person author, committer;
	/* Headers after committer (encoding, gpgsig, mergetag, ...) exactly
	 * as stored, including their continuation lines and final newline;
	 * empty if none. Kept so that a parsed commit writes back byte for byte. */
	struct view extra;
	struct view message; /* everything after the blank line */
};

/* Parse a commit's content: tree, parent*, author, committer in that order
 * (fsck --strict's rule), then any other headers, a blank line and the
 * message. The views point into `data`. */
int git_commit_parse(struct view data, struct git_commit *out);
/* Write a commit's content; its length, GIT_EINVAL or GIT_ENOSPC. A person's
 * name and email must hold no '<', '>' or newline. */
long git_commit_write(const struct git_commit *c, uint8_t *out, size_t cap);

/* --- Tags ------------------------------------------------------------------ */
struct git_tag {
	struct git_oid object;
	enum git_type type;
	struct view name;
	bool has_tagger; /* old tags have none */
	struct git_person tagger;
	struct view extra;   /* other headers, as for commits */
	struct view message; /* after the blank line (may hold a signature) */
};

int git_tag_parse(struct view data, struct git_tag *out);
long git_tag_write(const struct git_tag *t, uint8_t *out, size_t cap);

/* --- Loose objects --------------------------------------------------------- *
 * A loose object file is zlib("<type> <size>\0<content>") (objects/xx/yyyy...). */

/* Compress an object into a newly allocated buffer (*out, *out_len; free()
 * it); the id is computed on the way. */
int git_loose_encode(enum git_type t, struct view content, uint8_t **out,
		     size_t *out_len, struct git_oid *oid);
/* Inflate and check a loose object: its header must name a type and a size
 * that matches the content, with nothing after the zlib stream. The content
 * is returned in a newly allocated buffer (free() it), over GIT_MAX_OBJECT
 * is GIT_ELIMIT, damaged data GIT_ECORRUPT. The id is computed as well, so
 * a caller can check it against the file's name. */
int git_loose_decode(struct view file, enum git_type *type, uint8_t **content,
		     size_t *len, struct git_oid *oid);

/* --- Deltas ---------------------------------------------------------------- *
 * A delta (git's diff-delta.c format) rebuilds a target from a base: two
 * varint sizes (base, result), then copy ops (from the base) and insert ops
 * (literal bytes). */

/* The sizes a delta declares; GIT_EINVAL if its header is malformed. */
int git_delta_sizes(struct view delta, uint64_t *base_size, uint64_t *result_size);
/* Apply a delta to base into out (cap bytes, at least the declared result
 * size). GIT_EINVAL for a base of the wrong size, a copy outside the base, an
 * insert past the delta's end, the reserved op 0, or a result whose length
 * differs from the declared one; GIT_ENOSPC if cap is too small. */
int git_delta_apply(struct view base, struct view delta, uint8_t *out, size_t cap);
/* Make a delta that turns base into target (a simple block-matching coder:
 * correct, not as small as git's); into a new buffer (free() it). */
int git_delta_make(struct view base, struct view target, uint8_t **out, size_t *len);

/* --- Packfiles (version 2) ------------------------------------------------- *
 * "PACK", version 2, an object count, the objects, and a SHA-1 of all that.
 * Each object is a type and size header then zlib data; OFS_DELTA (6) and
 * REF_DELTA (7) objects are deltas against a base found by offset or id.
 * Packs are read through a source so the same code reads one in memory, in
 * a file, or on a block device. */
#define GIT_OBJ_OFS_DELTA 6
#define GIT_OBJ_REF_DELTA 7
/* Longest delta chain followed: git's pack-objects refuses --depth over
 * 4095; deeper chains are refused here with GIT_ELIMIT. */
#define GIT_MAX_DELTA_DEPTH 4095
/* Most objects in one pack (each costs an index entry in memory). */
#define GIT_MAX_PACK_OBJECTS (1u << 24)

struct git_pack_src {
	/* Read len bytes at off into buf: the count read (less only at the
	 * end of the pack) or a negative error. */
	long (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
	uint64_t size;
};
/* A source over bytes in memory (ctx is the view, kept by the caller). */
struct git_pack_src git_pack_src_view(struct view *v);

/* One object of a pack, as an index lists it. */
struct git_pack_entry {
	struct git_oid oid;
	uint64_t offset;
	uint32_t crc32; /* of the entry's bytes in the pack, as idx v2 keeps */
};

/* Index a whole pack as `git index-pack` does: check its header and
 * trailing checksum, inflate every object, resolve every delta (REF_DELTA
 * bases must be in the same pack: a thin pack is GIT_EINVAL here), and
 * return the entries sorted by id in a new array (free() it). */
int git_pack_index(const struct git_pack_src *src, struct git_pack_entry **entries,
		   size_t *count, uint8_t pack_sum[GIT_OID_RAW]);

/* Read the object at offset: its type (never a delta type) and content in a
 * new buffer (free() it). ref_base finds the offset of a REF_DELTA's base by
 * id (from an index), returning false if it is not in the pack. */
struct git_pack_reader {
	const struct git_pack_src *src;
	bool (*ref_base)(void *ctx, const struct git_oid *oid, uint64_t *offset);
	void *ref_ctx;
	/* A cache of delta bases, by offset, bounded in bytes. */
	size_t cache_budget, cache_used;
	struct git_pack_cached *cache;
};
void git_pack_reader_init(struct git_pack_reader *r, const struct git_pack_src *src,
			  size_t cache_budget);
void git_pack_reader_free(struct git_pack_reader *r);
int git_pack_read(struct git_pack_reader *r, uint64_t offset, enum git_type *type,
		  uint8_t **content, size_t *len);

/* --- Pack index (version 2) ------------------------------------------------ */

/* Write an idx v2 for entries (sorted by id) into a new buffer (free() it):
 * byte for byte what `git index-pack` writes for the same pack. */
int git_idx_write(const struct git_pack_entry *e, size_t n,
		  const uint8_t pack_sum[GIT_OID_RAW], uint8_t **out, size_t *len);
/* Find id in an idx v2 held in memory; GIT_OK and *offset, GIT_EINVAL for a
 * malformed index, or 1 if it is not there. */
int git_idx_find(struct view idx, const struct git_oid *oid, uint64_t *offset);

/* --- Writing packs --------------------------------------------------------- */
struct git_pack_writer {
	uint8_t *buf; /* the pack so far (malloc'd, grows) */
	size_t len, cap;
	struct git_pack_entry *entries;
	size_t count, entries_cap;
	int err; /* sticky */
};
void git_pack_writer_init(struct git_pack_writer *w);
/* Add a whole object; GIT_OK or the sticky error. */
int git_pack_add(struct git_pack_writer *w, enum git_type t, struct view content);
/* Add an object as an OFS_DELTA against an object added earlier (by its
 * entry index): smaller when the two are alike. */
int git_pack_add_delta(struct git_pack_writer *w, enum git_type t, struct view content,
		       size_t base_index, struct view base_content);
/* Finish: the count patched in, the checksum appended; entries sorted by id
 * for git_idx_write. The writer still owns buf and entries. */
int git_pack_finish(struct git_pack_writer *w, uint8_t pack_sum[GIT_OID_RAW]);
void git_pack_writer_free(struct git_pack_writer *w);

#endif
