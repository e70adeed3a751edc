/* zone_lex.h: lib/dns private: the master-file tokenizer and the pieces the
 * zone parser shares between its files (RFC 1035 5.1). */
#ifndef KILN_DNS_ZONE_LEX_H
#define KILN_DNS_ZONE_LEX_H

#include <kiln/dns_zone.h>

/* One token: a word (escapes left in place) or the inside of a quoted
 * string (escapes left in place), pointing into the zone text. */
struct zone_tok {
	struct view v;
	bool quoted;
};

struct zone_lexer {
	struct view text;
	size_t pos;
	unsigned line; /* 1-based line of pos */
};

/* Read the next entry (a logical line, parentheses joined). Returns 1 with
 * the tokens, 0 at the end of the text, -1 with *msg set on a lexical error
 * (*line then names the line it happened on). *blank_start: the entry's
 * first line began with a blank (the owner is omitted). */
int zone_lex_entry(struct zone_lexer *lx, struct zone_tok *toks, size_t max, size_t *ntok,
		   bool *blank_start, unsigned *line, const char **msg);

/* Decode a token's \X and \DDD escapes into out (cap); -1 if malformed or
 * too long, else the decoded length. */
int zone_unescape(struct view tok, uint8_t *out, size_t cap);

/* A decimal number or a TTL with units (1h30m): false if malformed or over
 * max. */
bool zone_number(struct view tok, uint32_t max, uint32_t *out);
bool zone_ttl(struct view tok, uint32_t *out);

/* Convert one record's RDATA tokens for type into uncompressed wire form.
 * Returns the length, or -1 with a message in err. */
int zone_rdata_from_text(uint16_t type, const struct zone_tok *toks, size_t n,
			 const struct dns_name *origin, uint8_t *out, size_t cap, char *err,
			 size_t errlen);

/* A name token: "@" is the origin, otherwise relative to origin. */
enum dns_err zone_name(struct view tok, const struct dns_name *origin, struct dns_name *out);

#endif
