/* view.h: checked views of bytes, and the readers and writers built on them.
 *
 * Every byte kiln receives (a frame, a request, a disk block) is read through
 * these types and nothing else: no parser does pointer arithmetic on input.
 * An access out of range fails cleanly; it never reads or writes past the end.
 *
 *   struct view     a read-only span (pointer + length) with random access
 *                   that reports failure by returning false;
 *   struct reader   a cursor over a view for sequential decoding; the first
 *                   out-of-range read sets a sticky error and every read after
 *                   it returns zeros, so a decoder reads a whole header then
 *                   checks reader_ok() once (BearSSL's style);
 *   struct writer   the same for encoding into a fixed buffer: an overflow is
 *                   sticky and nothing is written past the end.
 *
 * Multi-byte integers are big-endian (network order) unless named _le.
 * All functions are pure and allocate nothing; the caller keeps the bytes
 * alive for as long as a view of them is used.
 */
#ifndef KILN_VIEW_H
#define KILN_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct view {
	const uint8_t *data;
	size_t len;
};

static inline struct view view_make(const void *data, size_t len)
{
	struct view v = {(const uint8_t *)data, len};
	return v;
}

/* Read one integer at offset off; false (and *out untouched) if it does not
 * fit in v. */
bool view_u8(struct view v, size_t off, uint8_t *out);
bool view_be16(struct view v, size_t off, uint16_t *out);
bool view_be32(struct view v, size_t off, uint32_t *out);

/* The sub-view of len bytes at off; false if [off, off+len) is not inside v
 * (overflow-safe). */
bool view_sub(struct view v, size_t off, size_t len, struct view *out);

/* Everything from off to the end; false if off > v.len. */
bool view_tail(struct view v, size_t off, struct view *out);

/* Copy len bytes at off into dst; false (nothing copied) if out of range. */
bool view_copy(struct view v, size_t off, void *dst, size_t len);

/* True if a and b hold the same bytes. */
bool view_equal(struct view a, struct view b);

/* --- Sequential reading -------------------------------------------------- */

struct reader {
	struct view v;
	size_t pos;  /* next byte to read */
	bool failed; /* a read went out of range; sticky */
};

static inline struct reader reader_make(struct view v)
{
	struct reader r = {v, 0, false};
	return r;
}

static inline bool reader_ok(const struct reader *r) { return !r->failed; }

/* Bytes left to read (0 after a failure). */
size_t reader_left(const struct reader *r);

/* Each returns the value read, or 0 after setting the sticky failure. */
uint8_t reader_u8(struct reader *r);
uint16_t reader_be16(struct reader *r);
uint32_t reader_be32(struct reader *r);

/* The next len bytes as a view (empty on failure), and skip them. */
struct view reader_view(struct reader *r, size_t len);
/* Copy the next len bytes into dst (zeros on failure). */
void reader_copy(struct reader *r, void *dst, size_t len);
void reader_skip(struct reader *r, size_t len);
/* Move to absolute offset pos (fails if pos > length). */
void reader_seek(struct reader *r, size_t pos);

/* --- Sequential writing -------------------------------------------------- */

struct writer {
	uint8_t *data;
	size_t cap;  /* bytes available at data */
	size_t len;  /* bytes written so far */
	bool failed; /* a write did not fit; sticky; nothing past cap is touched */
};

static inline struct writer writer_make(void *data, size_t cap)
{
	struct writer w = {(uint8_t *)data, cap, 0, false};
	return w;
}

static inline bool writer_ok(const struct writer *w) { return !w->failed; }

void writer_u8(struct writer *w, uint8_t x);
void writer_be16(struct writer *w, uint16_t x);
void writer_be32(struct writer *w, uint32_t x);
void writer_bytes(struct writer *w, const void *src, size_t len);
void writer_zeros(struct writer *w, size_t len);
/* Reserve len bytes to fill in later (a length or checksum field): returns
 * their position, or NULL after failure. */
uint8_t *writer_reserve(struct writer *w, size_t len);

/* Store an integer into a buffer the caller knows is large enough (after
 * writer_reserve). */
static inline void store_be16(uint8_t *p, uint16_t x) { p[0] = x >> 8; p[1] = x; }
static inline void store_be32(uint8_t *p, uint32_t x)
{
	p[0] = x >> 24; p[1] = x >> 16; p[2] = x >> 8; p[3] = x;
}

#endif
