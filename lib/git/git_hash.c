/* git_hash.c: object ids: "<type> <size>\0<content>" through SHA-1 with
 * collision detection (sha1dc, as git; docs/git.md). */
#include <kiln/git.h>

#include <stdio.h>
#include <string.h>

#include "sha1.h"

_Static_assert(sizeof(SHA1_CTX) <= sizeof(((struct git_hasher *)0)->ctx),
	       "git_hasher.ctx holds sha1dc's context");

static const char *const type_names[] = {NULL, "commit", "tree", "blob", "tag"};

const char *git_type_name(enum git_type t)
{
	return t >= GIT_OBJ_COMMIT && t <= GIT_OBJ_TAG ? type_names[t] : NULL;
}

enum git_type git_type_parse(struct view name)
{
	for (int t = GIT_OBJ_COMMIT; t <= GIT_OBJ_TAG; t++)
		if (view_equal(name, view_make(type_names[t], strlen(type_names[t]))))
			return (enum git_type)t;
	return GIT_OBJ_NONE;
}

int git_hasher_start(struct git_hasher *h, enum git_type t, uint64_t size)
{
	const char *name = git_type_name(t);
	if (!name)
		return GIT_EINVAL;
	if (size > GIT_MAX_OBJECT)
		return GIT_ELIMIT;
	SHA1_CTX *c = (SHA1_CTX *)h->ctx;
	SHA1DCInit(c);
	/* Detect and refuse, as git does (it builds sha1dc with safe hashing
	 * off and dies on a detected collision). */
	SHA1DCSetSafeHash(c, 0);
	char hdr[32];
	int n = snprintf(hdr, sizeof hdr, "%s %llu", name, (unsigned long long)size);
	SHA1DCUpdate(c, hdr, (size_t)n + 1); /* with its NUL */
	h->want = size;
	h->got = 0;
	return GIT_OK;
}

void git_hasher_feed(struct git_hasher *h, struct view data)
{
	SHA1DCUpdate((SHA1_CTX *)h->ctx, (const char *)data.data, data.len);
	h->got += data.len;
}

int git_hasher_finish(struct git_hasher *h, struct git_oid *out)
{
	int collided = SHA1DCFinal(out->id, (SHA1_CTX *)h->ctx);
	if (h->got != h->want)
		return GIT_EINVAL;
	return collided ? GIT_ECOLLISION : GIT_OK;
}

int git_hash(enum git_type t, struct view data, struct git_oid *out)
{
	struct git_hasher h;
	int err = git_hasher_start(&h, t, data.len);
	if (err)
		return err;
	git_hasher_feed(&h, data);
	return git_hasher_finish(&h, out);
}

int git_sha1(struct view data, uint8_t out[GIT_OID_RAW])
{
	SHA1_CTX c;
	SHA1DCInit(&c);
	SHA1DCSetSafeHash(&c, 0);
	SHA1DCUpdate(&c, (const char *)data.data, data.len);
	return SHA1DCFinal(out, &c) ? GIT_ECOLLISION : GIT_OK;
}
