/* rdata_fields.h: lib/dns private: RDATA layouts per type as field lists,
 * and a checked iterator over them (RFC 1035 3.3, RFC 3596, RFC 2782,
 * RFC 8659, RFC 3597 for everything else). */
#ifndef KILN_DNS_RDATA_FIELDS_H
#define KILN_DNS_RDATA_FIELDS_H

#include <kiln/dns.h>

/* Field kinds:
 *   'n'  a domain name compressed on encode (RFC 1035 types only)
 *   'N'  a domain name never compressed on encode (SRV: RFC 2782), but
 *        decompressed on decode (RFC 3597 4 asks receivers to)
 *   '1' '2' '4' '6'  1, 2, 4 or 16 octets
 *   's'  one character-string (length octet + data)
 *   'S'  one or more character-strings up to the end (TXT)
 *   'r'  the rest of the RDATA, possibly empty (CAA value, unknown types) */
const char *dns_rdata_layout(uint16_t type);

struct dns_rd_field {
	char kind;
	struct view raw;       /* the field's bytes (for names: as on the wire) */
	struct dns_name name;  /* decoded, for 'n' and 'N' */
};

struct dns_rd_iter {
	struct view msg;  /* the whole message (or the bare RDATA) */
	size_t pos, end;  /* RDATA is msg[pos..end) */
	const char *fmt;
};

void dns_rd_iter_init(struct dns_rd_iter *it, struct view msg, size_t off, size_t len,
		      uint16_t type);
/* Next field: DNS_OK with *done false and *f filled; DNS_OK with *done true
 * at the end (all of the RDATA used); an error if the RDATA is malformed. */
enum dns_err dns_rd_next(struct dns_rd_iter *it, struct dns_rd_field *f, bool *done);

#endif
