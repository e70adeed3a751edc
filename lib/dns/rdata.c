/* rdata.c: RDATA layouts, validation, decompression and typed accessors
 * (RFC 1035 3.3, RFC 3596 2.2, RFC 2782, RFC 8659 4.1, RFC 3597). */
#include "rdata_fields.h"

#include <string.h>

const char *dns_rdata_layout(uint16_t type)
{
	switch (type) {
	case DNS_TYPE_A: return "4";
	case DNS_TYPE_AAAA: return "6";
	case DNS_TYPE_NS:
	case DNS_TYPE_CNAME:
	case DNS_TYPE_PTR: return "n";
	case DNS_TYPE_MX: return "2n";
	case DNS_TYPE_SOA: return "nn44444";
	case DNS_TYPE_TXT: return "S";
	case DNS_TYPE_HINFO: return "ss";
	case DNS_TYPE_SRV: return "222N";
	case DNS_TYPE_CAA: return "1sr";
	default: return "r";
	}
}

void dns_rd_iter_init(struct dns_rd_iter *it, struct view msg, size_t off, size_t len,
		      uint16_t type)
{
	it->msg = msg;
	it->pos = off;
	it->end = off + len; /* callers pass a range they have already checked */
	it->fmt = dns_rdata_layout(type);
}

enum dns_err dns_rd_next(struct dns_rd_iter *it, struct dns_rd_field *f, bool *done)
{
	char k = *it->fmt;
	size_t n = 0;

	*done = false;
	if (k == 0) {
		if (it->pos != it->end)
			return DNS_E_RDATA; /* bytes left over */
		*done = true;
		return DNS_OK;
	}
	f->kind = k;
	switch (k) {
	case 'n':
	case 'N': {
		size_t after;
		struct view upto;
		/* A name must end inside the RDATA; pointers may go anywhere
		 * earlier in the message. */
		if (!view_sub(it->msg, 0, it->end, &upto))
			return DNS_E_RDATA;
		enum dns_err err = dns_name_decode(upto, it->pos, &f->name, &after);
		if (err)
			return err == DNS_E_SHORT ? DNS_E_RDATA : err;
		n = after - it->pos;
		break;
	}
	case '1': n = 1; break;
	case '2': n = 2; break;
	case '4': n = 4; break;
	case '6': n = 16; break;
	case 's':
	case 'S': {
		uint8_t l;
		if (it->pos >= it->end || !view_u8(it->msg, it->pos, &l))
			return DNS_E_RDATA;
		n = 1u + l;
		break;
	}
	case 'r': n = it->end - it->pos; break;
	default: return DNS_E_RDATA;
	}
	if (n > it->end - it->pos || !view_sub(it->msg, it->pos, n, &f->raw))
		return DNS_E_RDATA;
	it->pos += n;
	if (k != 'S')
		it->fmt++;
	else if (it->pos == it->end)
		it->fmt++; /* at least one string was read */
	return DNS_OK;
}

/* Walks RDATA at msg[off..off+len) by its type's layout, validating it; if
 * out is given, writes the uncompressed form there. */
static enum dns_err walk(struct view msg, size_t off, size_t len, uint16_t type,
			 uint8_t *out, size_t cap, size_t *outlen)
{
	struct dns_rd_iter it;
	struct dns_rd_field f = {0};
	bool done;
	size_t o = 0;

	if (type == DNS_TYPE_TXT && len == 0)
		return DNS_E_RDATA; /* RFC 1035 3.3.14: one or more strings */
	dns_rd_iter_init(&it, msg, off, len, type);
	for (unsigned guard = 0; guard <= DNS_MSG_MAX; guard++) {
		enum dns_err err = dns_rd_next(&it, &f, &done);
		if (err)
			return err;
		if (done) {
			if (outlen)
				*outlen = o;
			return DNS_OK;
		}
		if (type == DNS_TYPE_CAA && f.kind == 's' && f.raw.len < 2)
			return DNS_E_RDATA; /* RFC 8659 4.1: the tag is not empty */
		if (!out)
			continue;
		const uint8_t *src = f.raw.data;
		size_t n = f.raw.len;
		if (f.kind == 'n' || f.kind == 'N') {
			src = f.name.wire;
			n = f.name.len;
		}
		if (n > cap - o)
			return DNS_E_NOSPACE;
		memcpy(out + o, src, n);
		o += n;
	}
	return DNS_E_RDATA;
}

enum dns_err dns_rdata_check(uint16_t type, struct view rdata)
{
	return walk(rdata, 0, rdata.len, type, NULL, 0, NULL);
}

enum dns_err dns_rdata_expand(struct view msg, const struct dns_rr *rr, uint8_t *out,
			      size_t cap, size_t *len)
{
	return walk(msg, rr->rdata_off, rr->rdata.len, rr->type, out, cap, len);
}

enum dns_err dns_rdata_name(struct view msg, const struct dns_rr *rr, struct dns_name *out)
{
	size_t end;
	struct view upto;
	if (!view_sub(msg, 0, rr->rdata_off + rr->rdata.len, &upto))
		return DNS_E_RDATA;
	enum dns_err err = dns_name_decode(upto, rr->rdata_off, out, &end);
	if (err)
		return err == DNS_E_SHORT ? DNS_E_RDATA : err;
	return end == rr->rdata_off + rr->rdata.len ? DNS_OK : DNS_E_RDATA;
}

enum dns_err dns_rdata_mx(struct view msg, const struct dns_rr *rr, uint16_t *pref,
			  struct dns_name *exchange)
{
	struct dns_rr tail = *rr;
	if (rr->rdata.len < 3 || !view_be16(rr->rdata, 0, pref))
		return DNS_E_RDATA;
	tail.rdata_off += 2;
	tail.rdata.len -= 2;
	return dns_rdata_name(msg, &tail, exchange);
}

enum dns_err dns_rdata_soa(struct view msg, const struct dns_rr *rr, struct dns_soa *soa)
{
	struct dns_rd_iter it;
	struct dns_rd_field f = {0};
	bool done;
	uint32_t *num[5] = {&soa->serial, &soa->refresh, &soa->retry, &soa->expire,
			    &soa->minimum};
	if (rr->type != DNS_TYPE_SOA)
		return DNS_E_RDATA;
	dns_rd_iter_init(&it, msg, rr->rdata_off, rr->rdata.len, DNS_TYPE_SOA);
	for (int i = 0; i < 8; i++) {
		enum dns_err err = dns_rd_next(&it, &f, &done);
		if (err)
			return err;
		if (done)
			return i == 7 ? DNS_OK : DNS_E_RDATA;
		if (i == 0)
			soa->mname = f.name;
		else if (i == 1)
			soa->rname = f.name;
		else
			view_be32(f.raw, 0, num[i - 2]);
	}
	return DNS_E_RDATA;
}
