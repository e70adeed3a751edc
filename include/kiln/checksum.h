/* checksum.h: the Internet checksum (RFC 1071), for IPv4, ICMP, UDP and TCP.
 *
 * Sums are kept unfolded in 32 bits so a pseudo-header, a header and a payload
 * can be summed separately and combined: checksum_fold(a + b + c). Each part
 * except the last must have even length, as RFC 1071 4.1 requires.
 */
#ifndef KILN_CHECKSUM_H
#define KILN_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* The one's-complement sum of len bytes at data (big-endian 16-bit words, an
 * odd last byte padded with zero), added to sum. */
uint32_t checksum_add(uint32_t sum, const void *data, size_t len);

/* Fold a sum to 16 bits and complement it: the value for the header field.
 * A packet whose stored checksum is right sums (with that field) to 0. */
uint16_t checksum_fold(uint32_t sum);

/* The sum of the IPv4 pseudo-header for UDP/TCP (RFC 768, RFC 9293 3.1):
 * addresses in host order, protocol number and upper-layer length. */
uint32_t checksum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

/* Complete a checksum left partial (checksum offload, as virtio's NEEDS_CSUM):
 * l4 holds len bytes of a TCP or UDP header and payload whose checksum
 * field, at offset field, holds the pseudo-header's sum (folded, not
 * complemented). Sums the bytes and stores the checksum there; a UDP one
 * (field 6) that comes out 0 is stored as all ones (RFC 768). field + 2
 * must be within len. */
void checksum_complete(uint8_t *l4, size_t len, size_t field);

#endif
