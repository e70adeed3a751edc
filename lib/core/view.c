/* view.c: checked views, readers and writers (see include/kiln/view.h). */
#include <kiln/view.h>

#include <string.h>

bool view_sub(struct view v, size_t off, size_t len, struct view *out)
{
	if (off > v.len || len > v.len - off)
		return false;
	out->data = v.data + off;
	out->len = len;
	return true;
}

bool view_tail(struct view v, size_t off, struct view *out)
{
	if (off > v.len)
		return false;
	return view_sub(v, off, v.len - off, out);
}

bool view_copy(struct view v, size_t off, void *dst, size_t len)
{
	struct view s;
	if (!view_sub(v, off, len, &s))
		return false;
	if (len)
		memcpy(dst, s.data, len);
	return true;
}

bool view_u8(struct view v, size_t off, uint8_t *out)
{
	if (off >= v.len)
		return false;
	*out = v.data[off];
	return true;
}

bool view_be16(struct view v, size_t off, uint16_t *out)
{
	struct view s;
	if (!view_sub(v, off, 2, &s))
		return false;
	*out = (uint16_t)(s.data[0] << 8 | s.data[1]);
	return true;
}

bool view_be32(struct view v, size_t off, uint32_t *out)
{
	struct view s;
	if (!view_sub(v, off, 4, &s))
		return false;
	*out = (uint32_t)s.data[0] << 24 | (uint32_t)s.data[1] << 16 |
	       (uint32_t)s.data[2] << 8 | s.data[3];
	return true;
}

bool view_equal(struct view a, struct view b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

size_t reader_left(const struct reader *r)
{
	return r->failed ? 0 : r->v.len - r->pos;
}

/* Claims len bytes at the cursor; NULL (and the sticky failure) if short. */
static const uint8_t *reader_take(struct reader *r, size_t len)
{
	const uint8_t *p;
	if (r->failed || len > r->v.len - r->pos) {
		r->failed = true;
		return NULL;
	}
	p = r->v.data + r->pos;
	r->pos += len;
	return p;
}

uint8_t reader_u8(struct reader *r)
{
	const uint8_t *p = reader_take(r, 1);
	return p ? p[0] : 0;
}

uint16_t reader_be16(struct reader *r)
{
	const uint8_t *p = reader_take(r, 2);
	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t reader_be32(struct reader *r)
{
	const uint8_t *p = reader_take(r, 4);
	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : 0;
}

struct view reader_view(struct reader *r, size_t len)
{
	const uint8_t *p = reader_take(r, len);
	return p ? view_make(p, len) : view_make(NULL, 0);
}

void reader_copy(struct reader *r, void *dst, size_t len)
{
	const uint8_t *p = reader_take(r, len);
	if (p)
		memcpy(dst, p, len);
	else if (len)
		memset(dst, 0, len);
}

void reader_skip(struct reader *r, size_t len) { (void)reader_take(r, len); }

void reader_seek(struct reader *r, size_t pos)
{
	if (r->failed || pos > r->v.len)
		r->failed = true;
	else
		r->pos = pos;
}

uint8_t *writer_reserve(struct writer *w, size_t len)
{
	uint8_t *p;
	if (w->failed || len > w->cap - w->len) {
		w->failed = true;
		return NULL;
	}
	p = w->data + w->len;
	w->len += len;
	return p;
}

void writer_u8(struct writer *w, uint8_t x)
{
	uint8_t *p = writer_reserve(w, 1);
	if (p)
		p[0] = x;
}

void writer_be16(struct writer *w, uint16_t x)
{
	uint8_t *p = writer_reserve(w, 2);
	if (p)
		store_be16(p, x);
}

void writer_be32(struct writer *w, uint32_t x)
{
	uint8_t *p = writer_reserve(w, 4);
	if (p)
		store_be32(p, x);
}

void writer_bytes(struct writer *w, const void *src, size_t len)
{
	uint8_t *p = writer_reserve(w, len);
	if (p && len)
		memcpy(p, src, len);
}

void writer_zeros(struct writer *w, size_t len)
{
	uint8_t *p = writer_reserve(w, len);
	if (p && len)
		memset(p, 0, len);
}
