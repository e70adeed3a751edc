/* encode.c: building DNS messages: header, question, records with RDATA
 * name compression, OPT, TSIG errors; TCP length framing (RFC 1035 4.1-4.2,
 * RFC 3597 4, RFC 6891 6.1.2, RFC 8945 5.3.2, RFC 7766 8). */
#include "name_int.h"
#include "rdata_fields.h"

#include <string.h>

void dns_enc_put(struct dns_encoder *e, const void *p, size_t n)
{
	if (e->failed || n > e->cap - e->len) {
		e->failed = true;
		return;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

static void put16(struct dns_encoder *e, uint16_t x)
{
	uint8_t b[2];
	store_be16(b, x);
	dns_enc_put(e, b, 2);
}

static void put32(struct dns_encoder *e, uint32_t x)
{
	uint8_t b[4];
	store_be32(b, x);
	dns_enc_put(e, b, 4);
}

void dns_enc_header(struct dns_encoder *e, const struct dns_header *h)
{
	put16(e, h->id);
	put16(e, h->flags);
	put16(e, h->qdcount);
	put16(e, h->ancount);
	put16(e, h->nscount);
	put16(e, h->arcount);
}

void dns_enc_set_flags(struct dns_encoder *e, uint16_t flags)
{
	if (e->cap >= DNS_HEADER_LEN && e->len >= DNS_HEADER_LEN)
		store_be16(e->buf + 2, flags);
}

void dns_enc_set_counts(struct dns_encoder *e, uint16_t qd, uint16_t an, uint16_t ns,
			uint16_t ar)
{
	if (e->len < DNS_HEADER_LEN)
		return;
	store_be16(e->buf + 4, qd);
	store_be16(e->buf + 6, an);
	store_be16(e->buf + 8, ns);
	store_be16(e->buf + 10, ar);
}

void dns_enc_question(struct dns_encoder *e, const struct dns_name *n, uint16_t type,
		      uint16_t qclass)
{
	dns_enc_name(e, n, true);
	put16(e, type);
	put16(e, qclass);
}

void dns_enc_rr(struct dns_encoder *e, const struct dns_name *owner, uint16_t type,
		uint16_t rclass, uint32_t ttl, struct view rdata)
{
	struct dns_rd_iter it;
	struct dns_rd_field f;
	bool done;

	dns_enc_name(e, owner, true);
	put16(e, type);
	put16(e, rclass);
	put32(e, ttl);
	size_t lenpos = e->len;
	put16(e, 0);
	if (e->failed)
		return;
	dns_rd_iter_init(&it, rdata, 0, rdata.len, type);
	for (unsigned guard = 0; guard <= DNS_MSG_MAX; guard++) {
		if (dns_rd_next(&it, &f, &done) != DNS_OK) {
			/* Not valid for its type (the zone checks this, so
			 * only a caller's bug gets here): send it opaque. */
			dns_enc_put(e, rdata.data, rdata.len);
			break;
		}
		if (done)
			break;
		if (f.kind == 'n' || f.kind == 'N')
			dns_enc_name(e, &f.name, f.kind == 'n');
		else
			dns_enc_put(e, f.raw.data, f.raw.len);
	}
	if (e->failed)
		return;
	size_t rdlen = e->len - lenpos - 2;
	if (rdlen > 0xffff) {
		e->failed = true;
		return;
	}
	store_be16(e->buf + lenpos, (uint16_t)rdlen);
}

void dns_enc_opt(struct dns_encoder *e, uint16_t udp_size, uint8_t ext_rcode,
		 uint8_t version, bool dnssec_ok)
{
	uint8_t root = 0;
	dns_enc_put(e, &root, 1);
	put16(e, DNS_TYPE_OPT);
	put16(e, udp_size);
	put32(e, (uint32_t)ext_rcode << 24 | (uint32_t)version << 16 | (dnssec_ok ? 0x8000u : 0));
	put16(e, 0);
}

size_t dns_tsig_error_len(const struct dns_tsig *t)
{
	/* owner, type class TTL rdlen, alg, time fudge MAC-size orig-id
	 * error other-len */
	return t->key.len + 10u + t->alg.len + 16u;
}

void dns_enc_tsig_error(struct dns_encoder *e, const struct dns_tsig *t, uint16_t error)
{
	/* Names in TSIG are never compressed (RFC 8945 4.2). */
	dns_enc_name(e, &t->key, false);
	put16(e, DNS_TYPE_TSIG);
	put16(e, DNS_CLASS_ANY);
	put32(e, 0);
	put16(e, (uint16_t)(t->alg.len + 16u));
	dns_enc_name(e, &t->alg, false);
	dns_enc_put(e, t->time_signed, sizeof t->time_signed);
	put16(e, t->fudge);
	put16(e, 0); /* MAC size: an error answer is unsigned */
	put16(e, t->orig_id);
	put16(e, error);
	put16(e, 0); /* other len */
}

size_t dns_tcp_frame(struct view msg, uint8_t *out, size_t cap)
{
	if (msg.len > DNS_MSG_MAX || cap < 2 || msg.len > cap - 2)
		return 0;
	store_be16(out, (uint16_t)msg.len);
	if (msg.len)
		memcpy(out + 2, msg.data, msg.len);
	return msg.len + 2;
}

bool dns_tcp_unframe(struct view stream, struct view *msg, size_t *consumed)
{
	uint16_t len;
	if (!view_be16(stream, 0, &len) || !view_sub(stream, 2, len, msg))
		return false;
	*consumed = 2u + len;
	return true;
}
