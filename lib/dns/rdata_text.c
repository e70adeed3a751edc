/* rdata_text.c: type mnemonics and RDATA presentation format (RFC 1035 5.1,
 * RFC 5952 for IPv6 text, RFC 3597 5 for unknown types). */
#include "rdata_fields.h"

#include <stdio.h>
#include <string.h>

static const struct {
	uint16_t type;
	const char *name;
} types[] = {
	{DNS_TYPE_A, "A"},         {DNS_TYPE_NS, "NS"},       {DNS_TYPE_CNAME, "CNAME"},
	{DNS_TYPE_SOA, "SOA"},     {DNS_TYPE_PTR, "PTR"},     {DNS_TYPE_HINFO, "HINFO"},
	{DNS_TYPE_MX, "MX"},       {DNS_TYPE_TXT, "TXT"},     {DNS_TYPE_AAAA, "AAAA"},
	{DNS_TYPE_SRV, "SRV"},     {DNS_TYPE_OPT, "OPT"},     {DNS_TYPE_DS, "DS"},
	{DNS_TYPE_RRSIG, "RRSIG"}, {DNS_TYPE_NSEC, "NSEC"},   {DNS_TYPE_DNSKEY, "DNSKEY"},
	{DNS_TYPE_IXFR, "IXFR"},   {DNS_TYPE_AXFR, "AXFR"},   {DNS_TYPE_ANY, "ANY"},
	{DNS_TYPE_CAA, "CAA"},
	/* Types without a text form here: known by name so that zone files can
	 * give their RDATA as RFC 3597 "\#" data and output names them. */
	{17, "RP"},        {18, "AFSDB"},     {29, "LOC"},        {35, "NAPTR"},
	{36, "KX"},        {37, "CERT"},      {39, "DNAME"},      {44, "SSHFP"},
	{49, "DHCID"},     {50, "NSEC3"},     {51, "NSEC3PARAM"}, {52, "TLSA"},
	{53, "SMIMEA"},    {59, "CDS"},       {60, "CDNSKEY"},    {61, "OPENPGPKEY"},
	{62, "CSYNC"},     {63, "ZONEMD"},    {64, "SVCB"},       {65, "HTTPS"},
	{99, "SPF"},       {256, "URI"},
};

const char *dns_type_name(uint16_t type, char buf[12])
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (types[i].type == type)
			return types[i].name;
	snprintf(buf, 12, "TYPE%u", type);
	return buf;
}

static bool ieq(const char *a, size_t alen, const char *b)
{
	size_t i = 0;
	for (; i < alen && b[i]; i++) {
		char x = a[i], y = b[i];
		if (x >= 'a' && x <= 'z')
			x = (char)(x - 32);
		if (x != y)
			return false;
	}
	return i == alen && b[i] == 0;
}

uint16_t dns_type_from_name(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (ieq(s, len, types[i].name))
			return types[i].type;
	if (len > 4 && ieq(s, 4, "TYPE")) { /* RFC 3597 5: TYPEnnn */
		unsigned v = 0;
		for (size_t i = 4; i < len; i++) {
			if (s[i] < '0' || s[i] > '9' || len - 4 > 5)
				return 0;
			v = v * 10 + (unsigned)(s[i] - '0');
		}
		return v > 0 && v <= 0xffff ? (uint16_t)v : 0;
	}
	return 0;
}

struct out {
	char *buf;
	size_t cap, len;
};

static void emit(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->cap)
			o->buf[o->len] = s[i];
}

static void emitf_u(struct out *o, unsigned long v)
{
	char b[24];
	int n = snprintf(b, sizeof b, "%lu", v);
	emit(o, b, (size_t)n);
}

static void emit_string(struct out *o, struct view v, bool quoted)
{
	if (quoted)
		emit(o, "\"", 1);
	for (size_t i = 0; i < v.len; i++) {
		uint8_t c = v.data[i];
		char b[5];
		if (c < 0x20 || c >= 0x7f) {
			snprintf(b, sizeof b, "\\%03u", c);
			emit(o, b, 4);
		} else {
			if (c == '"' || c == '\\')
				emit(o, "\\", 1);
			emit(o, (const char *)&c, 1);
		}
	}
	if (quoted)
		emit(o, "\"", 1);
}

static void emit_ipv6(struct out *o, const uint8_t *a)
{
	uint16_t g[8];
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	if (!g[0] && !g[1] && !g[2] && !g[3] && !g[4] && g[5] == 0xffff) {
		char b[32]; /* RFC 5952 5: IPv4-mapped addresses end in dotted quad */
		int n = snprintf(b, sizeof b, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		emit(o, b, (size_t)n);
		return;
	}
	for (int i = 0; i < 8;) { /* RFC 5952 4.2: the longest run of >= 2 zeros */
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen && j - i >= 2) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		char b[8];
		if (i == best) {
			emit(o, "::", 2);
			i += bestlen - 1;
			continue;
		}
		int n = snprintf(b, sizeof b, "%s%x", (i > 0 && i != best + bestlen) ? ":" : "",
				 g[i]);
		emit(o, b, (size_t)n);
	}
}

static void emit_generic(struct out *o, struct view rdata)
{
	emit(o, "\\# ", 3);
	emitf_u(o, rdata.len);
	if (rdata.len)
		emit(o, " ", 1);
	for (size_t i = 0; i < rdata.len; i++) {
		char b[3];
		snprintf(b, sizeof b, "%02x", rdata.data[i]);
		emit(o, b, 2);
	}
}

size_t dns_rdata_to_text(uint16_t type, struct view rdata, char *buf, size_t cap)
{
	struct out o = {buf, cap, 0};
	struct dns_rd_iter it;
	struct dns_rd_field f;
	bool done, first = true;

	if (strcmp(dns_rdata_layout(type), "r") == 0 || dns_rdata_check(type, rdata) != DNS_OK) {
		emit_generic(&o, rdata);
		goto out;
	}
	dns_rd_iter_init(&it, rdata, 0, rdata.len, type);
	while (dns_rd_next(&it, &f, &done) == DNS_OK && !done) {
		char nb[DNS_NAME_TEXT_MAX];
		struct view body;
		if (!first)
			emit(&o, " ", 1);
		first = false;
		switch (f.kind) {
		case 'n':
		case 'N':
			emit(&o, nb, dns_name_to_text(&f.name, nb, sizeof nb));
			break;
		case '1': emitf_u(&o, f.raw.data[0]); break;
		case '2': emitf_u(&o, (unsigned long)(f.raw.data[0] << 8 | f.raw.data[1])); break;
		case '4':
			if (type == DNS_TYPE_A) {
				char b[16];
				int n = snprintf(b, sizeof b, "%u.%u.%u.%u", f.raw.data[0],
						 f.raw.data[1], f.raw.data[2], f.raw.data[3]);
				emit(&o, b, (size_t)n);
			} else {
				uint32_t v;
				view_be32(f.raw, 0, &v);
				emitf_u(&o, v);
			}
			break;
		case '6': emit_ipv6(&o, f.raw.data); break;
		case 's':
		case 'S':
			view_tail(f.raw, 1, &body);
			/* The CAA tag is a bare word (RFC 8659 4.1.1). */
			emit_string(&o, body, !(type == DNS_TYPE_CAA));
			break;
		case 'r': emit_string(&o, f.raw, true); break;
		}
	}
out:
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = 0;
	return o.len;
}
