/* git_oid.c: object ids as bytes and as 40 hex digits. */
#include <kiln/git.h>

#include <string.h>

static const char hexdig[] = "0123456789abcdef";

void git_oid_hex(const struct git_oid *oid, char out[GIT_OID_HEX + 1])
{
	for (size_t i = 0; i < GIT_OID_RAW; i++) {
		out[2 * i] = hexdig[oid->id[i] >> 4];
		out[2 * i + 1] = hexdig[oid->id[i] & 15];
	}
	out[GIT_OID_HEX] = 0;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool git_oid_parse(struct view hex, struct git_oid *out)
{
	if (hex.len != GIT_OID_HEX)
		return false;
	struct git_oid o;
	for (size_t i = 0; i < GIT_OID_RAW; i++) {
		int hi = hexval(hex.data[2 * i]), lo = hexval(hex.data[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		o.id[i] = (uint8_t)(hi << 4 | lo);
	}
	*out = o;
	return true;
}

int git_oid_cmp(const struct git_oid *a, const struct git_oid *b)
{
	return memcmp(a->id, b->id, GIT_OID_RAW);
}

bool git_oid_is_zero(const struct git_oid *oid)
{
	for (size_t i = 0; i < GIT_OID_RAW; i++)
		if (oid->id[i])
			return false;
	return true;
}

const char *git_strerror(int err)
{
	switch (err) {
	case GIT_OK: return "success";
	case GIT_EINVAL: return "malformed object or argument";
	case GIT_ELIMIT: return "over a size, depth or count limit";
	case GIT_ENOSPC: return "output buffer too small";
	case GIT_ECOLLISION: return "SHA-1 collision attack detected";
	case GIT_ENOMEM: return "out of memory";
	case GIT_ECORRUPT: return "compressed data is damaged";
	}
	return "unknown error";
}
