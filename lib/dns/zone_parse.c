/* zone_parse.c: master-file entries: directives, owner/TTL/class/type
 * carry-over, records (RFC 1035 5.1-5.2, RFC 2308 4). */
#include "zone_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parse_state {
	struct zone_builder b;
	struct dns_name origin; /* the current $ORIGIN */
	struct dns_name last_owner;
	bool have_owner;
	uint32_t default_ttl, last_ttl;
	bool have_default_ttl, have_last_ttl;
	unsigned line;
	struct zone_tok toks[DNS_ZONE_TOKENS_MAX];
	uint8_t rd[DNS_MSG_MAX]; /* one record's RDATA (16-bit length) */
};

static int fail(struct parse_state *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct parse_state *ps, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(ps->b.err, ps->b.errlen, "%s:%u: %s", ps->b.file, ps->line, msg);
	return -1;
}

long zone_blob_add(struct zone_builder *b, const void *p, size_t n)
{
	if (b->bloblen + n > 0xffffffffu)
		return -1;
	if (b->bloblen + n > b->blobcap) {
		size_t cap = b->blobcap ? b->blobcap * 2 : 4096;
		while (cap < b->bloblen + n)
			cap *= 2;
		uint8_t *nb = realloc(b->blob, cap);
		if (!nb)
			return -1;
		b->blob = nb;
		b->blobcap = cap;
	}
	memcpy(b->blob + b->bloblen, p, n);
	b->bloblen += n;
	return (long)(b->bloblen - n);
}

#define TOKSTR(t) (int)(t).v.len, (const char *)(t).v.data

