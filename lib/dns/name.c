/* name.c: domain names: presentation text, comparison, canonical order
 * (RFC 1035 3.1 and 5.1, RFC 4343 case, RFC 4034 6.1 order). */
#include <kiln/dns.h>

#include "name_int.h"

#include <string.h>

static uint8_t lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c; }

void dns_name_root(struct dns_name *n)
{
	n->len = 1;
	n->wire[0] = 0;
}

void dns_name_lower(struct dns_name *n)
{
	for (unsigned i = 0; i < n->len;) {
		unsigned l = n->wire[i];
		for (unsigned j = 1; j <= l; j++)
			n->wire[i + j] = lower(n->wire[i + j]);
		i += l + 1;
		if (l == 0)
			break;
	}
}

/* Parses one escape at s[*i] (just after the backslash) into *c. */
static bool parse_escape(const char *s, size_t len, size_t *i, uint8_t *c)
{
	if (*i >= len)
		return false;
	if (s[*i] >= '0' && s[*i] <= '9') {
		unsigned v = 0;
		for (int k = 0; k < 3; k++) {
			if (*i >= len || s[*i] < '0' || s[*i] > '9')
				return false;
			v = v * 10 + (unsigned)(s[*i] - '0');
			(*i)++;
		}
		if (v > 255)
			return false;
		*c = (uint8_t)v;
		return true;
	}
	*c = (uint8_t)s[(*i)++];
	return true;
}

enum dns_err dns_name_from_text(const char *s, size_t len, const struct dns_name *origin,
				struct dns_name *out)
{
	uint8_t buf[DNS_NAME_MAX + DNS_LABEL_MAX + 2];
	size_t pos = 0, i = 0;
	bool absolute = false;

	if (len == 1 && s[0] == '.') {
		dns_name_root(out);
		return DNS_OK;
	}
	if (len == 0)
		return DNS_E_SYNTAX;
	while (i < len) {
		size_t lenpos = pos++;
		unsigned l = 0;
		while (i < len && s[i] != '.') {
			uint8_t c = (uint8_t)s[i++];
			if (c == '\\' && !parse_escape(s, len, &i, &c))
				return DNS_E_SYNTAX;
			if (++l > DNS_LABEL_MAX)
				return DNS_E_LABEL_LEN;
			if (pos >= DNS_NAME_MAX)
				return DNS_E_NAME_LEN;
			buf[pos++] = c;
		}
		if (l == 0)
			return DNS_E_SYNTAX; /* empty label: "a..b" or a leading dot */
		buf[lenpos] = (uint8_t)l;
		if (i < len) { /* at a dot */
			i++;
			if (i == len)
				absolute = true;
		}
	}
	if (!absolute && origin) {
		if (pos + origin->len > DNS_NAME_MAX)
			return DNS_E_NAME_LEN;
		memcpy(buf + pos, origin->wire, origin->len);
		pos += origin->len;
	} else {
		if (pos + 1 > DNS_NAME_MAX)
			return DNS_E_NAME_LEN;
		buf[pos++] = 0;
	}
	out->len = (uint8_t)pos;
	memcpy(out->wire, buf, pos);
	return DNS_OK;
}

enum dns_err dns_name_parse(const char *s, struct dns_name *out)
{
	return dns_name_from_text(s, strlen(s), NULL, out);
}

size_t dns_name_to_text(const struct dns_name *n, char *buf, size_t cap)
{
	size_t o = 0;
#define PUT(ch)                                                                \
	do {                                                                   \
		if (o + 1 < cap)                                               \
			buf[o] = (char)(ch);                                   \
		o++;                                                           \
	} while (0)
	if (n->len <= 1) {
		PUT('.');
	} else {
		for (unsigned i = 0; i < n->len && n->wire[i];) {
			unsigned l = n->wire[i];
			for (unsigned j = 1; j <= l && i + j < n->len; j++) {
				uint8_t c = n->wire[i + j];
				if (c <= 0x20 || c >= 0x7f) {
					PUT('\\');
					PUT('0' + c / 100);
					PUT('0' + c / 10 % 10);
					PUT('0' + c % 10);
				} else {
					if (strchr(".\\\"();@$", c))
						PUT('\\');
					PUT(c);
				}
			}
			PUT('.');
			i += l + 1;
		}
	}
#undef PUT
	if (cap)
		buf[o < cap ? o : cap - 1] = 0;
	return o;
}

/* Offsets of each label's length octet, first label first; returns count
 * (without the root). The name is trusted to be well-formed. */
static unsigned label_offsets(const uint8_t *w, size_t len, uint8_t off[DNS_LABELS_MAX])
{
	unsigned k = 0;
	for (size_t i = 0; i < len && w[i] && k < DNS_LABELS_MAX;) {
		off[k++] = (uint8_t)i;
		i += w[i] + 1u;
	}
	return k;
}

unsigned dns_name_labels(const struct dns_name *n)
{
	uint8_t off[DNS_LABELS_MAX];
	return label_offsets(n->wire, n->len, off);
}

bool dns_name_equal(const struct dns_name *a, const struct dns_name *b)
{
	if (a->len != b->len)
		return false;
	for (unsigned i = 0; i < a->len; i++)
		if (lower(a->wire[i]) != lower(b->wire[i]))
			return false;
	return true; /* length octets are < 64, so lower() leaves them alone */
}

int dns_wire_name_compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	uint8_t oa[DNS_LABELS_MAX], ob[DNS_LABELS_MAX];
	unsigned na = label_offsets(a, alen, oa), nb = label_offsets(b, blen, ob);
	while (na > 0 && nb > 0) {
		const uint8_t *la = a + oa[--na], *lb = b + ob[--nb];
		unsigned n = la[0] < lb[0] ? la[0] : lb[0];
		for (unsigned i = 1; i <= n; i++) {
			int d = (int)lower(la[i]) - (int)lower(lb[i]);
			if (d)
				return d;
		}
		if (la[0] != lb[0])
			return (int)la[0] - (int)lb[0];
	}
	return (int)na - (int)nb;
}

size_t dns_name_key(const uint8_t *wire, size_t len, uint8_t *key)
{
	uint8_t off[DNS_LABELS_MAX];
	unsigned n = label_offsets(wire, len, off);
	size_t k = 0;
	while (n > 0) {
		const uint8_t *l = wire + off[--n];
		for (unsigned i = 1; i <= l[0]; i++) {
			uint8_t c = lower(l[i]);
			if (c <= 1)
				key[k++] = 1;
			key[k++] = c <= 1 ? (uint8_t)(c + 1) : c;
		}
		key[k++] = 0;
	}
	return k;
}

int dns_name_compare(const struct dns_name *a, const struct dns_name *b)
{
	return dns_wire_name_compare(a->wire, a->len, b->wire, b->len);
}

bool dns_name_is_below(const struct dns_name *n, const struct dns_name *parent)
{
	unsigned ln = dns_name_labels(n), lp = dns_name_labels(parent);
	struct dns_name tail;
	if (ln < lp)
		return false;
	dns_name_parent(n, ln - lp, &tail);
	return dns_name_equal(&tail, parent);
}

void dns_name_parent(const struct dns_name *n, unsigned strip, struct dns_name *out)
{
	unsigned i = 0;
	while (strip-- > 0 && i < n->len && n->wire[i])
		i += n->wire[i] + 1u;
	if (i >= n->len) { /* cannot happen for a well-formed name */
		dns_name_root(out);
		return;
	}
	out->len = (uint8_t)(n->len - i);
	memmove(out->wire, n->wire + i, out->len);
}
