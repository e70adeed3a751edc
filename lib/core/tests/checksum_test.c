/* checksum_test.c: RFC 1071 checksums against known answers. */
#include "harness.h"

#include <kiln/checksum.h>

TEST(rfc1071_example)
{
	/* RFC 1071 section 3's example bytes sum to 0xddf2 (before complement). */
	static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	CHECK_EQ(checksum_fold(checksum_add(0, b, sizeof(b))), (uint16_t)~0xddf2);
}

TEST(ipv4_header_verifies_to_zero)
{
	/* A real IPv4 header (from a capture) with its checksum 0xb861 in place. */
	static const uint8_t h[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
				    0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	CHECK_EQ(checksum_fold(checksum_add(0, h, sizeof(h))), 0);
	uint8_t z[20];
	memcpy(z, h, 20);
	z[10] = z[11] = 0;
	CHECK_EQ(checksum_fold(checksum_add(0, z, sizeof(z))), 0xb861);
}

TEST(odd_length_pads_with_zero)
{
	static const uint8_t odd[] = {0x12, 0x34, 0x56};
	static const uint8_t even[] = {0x12, 0x34, 0x56, 0x00};
	CHECK_EQ(checksum_add(0, odd, 3), checksum_add(0, even, 4));
}
