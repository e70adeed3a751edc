/* name_int.h: lib/dns private: canonical comparison of names held as raw
 * wire bytes (RFC 4034 6.1), so zone arrays need not copy names. */
#ifndef KILN_DNS_NAME_INT_H
#define KILN_DNS_NAME_INT_H

#include <stddef.h>
#include <stdint.h>

/* a and b are well-formed uncompressed names of alen and blen octets. */
int dns_wire_name_compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

#endif
