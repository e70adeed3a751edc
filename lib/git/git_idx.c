/* git_idx.c: pack index version 2 (git's pack-write.c write_idx_file and
 * Documentation/gitformat-pack.txt): written byte for byte as git writes it,
 * and searched with every offset checked. */
#include <kiln/git.h>

#include <stdlib.h>
#include <string.h>

static const uint8_t idx_magic[8] = {0xff, 't', 'O', 'c', 0, 0, 0, 2};

int git_idx_write(const struct git_pack_entry *e, size_t n,
		  const uint8_t pack_sum[GIT_OID_RAW], uint8_t **out, size_t *len)
{
	size_t large = 0;
	for (size_t i = 0; i < n; i++)
		if (e[i].offset >= 0x80000000u)
			large++;
	size_t cap = 8 + 256 * 4 + n * (GIT_OID_RAW + 8) + large * 8 + 2 * GIT_OID_RAW;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return GIT_ENOMEM;
	struct writer w = writer_make(buf, cap);
	writer_bytes(&w, idx_magic, 8);
	size_t k = 0;
	for (int b = 0; b < 256; b++) {
		while (k < n && e[k].oid.id[0] <= b)
			k++;
		writer_be32(&w, (uint32_t)k);
	}
	for (size_t i = 0; i < n; i++)
		writer_bytes(&w, e[i].oid.id, GIT_OID_RAW);
	for (size_t i = 0; i < n; i++)
		writer_be32(&w, e[i].crc32);
	size_t nl = 0;
	for (size_t i = 0; i < n; i++)
		writer_be32(&w, e[i].offset < 0x80000000u ? (uint32_t)e[i].offset :
							     0x80000000u | (uint32_t)nl++);
	for (size_t i = 0; i < n; i++)
		if (e[i].offset >= 0x80000000u) {
			writer_be32(&w, (uint32_t)(e[i].offset >> 32));
			writer_be32(&w, (uint32_t)e[i].offset);
		}
	writer_bytes(&w, pack_sum, GIT_OID_RAW);
	uint8_t sum[GIT_OID_RAW];
	int err = git_sha1(view_make(buf, w.len), sum);
	writer_bytes(&w, sum, GIT_OID_RAW);
	if (err || !writer_ok(&w)) {
		free(buf);
		return err ? err : GIT_ENOSPC;
	}
	*out = buf;
	*len = w.len;
	return GIT_OK;
}

int git_idx_find(struct view idx, const struct git_oid *oid, uint64_t *offset)
{
	struct view magic;
	uint32_t n, lo = 0, hi;
	if (!view_sub(idx, 0, 8, &magic) || memcmp(magic.data, idx_magic, 8) ||
	    !view_be32(idx, 8 + 255 * 4, &n))
		return GIT_EINVAL;
	size_t oids = 8 + 1024, crcs = oids + (size_t)n * GIT_OID_RAW,
	       offs = crcs + (size_t)n * 4, larges = offs + (size_t)n * 4;
	if (n > GIT_MAX_PACK_OBJECTS || larges + 2 * GIT_OID_RAW > idx.len)
		return GIT_EINVAL;
	if (oid->id[0] > 0 && !view_be32(idx, 8 + (oid->id[0] - 1) * 4u, &lo))
		return GIT_EINVAL;
	if (!view_be32(idx, 8 + oid->id[0] * 4u, &hi) || lo > hi || hi > n)
		return GIT_EINVAL;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		struct view at;
		if (!view_sub(idx, oids + (size_t)mid * GIT_OID_RAW, GIT_OID_RAW, &at))
			return GIT_EINVAL;
		int c = memcmp(at.data, oid->id, GIT_OID_RAW);
		if (c == 0) {
			uint32_t o;
			if (!view_be32(idx, offs + (size_t)mid * 4, &o))
				return GIT_EINVAL;
			if (!(o & 0x80000000u)) {
				*offset = o;
				return GIT_OK;
			}
			uint32_t a, b;
			size_t at8 = larges + (size_t)(o & 0x7fffffffu) * 8;
			if (at8 + 8 + 2 * GIT_OID_RAW > idx.len || !view_be32(idx, at8, &a) ||
			    !view_be32(idx, at8 + 4, &b))
				return GIT_EINVAL;
			*offset = (uint64_t)a << 32 | b;
			return GIT_OK;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 1;
}
