/* git_loose.c: loose objects, zlib("<type> <size>\0<content>") (git's
 * object-file.c); compressed at git's default core.looseCompression, 1. */
#include <kiln/git.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git_zlib.h"

int git_loose_encode(enum git_type t, struct view content, uint8_t **out,
		     size_t *out_len, struct git_oid *oid)
{
	const char *name = git_type_name(t);
	if (!name)
		return GIT_EINVAL;
	if (content.len > GIT_MAX_OBJECT)
		return GIT_ELIMIT;
	int err = git_hash(t, content, oid);
	if (err)
		return err;
	char hdr[32];
	int hlen = snprintf(hdr, sizeof hdr, "%s %zu", name, content.len) + 1;
	z_stream s;
	git_zlib_prepare(&s);
	if (deflateInit(&s, 1) != Z_OK)
		return GIT_ENOMEM;
	size_t cap = deflateBound(&s, (uLong)(content.len + (size_t)hlen));
	uint8_t *buf = malloc(cap);
	if (!buf) {
		deflateEnd(&s);
		return GIT_ENOMEM;
	}
	s.next_out = buf;
	s.avail_out = (uInt)cap;
	s.next_in = (Bytef *)hdr;
	s.avail_in = (uInt)hlen;
	int rc = deflate(&s, Z_NO_FLUSH);
	if (rc == Z_OK) {
		s.next_in = (Bytef *)content.data;
		s.avail_in = (uInt)content.len;
		rc = deflate(&s, Z_FINISH);
	}
	size_t n = cap - s.avail_out;
	deflateEnd(&s);
	if (rc != Z_STREAM_END) {
		free(buf);
		return GIT_ENOMEM;
	}
	*out = buf;
	*out_len = n;
	return GIT_OK;
}

/* "<type> <decimal size>\0": the header, at most 32 bytes. */
static int parse_header(const uint8_t *h, size_t n, enum git_type *t, size_t *size, size_t *hlen)
{
	const uint8_t *sp = memchr(h, ' ', n), *nul = memchr(h, 0, n);
	if (!sp || !nul || nul < sp)
		return GIT_ECORRUPT;
	*t = git_type_parse(view_make(h, (size_t)(sp - h)));
	if (*t == GIT_OBJ_NONE)
		return GIT_ECORRUPT;
	const uint8_t *p = sp + 1;
	if (p == nul || (*p == '0' && p + 1 != nul))
		return GIT_ECORRUPT;
	size_t v = 0;
	for (; p < nul; p++) {
		if (*p < '0' || *p > '9')
			return GIT_ECORRUPT;
		if (v > GIT_MAX_OBJECT)
			return GIT_ELIMIT;
		v = v * 10 + (size_t)(*p - '0');
	}
	if (v > GIT_MAX_OBJECT)
		return GIT_ELIMIT;
	*size = v;
	*hlen = (size_t)(nul - h) + 1;
	return GIT_OK;
}

int git_loose_decode(struct view file, enum git_type *type, uint8_t **content,
		     size_t *len, struct git_oid *oid)
{
	z_stream s;
	git_zlib_prepare(&s);
	if (inflateInit(&s) != Z_OK)
		return GIT_ENOMEM;
	uint8_t head[32];
	s.next_in = (Bytef *)file.data;
	s.avail_in = (uInt)(file.len > UINT32_MAX ? UINT32_MAX : file.len);
	s.next_out = head;
	s.avail_out = sizeof head;
	int rc = inflate(&s, Z_SYNC_FLUSH);
	size_t got = sizeof head - s.avail_out, size = 0, hlen = 0;
	int err = GIT_ECORRUPT;
	uint8_t *buf = NULL;
	if ((rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) ||
	    (err = parse_header(head, got, type, &size, &hlen)) != GIT_OK)
		goto out;
	err = GIT_ENOMEM;
	if (!(buf = malloc(size ? size : 1)))
		goto out;
	err = GIT_ECORRUPT;
	size_t early = got - hlen; /* content already inflated into head */
	if (early > size)
		goto out;
	memcpy(buf, head + hlen, early);
	s.next_out = buf + early;
	s.avail_out = (uInt)(size - early);
	if (rc != Z_STREAM_END) {
		/* One byte of room past the end would show a size lie: ask for
		 * exactly size bytes and then require the stream's end. */
		rc = inflate(&s, Z_FINISH);
		if (rc == Z_BUF_ERROR && s.avail_out == 0) {
			uint8_t extra;
			s.next_out = &extra;
			s.avail_out = 1;
			rc = inflate(&s, Z_FINISH);
			if (s.avail_out == 0)
				goto out; /* more content than the header said */
		}
	}
	if (rc != Z_STREAM_END || s.avail_out != 0 || s.avail_in != 0 ||
	    file.len != s.total_in)
		goto out;
	err = git_hash(*type, view_make(buf, size), oid);
	if (err)
		goto out;
	*content = buf;
	*len = size;
	buf = NULL;
out:
	inflateEnd(&s);
	free(buf);
	return err;
}
