/* name_int.h: lib/dns private: canonical comparison of names held as raw
 * wire bytes (RFC 4034 6.1), so zone arrays need not copy names. */
#ifndef KILN_DNS_NAME_INT_H
#define KILN_DNS_NAME_INT_H

#include <stddef.h>
#include <stdint.h>

struct dns_encoder;

/* Append n bytes to e, or set its sticky failure if they do not fit
 * (encode.c; the name encoder in name_wire.c uses it too). */
void dns_enc_put(struct dns_encoder *e, const void *p, size_t n);

/* a and b are well-formed uncompressed names of alen and blen octets. */
int dns_wire_name_compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* A key whose plain byte order (memcmp, then length) is the canonical
 * order of names: labels from the root down, lower-cased, each ended by a
 * 0 octet, octets 0 and 1 escaped as 1,1 and 1,2 so the terminator sorts
 * below them. A zone stores one per node so that its binary search
 * compares with memcmp. Returns the key's length (<= DNS_NAME_KEY_MAX). */
#define DNS_NAME_KEY_MAX (2 * 255)
size_t dns_name_key(const uint8_t *wire, size_t len, uint8_t *key);

struct dns_zone;
struct dns_node;
/* dns_zone_find() by a key from dns_name_key(): an ancestor's key is a
 * prefix of its descendant's (up to a 0 terminator), so a walk down the
 * tree computes one key and searches with its prefixes. */
const struct dns_node *dns_zone_find_key(const struct dns_zone *z, const uint8_t *key,
					 size_t klen);

#endif
