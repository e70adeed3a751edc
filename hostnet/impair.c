/* impair.c: seeded fault injection (loss, reordering, duplication). */
#include "impair.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void impair_init(struct impair_dir *d, uint64_t seed)
{
	memset(d, 0, sizeof(*d));
	d->rng = seed * 0x9e3779b97f4a7c15ull + 1;
}

static unsigned draw_permille(struct impair_dir *d)
{
	/* splitmix64: reproducible for a seed, on every host */
	uint64_t z = (d->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (unsigned)((z ^ (z >> 31)) % 1000);
}

enum impair_verdict impair_decide(struct impair_dir *d, const struct hostnet_impair *cfg)
{
	unsigned x = draw_permille(d);
	if (x < cfg->loss)
		return IMPAIR_DROP;
	x -= cfg->loss;
	if (x < cfg->reorder)
		return IMPAIR_HOLD;
	x -= cfg->reorder;
	if (x < cfg->dup)
		return IMPAIR_DUP;
	return IMPAIR_PASS;
}

bool impair_hold(struct impair_dir *d, const uint8_t *frame, size_t len)
{
	if (len > sizeof(d->held))
		return false;
	memcpy(d->held, frame, len);
	d->held_len = len;
	return true;
}

/* "5" or "0.5" or "12.5" percent -> permille; false if malformed or > 100. */
static bool parse_percent(const char *s, size_t len, unsigned *out)
{
	unsigned whole = 0, tenth = 0;
	size_t i = 0;
	if (len == 0)
		return false;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		if ((whole = whole * 10 + (unsigned)(s[i] - '0')) > 100)
			return false;
	if (i == 0)
		return false;
	if (i < len) {
		if (s[i] != '.' || i + 2 != len || s[i + 1] < '0' || s[i + 1] > '9')
			return false;
		tenth = (unsigned)(s[i + 1] - '0');
	}
	*out = whole * 10 + tenth;
	return *out <= 1000;
}

bool hostnet_parse_impair(const char *value, struct hostnet_options *opts,
			  char *err, size_t errlen)
{
	struct hostnet_impair im = {0, 0, 0, 1};
	const char *p = value;

	while (*p) {
		const char *colon = strchr(p, ':'), *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		if (!colon || colon > end)
			goto bad;
		size_t klen = (size_t)(colon - p), vlen = (size_t)(end - colon - 1);
		const char *v = colon + 1;
		if (klen == 4 && strncmp(p, "loss", 4) == 0) {
			if (!parse_percent(v, vlen, &im.loss))
				goto bad;
		} else if (klen == 7 && strncmp(p, "reorder", 7) == 0) {
			if (!parse_percent(v, vlen, &im.reorder))
				goto bad;
		} else if (klen == 3 && strncmp(p, "dup", 3) == 0) {
			if (!parse_percent(v, vlen, &im.dup))
				goto bad;
		} else if (klen == 4 && strncmp(p, "seed", 4) == 0) {
			char *e;
			if (vlen == 0 || *v < '0' || *v > '9')
				goto bad; /* strtoull would take blanks and a sign */
			errno = 0;
			im.seed = strtoull(v, &e, 10);
			if (e != end || vlen == 0 || errno)
				goto bad;
		} else {
			goto bad;
		}
		p = comma ? comma + 1 : end;
	}
	if (im.loss + im.reorder + im.dup > 1000) {
		snprintf(err, errlen, "--net-impair=%s: loss + reorder + dup exceed 100%%", value);
		return false;
	}
	opts->impair = im;
	return true;
bad:
	snprintf(err, errlen,
		 "--net-impair=%s: expected loss:P,reorder:P,dup:P,seed:N (P percent, one decimal)",
		 value);
	return false;
}
