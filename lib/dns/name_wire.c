/* name_wire.c: names on the wire: decompression with bounded pointer
 * following, and compression on encode (RFC 1035 4.1.4). */
#include <kiln/dns.h>

#include "name_int.h"

#include <string.h>

enum dns_err dns_name_decode(struct view msg, size_t off, struct dns_name *out, size_t *end)
{
	size_t pos = off, len = 0;
	size_t limit = off; /* a pointer must point below this: strictly backwards */
	unsigned hops = 0;
	bool jumped = false;

	for (;;) {
		uint8_t l;
		if (!view_u8(msg, pos, &l))
			return DNS_E_SHORT;
		if ((l & 0xc0) == 0xc0) {
			uint8_t lo;
			if (!view_u8(msg, pos + 1, &lo))
				return DNS_E_SHORT;
			size_t target = (size_t)(l & 0x3f) << 8 | lo;
			if (target >= limit || target >= pos)
				return DNS_E_POINTER;
			if (++hops > DNS_POINTER_HOPS_MAX)
				return DNS_E_POINTER_HOPS;
			if (!jumped) {
				*end = pos + 2;
				jumped = true;
			}
			limit = target;
			pos = target;
			continue;
		}
		if (l & 0xc0)
			return DNS_E_LABEL_TYPE;
		if (l > DNS_LABEL_MAX)
			return DNS_E_LABEL_LEN; /* unreachable: 0x3f is 63 */
		if (len + 1 + l > DNS_NAME_MAX)
			return DNS_E_NAME_LEN;
		out->wire[len] = l;
		if (!view_copy(msg, pos + 1, out->wire + len + 1, l))
			return DNS_E_SHORT;
		len += 1 + (size_t)l;
		pos += 1 + (size_t)l;
		if (l == 0)
			break;
	}
	out->len = (uint8_t)len;
	if (!jumped)
		*end = pos;
	return DNS_OK;
}

/* --- Encoder ----------------------------------------------------------- */

void dns_enc_init(struct dns_encoder *e, uint8_t *buf, size_t cap)
{
	e->buf = buf;
	e->cap = cap;
	e->len = 0;
	e->failed = false;
	e->ncomp = 0;
}

void dns_enc_rollback(struct dns_encoder *e, struct dns_mark m)
{
	e->len = m.len;
	e->ncomp = m.ncomp;
	e->failed = false;
}

/* True if the name written at buf[off] (following our own pointers, which
 * always point backwards) equals the labels at s exactly (same case). */
static bool suffix_matches(const struct dns_encoder *e, size_t off, const uint8_t *s)
{
	for (unsigned hops = 0; hops <= DNS_POINTER_HOPS_MAX;) {
		if (off >= e->len)
			return false;
		uint8_t l = e->buf[off];
		if ((l & 0xc0) == 0xc0) {
			if (off + 1 >= e->len)
				return false;
			off = (size_t)(l & 0x3f) << 8 | e->buf[off + 1];
			hops++;
			continue;
		}
		if (l != s[0] || off + 1 + l > e->len || memcmp(e->buf + off + 1, s + 1, l) != 0)
			return false;
		if (l == 0)
			return true;
		off += 1u + l;
		s += 1u + l;
	}
	return false;
}

void dns_enc_name(struct dns_encoder *e, const struct dns_name *n, bool compress)
{
	unsigned i = 0;
	while (i < n->len && n->wire[i]) {
		const uint8_t *s = n->wire + i;
		if (compress) {
			for (unsigned k = 0; k < e->ncomp; k++) {
				if (suffix_matches(e, e->comp[k], s)) {
					uint8_t ptr[2] = {(uint8_t)(0xc0 | e->comp[k] >> 8),
							  (uint8_t)e->comp[k]};
					dns_enc_put(e, ptr, 2);
					return;
				}
			}
		}
		/* Remember where this suffix starts, if a pointer can reach it.
		 * Names written without compression (SRV targets) are not
		 * offered as targets either, as NSD does: RDATA a middlebox
		 * may treat as opaque should not be pointed into. */
		if (compress && !e->failed && e->len <= 0x3fff && e->ncomp < DNS_COMPRESS_MAX)
			e->comp[e->ncomp++] = (uint16_t)e->len;
		dns_enc_put(e, s, 1u + s[0]);
		i += 1u + s[0];
	}
	uint8_t zero = 0;
	dns_enc_put(e, &zero, 1);
}
