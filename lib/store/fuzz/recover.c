/* fuzz/recover.c: opening a store whose device holds arbitrary bytes. The
 * input's first 512 bytes become header slot 0 (with its length and SHA-1
 * fixed up when it carries the magic, so the log behind it is reached) and
 * the rest the log; what opens must read every ref's object or say why. */
#include <kiln/store.h>

#include <stdlib.h>
#include <string.h>

struct img {
	uint8_t *p;
	size_t len;
};

static int rd(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct img *m = ctx;
	if (off > m->len || len > m->len - off)
		return -1;
	memcpy(buf, m->p + off, len);
	return 0;
}

static int wr(void *ctx, uint64_t off, const void *buf, size_t len)
{
	(void)ctx, (void)off, (void)buf, (void)len;
	return -1;
}

static int fl(void *ctx)
{
	(void)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256 << 10)
		return 0;
	size_t log = size > 512 ? size - 512 : 0;
	size_t cap = 2 * STORE_SLOT_SIZE + (log + 511) / 512 * 512 + 4 * 512;
	struct img m = {calloc(1, cap), cap};
	if (!m.p)
		return 0;
	memcpy(m.p, data, size < 512 ? size : 512);
	if (log)
		memcpy(m.p + 2 * STORE_SLOT_SIZE, data + 512, log);
	/* A header: fix its length field and checksum so it verifies. */
	if (size >= 48 && !memcmp(m.p, "KILNSTOR", 8)) {
		uint32_t len = (uint32_t)(m.p[12] << 8 | m.p[13]) % (512 - 40) + 48;
		store_be32(m.p + 12, len);
		git_sha1(view_make(m.p, len - GIT_OID_RAW), m.p + len - GIT_OID_RAW);
	}
	struct store_dev d = {cap, 512, rd, wr, fl, &m};
	struct store *s = malloc(sizeof *s);
	if (s && store_open(s, &d) == STORE_OK) {
		for (size_t i = 0; i < s->nrefs; i++) {
			enum git_type t;
			uint8_t *c;
			size_t len;
			if (store_get(s, &s->refs[i].oid, &t, &c, &len) == STORE_OK)
				free(c);
		}
		store_close(s);
	}
	free(s);
	free(m.p);
	return 0;
}
