/* git_delta.c: git's delta format (diff-delta.c, patch-delta.c): decoding
 * with every offset and length checked, and a simple encoder. */
#include <kiln/git.h>

#include <stdlib.h>
#include <string.h>

/* A little-endian base-128 size, at most 10 bytes. */
static bool varint(struct reader *r, uint64_t *out)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b = reader_u8(r);
		if (!reader_ok(r))
			return false;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

int git_delta_sizes(struct view delta, uint64_t *base_size, uint64_t *result_size)
{
	struct reader r = reader_make(delta);
	return varint(&r, base_size) && varint(&r, result_size) ? GIT_OK : GIT_EINVAL;
}

int git_delta_apply(struct view base, struct view delta, uint8_t *out, size_t cap)
{
	struct reader r = reader_make(delta);
	uint64_t bsize, rsize;
	if (!varint(&r, &bsize) || !varint(&r, &rsize) || bsize != base.len)
		return GIT_EINVAL;
	if (rsize > cap)
		return GIT_ENOSPC;
	size_t pos = 0;
	while (reader_left(&r)) {
		uint8_t op = reader_u8(&r);
		if (op & 0x80) {
			uint32_t off = 0, size = 0;
			for (int i = 0; i < 4; i++)
				if (op & (1u << i))
					off |= (uint32_t)reader_u8(&r) << (8 * i);
			for (int i = 0; i < 3; i++)
				if (op & (0x10u << i))
					size |= (uint32_t)reader_u8(&r) << (8 * i);
			if (size == 0)
				size = 0x10000;
			struct view from;
			if (!reader_ok(&r) || !view_sub(base, off, size, &from) ||
			    size > rsize - pos)
				return GIT_EINVAL;
			memcpy(out + pos, from.data, size);
			pos += size;
		} else if (op) {
			struct view lit = reader_view(&r, op);
			if (!reader_ok(&r) || op > rsize - pos)
				return GIT_EINVAL;
			memcpy(out + pos, lit.data, op);
			pos += op;
		} else {
			return GIT_EINVAL; /* reserved */
		}
	}
	return pos == rsize ? GIT_OK : GIT_EINVAL;
}

/* --- Encoding ---------------------------------------------------------------
 * Every 16-byte block of the base at a multiple of 16 goes into a hash table;
 * at each target position the next 16 bytes are looked up, a hit is extended
 * forward and becomes a copy, a miss a literal byte. */
#define BLK 16

struct out {
	uint8_t *p;
	size_t len, cap;
	bool failed;
};

static void put(struct out *o, const void *src, size_t n)
{
	if (o->failed)
		return;
	if (n > o->cap - o->len) {
		size_t cap = o->cap * 2 + n + 64;
		uint8_t *p = realloc(o->p, cap);
		if (!p) {
			o->failed = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, src, n);
	o->len += n;
}

static void put_varint(struct out *o, uint64_t v)
{
	do {
		uint8_t b = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			b |= 0x80;
		put(o, &b, 1);
	} while (v);
}

static void put_literal(struct out *o, const uint8_t *p, size_t n)
{
	while (n) {
		uint8_t k = (uint8_t)(n > 127 ? 127 : n);
		put(o, &k, 1);
		put(o, p, k);
		p += k;
		n -= k;
	}
}

static void put_copy(struct out *o, uint64_t off, uint64_t size)
{
	while (size) {
		uint32_t k = (uint32_t)(size > 0xffffff ? 0xffffff : size);
		uint8_t op[8], *q = op + 1;
		op[0] = 0x80;
		for (int i = 0; i < 4; i++)
			if ((off >> (8 * i)) & 0xff) {
				op[0] |= (uint8_t)(1u << i);
				*q++ = (uint8_t)(off >> (8 * i));
			}
		for (int i = 0; i < 3; i++)
			if ((k >> (8 * i)) & 0xff) {
				op[0] |= (uint8_t)(0x10u << i);
				*q++ = (uint8_t)(k >> (8 * i));
			}
		put(o, op, (size_t)(q - op));
		off += k;
		size -= k;
	}
}

static uint32_t blk_hash(const uint8_t *p)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < BLK; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

int git_delta_make(struct view base, struct view target, uint8_t **out, size_t *len)
{
	/* Copy offsets are 32-bit in the format. */
	if (base.len > UINT32_MAX || target.len > GIT_MAX_OBJECT)
		return GIT_ELIMIT;
	size_t nblk = base.len / BLK, bits = 10;
	while (((size_t)1 << bits) < nblk * 2 && bits < 24)
		bits++;
	size_t tsize = (size_t)1 << bits;
	uint32_t *table = malloc(tsize * sizeof *table); /* block index + 1, 0 empty */
	struct out o = {NULL, 0, 0, false};
	if (!table)
		return GIT_ENOMEM;
	memset(table, 0, tsize * sizeof *table);
	for (size_t b = 0; b < nblk; b++)
		table[blk_hash(base.data + b * BLK) & (tsize - 1)] = (uint32_t)(b + 1);
	put_varint(&o, base.len);
	put_varint(&o, target.len);
	size_t i = 0, lit = 0;
	while (i < target.len) {
		size_t match = 0, from = 0;
		if (target.len - i >= BLK && nblk) {
			uint32_t slot = table[blk_hash(target.data + i) & (tsize - 1)];
			if (slot) {
				from = (size_t)(slot - 1) * BLK;
				while (from + match < base.len && i + match < target.len &&
				       base.data[from + match] == target.data[i + match])
					match++;
			}
		}
		if (match >= BLK) {
			put_literal(&o, target.data + lit, i - lit);
			put_copy(&o, from, match);
			i += match;
			lit = i;
		} else {
			i++;
		}
	}
	put_literal(&o, target.data + lit, i - lit);
	free(table);
	if (o.failed) {
		free(o.p);
		return GIT_ENOMEM;
	}
	*out = o.p;
	*len = o.len;
	return GIT_OK;
}
