/* zone_rdata.c: RDATA from master-file text, per type (RFC 1035 3.3/5.1,
 * RFC 3596 2.4, RFC 4291 2.2 for IPv6 text, RFC 2782, RFC 8659 4.1,
 * RFC 3597 5 for "\# len hex"). */
#include "rdata_fields.h"
#include "zone_lex.h"

#include <stdio.h>
#include <string.h>

struct rd_out {
	uint8_t *buf;
	size_t cap, len;
	bool full;
};

static void out_bytes(struct rd_out *o, const void *p, size_t n)
{
	if (n > o->cap - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static bool parse_ipv4(struct view t, uint8_t a[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		while (i < t.len && t.data[i] >= '0' && t.data[i] <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(t.data[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return false;
		a[part] = (uint8_t)v;
		if (part < 3 && (i >= t.len || t.data[i++] != '.'))
			return false;
	}
	return i == t.len;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* RFC 4291 2.2: x:x:x:x:x:x:x:x, one "::", an IPv4 tail. */
static bool parse_ipv6(struct view t, uint8_t a[16])
{
	uint16_t g[8];
	int n = 0, gap = -1;
	size_t i = 0;
	if (t.len >= 2 && t.data[0] == ':' && t.data[1] == ':') {
		gap = 0;
		i = 2;
	} else if (t.len > 0 && t.data[0] == ':') {
		return false;
	}
	while (i < t.len) {
		if (n >= 8)
			return false;
		size_t start = i;
		unsigned v = 0;
		while (i < t.len && hexval(t.data[i]) >= 0 && i - start < 4)
			v = v * 16 + (unsigned)hexval(t.data[i++]);
		if (i < t.len && t.data[i] == '.') { /* embedded IPv4 */
			struct view tail;
			uint8_t v4[4];
			if (n > 6 || !view_tail(t, start, &tail) || !parse_ipv4(tail, v4))
				return false;
			g[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
			g[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
			i = t.len;
			break;
		}
		if (i == start)
			return false;
		g[n++] = (uint16_t)v;
		if (i == t.len)
			break;
		if (t.data[i] != ':')
			return false;
		i++;
		if (i < t.len && t.data[i] == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			i++;
		} else if (i == t.len) {
			return false; /* trailing single ':' */
		}
	}
	if ((gap < 0 && n != 8) || (gap >= 0 && n > 7))
		return false;
	int fill = 8 - n;
	for (int k = 0, o = 0; k < 8; k++) {
		uint16_t v;
		if (gap >= 0 && k >= gap && k < gap + fill)
			v = 0;
		else
			v = g[o++];
		a[2 * k] = (uint8_t)(v >> 8);
		a[2 * k + 1] = (uint8_t)v;
	}
	return true;
}

/* A character-string (<= 255 octets after unescaping) as length + data. */
static bool put_string(struct rd_out *o, struct view t)
{
	uint8_t s[256];
	int n = zone_unescape(t, s + 1, 255);
	if (n < 0)
		return false;
	s[0] = (uint8_t)n;
	out_bytes(o, s, (size_t)n + 1);
	return true;
}

/* RFC 3597 5: \# length hex..., the hex possibly split across tokens. */
static int generic(const struct zone_tok *toks, size_t n, struct rd_out *o, char *err,
		   size_t errlen)
{
	uint32_t len;
	if (n < 2 || !zone_number(toks[1].v, 0xffff, &len)) {
		snprintf(err, errlen, "\\# needs a length (0-65535)");
		return -1;
	}
	int nib = -1;
	for (size_t k = 2; k < n; k++) {
		for (size_t i = 0; i < toks[k].v.len; i++) {
			int h = hexval(toks[k].v.data[i]);
			if (h < 0) {
				snprintf(err, errlen, "bad hex digit in \\# data");
				return -1;
			}
			if (nib < 0) {
				nib = h;
			} else {
				uint8_t b = (uint8_t)(nib << 4 | h);
				out_bytes(o, &b, 1);
				nib = -1;
			}
		}
	}
	if (nib >= 0 || o->len != len) {
		snprintf(err, errlen, "\\# length %u does not match its %zu octets of data", len,
			 o->len);
		return -1;
	}
	return 0;
}

int zone_rdata_from_text(uint16_t type, const struct zone_tok *toks, size_t n,
			 const struct dns_name *origin, uint8_t *buf, size_t cap, char *err,
			 size_t errlen)
{
	struct rd_out o = {buf, cap, 0, false};
	char tb[12];
	const char *tname = dns_type_name(type, tb);

	if (n >= 1 && !toks[0].quoted && toks[0].v.len == 2 && memcmp(toks[0].v.data, "\\#", 2) == 0) {
		if (generic(toks, n, &o, err, errlen) < 0)
			return -1;
		if (dns_rdata_check(type, view_make(buf, o.len)) != DNS_OK) {
			snprintf(err, errlen, "\\# data is not valid %s RDATA", tname);
			return -1;
		}
		return (int)o.len;
	}
	const char *layout = dns_rdata_layout(type);
	if (strcmp(layout, "r") == 0 && type != DNS_TYPE_CAA) {
		snprintf(err, errlen, "type %s needs the \\# generic syntax (RFC 3597)", tname);
		return -1;
	}
	size_t k = 0;
	for (const char *f = layout; *f; f++) {
		if (k >= n && *f != 'r') {
			snprintf(err, errlen, "%s: missing fields", tname);
			return -1;
		}
		switch (*f) {
		case 'n':
		case 'N': {
			struct dns_name nm;
			enum dns_err e = toks[k].quoted ? DNS_E_SYNTAX : zone_name(toks[k].v, origin, &nm);
			if (e) {
				snprintf(err, errlen, "%s: bad name '%.*s': %s", tname,
					 (int)toks[k].v.len, (const char *)toks[k].v.data, dns_strerror(e));
				return -1;
			}
			out_bytes(&o, nm.wire, nm.len);
			k++;
			break;
		}
		case '1':
		case '2':
		case '4': {
			uint32_t v, max = *f == '1' ? 0xff : *f == '2' ? 0xffff : 0xffffffffu;
			uint8_t b[4];
			bool ok = (type == DNS_TYPE_SOA && f - layout > 2) ? zone_ttl(toks[k].v, &v)
									   : zone_number(toks[k].v, max, &v);
			if (type == DNS_TYPE_A) {
				ok = parse_ipv4(toks[k].v, b);
			} else {
				store_be32(b, v);
			}
			if (!ok) {
				snprintf(err, errlen, "%s: bad %s '%.*s'", tname,
					 type == DNS_TYPE_A ? "IPv4 address" : "number",
					 (int)toks[k].v.len, (const char *)toks[k].v.data);
				return -1;
			}
			size_t w = (size_t)(*f - '0');
			out_bytes(&o, type == DNS_TYPE_A ? b : b + 4 - w, w);
			k++;
			break;
		}
		case '6': {
			uint8_t a[16];
			if (!parse_ipv6(toks[k].v, a)) {
				snprintf(err, errlen, "AAAA: bad IPv6 address '%.*s'",
					 (int)toks[k].v.len, (const char *)toks[k].v.data);
				return -1;
			}
			out_bytes(&o, a, 16);
			k++;
			break;
		}
		case 's':
		case 'S':
			do {
				if (!put_string(&o, toks[k].v)) {
					snprintf(err, errlen, "%s: bad string (escape, or over 255 octets)", tname);
					return -1;
				}
				k++;
			} while (*f == 'S' && k < n);
			break;
		case 'r': /* CAA value: the rest as one string, unescaped, no length octet */
			if (k + 1 != n) {
				snprintf(err, errlen, "%s: expected one value", tname);
				return -1;
			}
			{
				int l = zone_unescape(toks[k].v, o.buf + o.len, o.cap - o.len);
				if (l < 0) {
					snprintf(err, errlen, "%s: bad value (escape, or RDATA too long)", tname);
					return -1;
				}
				o.len += (size_t)l;
				k++;
			}
			break;
		}
	}
	if (k != n) {
		snprintf(err, errlen, "%s: unexpected '%.*s'", tname, (int)toks[k].v.len,
			 (const char *)toks[k].v.data);
		return -1;
	}
	if (o.full) {
		snprintf(err, errlen, "%s: RDATA too long", tname);
		return -1;
	}
	if (dns_rdata_check(type, view_make(buf, o.len)) != DNS_OK) {
		snprintf(err, errlen, "%s: invalid RDATA", tname); /* e.g. an empty CAA tag */
		return -1;
	}
	return (int)o.len;
}
