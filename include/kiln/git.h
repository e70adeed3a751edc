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

#endif
