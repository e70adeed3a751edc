/* msg.c: decoding DNS messages: header, questions, records, the OPT record
 * (RFC 1035 4.1, RFC 6891 6.1), the TSIG record's place and fields
 * (RFC 8945 4.2, 5.2). */
#include <kiln/dns.h>

const char *dns_strerror(enum dns_err e)
{
	switch (e) {
	case DNS_OK: return "ok";
	case DNS_E_SHORT: return "message ends inside a field";
	case DNS_E_LABEL_LEN: return "label longer than 63 octets";
	case DNS_E_NAME_LEN: return "name longer than 255 octets";
	case DNS_E_LABEL_TYPE: return "unsupported label type";
	case DNS_E_POINTER: return "compression pointer not strictly backwards";
	case DNS_E_POINTER_HOPS: return "too many compression pointers";
	case DNS_E_COUNTS: return "section counts exceed the records present";
	case DNS_E_TRAILING: return "bytes after the last record";
	case DNS_E_RDATA: return "malformed RDATA";
	case DNS_E_OPT: return "misplaced or repeated OPT record, or option past its RDATA";
	case DNS_E_TSIG: return "misplaced TSIG record or malformed TSIG RDATA";
	case DNS_E_NOSPACE: return "output buffer full";
	case DNS_E_SYNTAX: return "syntax error";
	}
	return "unknown error";
}

enum dns_err dns_header_decode(struct view msg, struct dns_header *h)
{
	struct reader r = reader_make(msg);
	h->id = reader_be16(&r);
	h->flags = reader_be16(&r);
	h->qdcount = reader_be16(&r);
	h->ancount = reader_be16(&r);
	h->nscount = reader_be16(&r);
	h->arcount = reader_be16(&r);
	return reader_ok(&r) ? DNS_OK : DNS_E_SHORT;
}

enum dns_err dns_question_decode(struct view msg, size_t *pos, struct dns_question *q)
{
	size_t end;
	enum dns_err err = dns_name_decode(msg, *pos, &q->name, &end);
	if (err)
		return err;
	if (!view_be16(msg, end, &q->type) || !view_be16(msg, end + 2, &q->qclass))
		return DNS_E_SHORT;
	*pos = end + 4;
	return DNS_OK;
}

enum dns_err dns_rr_decode(struct view msg, size_t *pos, struct dns_rr *rr)
{
	size_t end;
	uint16_t rdlen;
	enum dns_err err = dns_name_decode(msg, *pos, &rr->owner, &end);
	if (err)
		return err;
	struct reader r = reader_make(msg);
	reader_seek(&r, end);
	rr->type = reader_be16(&r);
	rr->rclass = reader_be16(&r);
	rr->ttl = reader_be32(&r);
	rdlen = reader_be16(&r);
	rr->rdata_off = r.pos;
	rr->rdata = reader_view(&r, rdlen);
	if (!reader_ok(&r))
		return DNS_E_SHORT;
	err = dns_rdata_expand(msg, rr, NULL, 0, NULL);
	if (err)
		return err;
	*pos = r.pos;
	return DNS_OK;
}

/* RFC 6891 6.1.2: OPTION-CODE, OPTION-LENGTH, then that many octets, each
 * option wholly inside the RDATA. */
static bool opt_options_ok(struct view opts)
{
	size_t pos = 0;
	while (pos < opts.len) {
		uint16_t len;
		if (!view_be16(opts, pos + 2, &len) || len > opts.len - pos - 4)
			return false;
		pos += 4u + len;
	}
	return true;
}

/* The TSIG RDATA of rr (RFC 8945 4.2): algorithm name, time signed (48
 * bits), fudge, MAC size and MAC, original ID, error, other len and data,
 * filling the RDATA exactly. */
static enum dns_err tsig_decode(struct view msg, const struct dns_rr *rr, struct dns_tsig *t)
{
	size_t end;
	if (rr->rclass != DNS_CLASS_ANY ||
	    dns_name_decode(msg, rr->rdata_off, &t->alg, &end) != DNS_OK ||
	    end > rr->rdata_off + rr->rdata.len)
		return DNS_E_TSIG;
	struct reader r = reader_make(view_make(rr->rdata.data, rr->rdata.len));
	reader_seek(&r, end - rr->rdata_off);
	reader_copy(&r, t->time_signed, sizeof t->time_signed);
	t->fudge = reader_be16(&r);
	reader_skip(&r, reader_be16(&r)); /* the MAC */
	t->orig_id = reader_be16(&r);
	t->error = reader_be16(&r);
	reader_skip(&r, reader_be16(&r)); /* other data */
	if (!reader_ok(&r) || reader_left(&r) != 0)
		return DNS_E_TSIG;
	t->key = rr->owner;
	t->present = true;
	return DNS_OK;
}

/* A failure to decode a record that the counts promised: if the message
 * simply ran out, the counts lied. */
static enum dns_err count_err(enum dns_err e, struct view msg, size_t pos)
{
	return (e == DNS_E_SHORT && pos >= msg.len) ? DNS_E_COUNTS : e;
}

enum dns_err dns_msg_parse(struct view msg, struct dns_msg *m)
{
	size_t pos = DNS_HEADER_LEN;
	enum dns_err err = dns_header_decode(msg, &m->hdr);
	if (err)
		return err;
	m->edns.present = false;
	m->tsig.present = false;
	for (unsigned i = 0; i < m->hdr.qdcount; i++) {
		struct dns_question q;
		if ((err = dns_question_decode(msg, &pos, &q)))
			return count_err(err, msg, pos);
		if (i == 0)
			m->question = q;
	}
	size_t *offs[3] = {&m->an_off, &m->ns_off, &m->ar_off};
	uint16_t counts[3] = {m->hdr.ancount, m->hdr.nscount, m->hdr.arcount};
	for (int s = 0; s < 3; s++) {
		*offs[s] = pos;
		for (unsigned i = 0; i < counts[s]; i++) {
			struct dns_rr rr;
			if ((err = dns_rr_decode(msg, &pos, &rr)))
				return count_err(err, msg, pos);
			if (rr.type == DNS_TYPE_TSIG) {
				/* RFC 8945 5.2: only as the very last record. */
				if (s != 2 || i + 1u != counts[2])
					return DNS_E_TSIG;
				if ((err = tsig_decode(msg, &rr, &m->tsig)))
					return err;
				continue;
			}
			if (rr.type != DNS_TYPE_OPT)
				continue;
			/* RFC 6891 6.1.1: one OPT, in the additional section,
			 * owned by the root. */
			if (s != 2 || m->edns.present || rr.owner.len != 1 ||
			    !opt_options_ok(rr.rdata))
				return DNS_E_OPT;
			m->edns.present = true;
			m->edns.udp_size = rr.rclass;
			m->edns.ext_rcode = (uint8_t)(rr.ttl >> 24);
			m->edns.version = (uint8_t)(rr.ttl >> 16);
			m->edns.dnssec_ok = (rr.ttl & 0x8000) != 0;
			m->edns.options = rr.rdata;
		}
	}
	m->end = pos;
	return pos == msg.len ? DNS_OK : DNS_E_TRAILING;
}
