/* crunch.h: kiln-crunch's parts: walking a directory into a sorted file list
 * and writing it as C (docs/kv.md). */
#ifndef KILN_CRUNCH_H
#define KILN_CRUNCH_H

#include <stddef.h>
#include <stdint.h>

/* How deep directories may nest (symlinks to directories inside DIR count):
 * a bound that also ends a symlink loop with a clear error. */
#define CRUNCH_MAX_DEPTH 32

struct crunch_file {
	char *key;          /* path relative to DIR, '/'-separated */
	uint8_t *data;      /* the bytes (NULL if empty) */
	size_t size;
	uint64_t mtime_ns;
	uint8_t digest[32]; /* SHA-256 of data */
};

struct crunch_list {
	struct crunch_file *files;
	size_t count, cap;
};

/* Walk dir into *list (sorted by key, byte order). Skips names starting
 * with '.'; follows symlinks only to files and directories inside dir.
 * mtime_override (>= 0) replaces every file's mtime (SOURCE_DATE_EPOCH, in
 * seconds). On error prints one line "kiln-crunch: PATH: why" to stderr and
 * returns -1. */
int crunch_walk(const char *dir, long long mtime_override, struct crunch_list *list);
void crunch_list_free(struct crunch_list *list);

/* Write the C file defining `const struct kv_store symbol`; 0 or -1 (with
 * the error printed). */
int crunch_emit(const struct crunch_list *list, const char *symbol, const char *out_path);

#endif
