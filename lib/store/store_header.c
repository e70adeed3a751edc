/* store_header.c: the header slot: magic, version, generation, the log's
 * bounds and every ref, under a SHA-1 (docs/store.md, "On disk"). */
#include "store_int.h"

#include <string.h>

static void be64(struct writer *w, uint64_t x)
{
	writer_be32(w, (uint32_t)(x >> 32));
	writer_be32(w, (uint32_t)x);
}

static uint64_t rd64(struct reader *r)
{
	uint64_t hi = reader_be32(r);
	return hi << 32 | reader_be32(r);
}

uint64_t store_round_up(const struct store_dev *d, uint64_t n)
{
	return (n + d->block_size - 1) / d->block_size * d->block_size;
}

int store_header_encode(const struct store *s, uint8_t *buf, size_t *len)
{
	struct writer w = writer_make(buf, STORE_SLOT_SIZE);
	writer_bytes(&w, STORE_MAGIC, 8);
	writer_be32(&w, STORE_VERSION);
	uint8_t *lenp = writer_reserve(&w, 4);
	be64(&w, s->generation);
	be64(&w, s->log_start);
	be64(&w, s->log_end);
	writer_be32(&w, s->dev.block_size);
	writer_be32(&w, (uint32_t)s->nrefs);
	for (size_t i = 0; i < s->nrefs; i++) {
		size_t n = strlen(s->refs[i].name);
		writer_u8(&w, (uint8_t)n);
		writer_bytes(&w, s->refs[i].name, n);
		writer_bytes(&w, s->refs[i].oid.id, GIT_OID_RAW);
	}
	if (!writer_ok(&w) || w.len + GIT_OID_RAW > STORE_SLOT_SIZE)
		return STORE_EINVAL;
	store_be32(lenp, (uint32_t)(w.len + GIT_OID_RAW));
	uint8_t sum[GIT_OID_RAW];
	if (git_sha1(view_make(buf, w.len), sum))
		return STORE_EINVAL;
	writer_bytes(&w, sum, GIT_OID_RAW);
	size_t total = store_round_up(&s->dev, w.len);
	memset(buf + w.len, 0, total - w.len);
	*len = total;
	return STORE_OK;
}

bool store_ref_name_ok(const char *n, size_t len)
{
	if (len == 0 || len > STORE_REF_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)n[i] <= ' ' || n[i] == 0x7f)
			return false;
	return true;
}

int store_header_decode(struct store *s, struct view slot)
{
	struct reader r = reader_make(slot);
	struct view magic = reader_view(&r, 8);
	if (!reader_ok(&r) || memcmp(magic.data, STORE_MAGIC, 8))
		return STORE_EFORMAT;
	if (reader_be32(&r) != STORE_VERSION)
		return STORE_EFORMAT;
	uint32_t len = reader_be32(&r);
	if (len < 48 + GIT_OID_RAW || len > slot.len)
		return STORE_ECORRUPT;
	uint8_t sum[GIT_OID_RAW];
	if (git_sha1(view_make(slot.data, len - GIT_OID_RAW), sum) ||
	    memcmp(sum, slot.data + len - GIT_OID_RAW, GIT_OID_RAW))
		return STORE_ECORRUPT;
	r = reader_make(view_make(slot.data, len - GIT_OID_RAW));
	reader_skip(&r, 16);
	s->generation = rd64(&r);
	s->log_start = rd64(&r);
	s->log_end = rd64(&r);
	uint32_t bs = reader_be32(&r), n = reader_be32(&r);
	if (bs != s->dev.block_size || n > STORE_MAX_REFS || s->log_start > s->log_end ||
	    s->log_end > s->dev.capacity || s->log_start < 2 * STORE_SLOT_SIZE ||
	    s->log_start % bs || s->log_end % bs)
		return STORE_ECORRUPT;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t nl = reader_u8(&r);
		struct view name = reader_view(&r, nl);
		reader_copy(&r, s->refs[i].oid.id, GIT_OID_RAW);
		if (!reader_ok(&r) || !store_ref_name_ok((const char *)name.data, nl))
			return STORE_ECORRUPT;
		memcpy(s->refs[i].name, name.data, nl);
		s->refs[i].name[nl] = 0;
	}
	if (!reader_ok(&r) || reader_left(&r) != 0)
		return STORE_ECORRUPT;
	s->nrefs = n;
	return STORE_OK;
}
