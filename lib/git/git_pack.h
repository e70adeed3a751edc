/* git_pack.h: what the pack files of lib/git share. Internal. */
#ifndef KILN_GIT_PACK_H
#define KILN_GIT_PACK_H

#include <kiln/git.h>

/* One entry's header: its type (1-4, 6, 7), declared size, the header's
 * length, and for deltas where the base is. */
struct pack_hdr {
	int type;
	uint64_t size;
	size_t hdr_len;
	uint64_t base_off;         /* OFS_DELTA */
	struct git_oid base_oid;   /* REF_DELTA */
};

/* Parse the header of the entry at off; GIT_OK or GIT_EINVAL. */
int pack_hdr_read(const struct git_pack_src *src, uint64_t off, struct pack_hdr *h);

/* Inflate the zlib stream at off, which must give exactly size bytes, into
 * a new buffer. *consumed is the compressed length; if crc is not NULL it
 * is updated with the compressed bytes. */
int pack_inflate(const struct git_pack_src *src, uint64_t off, uint64_t size,
		 uint8_t **out, uint64_t *consumed, uint32_t *crc);

/* SHA-1 of the source's first len bytes (a pack's checksum). */
int pack_sha1(const struct git_pack_src *src, uint64_t len, uint8_t out[GIT_OID_RAW]);

#endif
