/* zone_lex.c: master-file tokens: blanks, comments, parentheses, quoted
 * strings, escapes; numbers and TTLs (RFC 1035 5.1, RFC 2308 4). */
#include "zone_lex.h"

static bool is_blank(uint8_t c) { return c == ' ' || c == '\t' || c == '\r'; }
static bool is_special(uint8_t c)
{
	return is_blank(c) || c == '\n' || c == ';' || c == '(' || c == ')' || c == '"';
}

int zone_lex_entry(struct zone_lexer *lx, struct zone_tok *toks, size_t max, size_t *ntok,
		   bool *blank_start, unsigned *line, const char **msg)
{
	unsigned depth_line = 0;
	int depth = 0;
	uint8_t c;

	*ntok = 0;
	for (;;) { /* skip lines that hold no tokens */
		*blank_start = false;
		*line = lx->line;
		if (view_u8(lx->text, lx->pos, &c) && is_blank(c))
			*blank_start = true;
		while (view_u8(lx->text, lx->pos, &c)) {
			if (c == '\n') {
				if (depth == 0 && *ntok > 0) {
					lx->pos++;
					lx->line++;
					return 1;
				}
				lx->pos++;
				lx->line++;
				if (*ntok == 0 && depth == 0)
					break; /* an empty line: start again */
			} else if (is_blank(c)) {
				lx->pos++;
			} else if (c == ';') {
				while (view_u8(lx->text, lx->pos, &c) && c != '\n')
					lx->pos++;
			} else if (c == '(') {
				if (depth++ > 0) {
					*msg = "nested parentheses";
					*line = lx->line;
					return -1;
				}
				depth_line = lx->line;
				lx->pos++;
			} else if (c == ')') {
				if (depth-- == 0) {
					*msg = "')' without '('";
					*line = lx->line;
					return -1;
				}
				lx->pos++;
			} else {
				if (*ntok >= max) {
					*msg = "too many fields in one entry";
					*line = lx->line;
					return -1;
				}
				struct zone_tok *t = &toks[(*ntok)++];
				size_t start;
				t->quoted = (c == '"');
				if (t->quoted)
					lx->pos++;
				start = lx->pos;
				while (view_u8(lx->text, lx->pos, &c)) {
					if (t->quoted ? c == '"' : is_special(c))
						break;
					if (c == '\n') {
						*msg = "unterminated quoted string";
						*line = lx->line;
						return -1;
					}
					lx->pos += (c == '\\') ? 2 : 1;
				}
				if (lx->pos > lx->text.len)
					lx->pos = lx->text.len; /* a final lone backslash */
				view_sub(lx->text, start, lx->pos - start, &t->v);
				if (t->quoted) {
					if (!view_u8(lx->text, lx->pos, &c)) {
						*msg = "unterminated quoted string";
						*line = lx->line;
						return -1;
					}
					lx->pos++;
				}
			}
		}
		if (lx->pos >= lx->text.len) {
			if (depth > 0) {
				*msg = "'(' not closed";
				*line = depth_line;
				return -1;
			}
			return *ntok > 0 ? 1 : 0;
		}
	}
}

int zone_unescape(struct view tok, uint8_t *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < tok.len;) {
		uint8_t c = tok.data[i++];
		if (c == '\\') {
			uint8_t d;
			if (!view_u8(tok, i, &d))
				return -1;
			if (d >= '0' && d <= '9') {
				unsigned v = 0;
				for (int k = 0; k < 3; k++, i++) {
					if (!view_u8(tok, i, &d) || d < '0' || d > '9')
						return -1;
					v = v * 10 + (unsigned)(d - '0');
				}
				if (v > 255)
					return -1;
				c = (uint8_t)v;
			} else {
				c = d;
				i++;
			}
		}
		if (o >= cap)
			return -1;
		out[o++] = c;
	}
	return (int)o;
}

bool zone_number(struct view tok, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	if (tok.len == 0 || tok.len > 10)
		return false;
	for (size_t i = 0; i < tok.len; i++) {
		if (tok.data[i] < '0' || tok.data[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(tok.data[i] - '0');
	}
	if (v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool zone_ttl(struct view tok, uint32_t *out)
{
	uint64_t total = 0, cur = 0;
	bool digits = false, units = false;
	if (zone_number(tok, 0xffffffffu, out))
		return true;
	if (tok.len == 0 || tok.len > 32)
		return false;
	for (size_t i = 0; i < tok.len; i++) {
		uint8_t c = tok.data[i];
		uint64_t mul = 0;
		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			digits = true;
			if (cur > 0xffffffffu)
				return false;
			continue;
		}
		switch (c | 0x20) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		case 'w': mul = 604800; break;
		default: return false;
		}
		if (!digits)
			return false;
		total += cur * mul;
		cur = 0;
		digits = false;
		units = true;
		if (total > 0xffffffffu)
			return false;
	}
	if (digits || !units)
		return false; /* "1h30": a number after the last unit */
	*out = (uint32_t)total;
	return true;
}

enum dns_err zone_name(struct view tok, const struct dns_name *origin, struct dns_name *out)
{
	if (tok.len == 1 && tok.data[0] == '@') {
		*out = *origin;
		return DNS_OK;
	}
	return dns_name_from_text((const char *)tok.data, tok.len, origin, out);
}