static bool tok_is(struct zone_tok t, const char *s)
{
	size_t n = strlen(s);
	if (t.quoted || t.v.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((t.v.data[i] | 0x20) != (s[i] | 0x20))
			return false;
	return true;
}

static int directive(struct parse_state *ps, size_t n)
{
	struct zone_tok *t = ps->toks;
	if (tok_is(t[0], "$ORIGIN")) {
		if (n != 2)
			return fail(ps, "$ORIGIN takes one name");
		enum dns_err e = dns_name_from_text((const char *)t[1].v.data, t[1].v.len,
						    &ps->origin, &ps->origin);
		return e ? fail(ps, "$ORIGIN: bad name '%.*s': %s", TOKSTR(t[1]), dns_strerror(e)) : 0;
	}
	if (tok_is(t[0], "$TTL")) {
		if (n != 2 || !zone_ttl(t[1].v, &ps->default_ttl))
			return fail(ps, "$TTL takes one TTL");
		ps->have_default_ttl = true;
		return 0;
	}
	if (tok_is(t[0], "$INCLUDE"))
		return fail(ps, "$INCLUDE is not supported: a zone must be one file");
	return fail(ps, "unknown directive '%.*s'", TOKSTR(t[0]));
}

static int record(struct parse_state *ps, size_t n, bool blank_start)
{
	struct zone_tok *t = ps->toks;
	struct dns_name owner;
	size_t i = 0;
	uint32_t ttl = 0;
	bool have_ttl = false, have_class = false;

	if (!blank_start) {
		enum dns_err e = t[0].quoted ? DNS_E_SYNTAX : zone_name(t[0].v, &ps->origin, &owner);
		if (e)
			return fail(ps, "bad owner name '%.*s': %s", TOKSTR(t[0]), dns_strerror(e));
		i = 1;
		ps->last_owner = owner;
		ps->have_owner = true;
	} else if (!ps->have_owner) {
		return fail(ps, "no owner name (the first record starts with a blank)");
	} else {
		owner = ps->last_owner;
	}
	for (int k = 0; k < 2 && i < n; k++) { /* [TTL] [class] in either order */
		if (!have_ttl && zone_ttl(t[i].v, &ttl)) {
			have_ttl = true;
			i++;
		} else if (!have_class && tok_is(t[i], "IN")) {
			have_class = true;
			i++;
		} else if (!have_class && (tok_is(t[i], "CH") || tok_is(t[i], "HS") ||
					   tok_is(t[i], "CS") ||
					   (t[i].v.len > 5 && memcmp(t[i].v.data, "CLASS", 5) == 0))) {
			return fail(ps, "class %.*s not supported (only IN)", TOKSTR(t[i]));
		}
	}
	if (i >= n)
		return fail(ps, "missing type");
	uint16_t type = t[i].quoted ? 0 : dns_type_from_name((const char *)t[i].v.data, t[i].v.len);
	if (type == 0)
		return fail(ps, "unknown type '%.*s'", TOKSTR(t[i]));
	if (type == DNS_TYPE_OPT || type == DNS_TYPE_ANY || type == DNS_TYPE_AXFR ||
	    type == DNS_TYPE_IXFR || (type >= 128 && type <= 255))
		return fail(ps, "type %.*s cannot appear in a zone", TOKSTR(t[i]));
	i++;
	if (!have_ttl) {
		if (ps->have_default_ttl)
			ttl = ps->default_ttl;
		else if (ps->have_last_ttl)
			ttl = ps->last_ttl;
		else
			return fail(ps, "no TTL given and no $TTL before");
	} else {
		ps->last_ttl = ttl;
		ps->have_last_ttl = true;
	}
	if (ttl > 0x7fffffff)
		return fail(ps, "TTL %u over 2^31-1 (RFC 2181 8)", ttl);
	if (!dns_name_is_below(&owner, &ps->b.apex)) {
		char on[DNS_NAME_TEXT_MAX], an[DNS_NAME_TEXT_MAX];
		dns_name_to_text(&owner, on, sizeof on);
		dns_name_to_text(&ps->b.apex, an, sizeof an);
		return fail(ps, "%s is outside the zone %s", on, an);
	}

	char msg[200];
	int len = zone_rdata_from_text(type, t + i, n - i, &ps->origin, ps->rd, sizeof ps->rd,
				       msg, sizeof msg);
	if (len < 0)
		return fail(ps, "%s", msg);

	if (ps->b.nrecs == ps->b.caprecs) {
		size_t cap = ps->b.caprecs ? ps->b.caprecs * 2 : 256;
		struct zone_rec *nr = realloc(ps->b.recs, cap * sizeof *nr);
		if (!nr)
			return fail(ps, "out of memory");
		ps->b.recs = nr;
		ps->b.caprecs = cap;
	}
	long o = zone_blob_add(&ps->b, owner.wire, owner.len);
	long r = zone_blob_add(&ps->b, ps->rd, (size_t)len);
	if (o < 0 || r < 0)
		return fail(ps, "out of memory");
	ps->b.recs[ps->b.nrecs++] = (struct zone_rec){(uint32_t)o, owner.len, type, ttl,
						      (uint32_t)r, (uint16_t)len, ps->line};
	return 0;
}

int dns_zone_parse(const char *filename, struct view text, const char *origin,
		   struct dns_zone **out, char *err, size_t errlen)
{
	struct parse_state *ps = calloc(1, sizeof *ps);
	struct zone_lexer lx = {text, 0, 1};
	int rc = -1;

	if (!ps) {
		snprintf(err, errlen, "%s: out of memory", filename);
		return -1;
	}
	ps->b.file = filename;
	ps->b.err = err;
	ps->b.errlen = errlen;
	if (dns_name_parse(origin, &ps->b.apex) != DNS_OK) {
		snprintf(err, errlen, "%s: bad zone origin '%s'", filename, origin);
		goto out;
	}
	ps->origin = ps->b.apex;
	for (;;) {
		size_t n;
		bool blank;
		const char *msg;
		int r = zone_lex_entry(&lx, ps->toks, DNS_ZONE_TOKENS_MAX, &n, &blank, &ps->line, &msg);
		if (r < 0) {
			fail(ps, "%s", msg);
			goto out;
		}
		if (r == 0)
			break;
		if (!blank && !ps->toks[0].quoted && ps->toks[0].v.len > 0 &&
		    ps->toks[0].v.data[0] == '$')
			r = directive(ps, n);
		else
			r = record(ps, n, blank);
		if (r < 0)
			goto out;
	}
	rc = zone_build(&ps->b, out);
out:
	free(ps->b.recs);
	free(ps->b.blob); /* zone_build takes it over (and clears it) on success */
	free(ps);
	return rc;
}
