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

/* The byte-wise definition of RFC 1071, to check the fast one against. */
static uint16_t reference(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return checksum_fold(s);
}

TEST(fast_sum_matches_reference_at_every_length_and_alignment)
{
	static uint8_t buf[2100];
	uint64_t x = 88172645463325252ull;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	memset(buf + 100, 0xff, 64); /* long carry chains */
	long mismatches = 0, first = -1;
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len <= 2048; len++)
			if (checksum_fold(checksum_add(0, buf + off, len)) != reference(buf + off, len)) {
				if (first < 0)
					first = (long)(off * 10000 + len); /* offset, length */
				mismatches++;
			}
	CHECK_EQ(first, -1);
	CHECK_EQ(mismatches, 0);
}

TEST(parts_combine)
{
	static const uint8_t a[] = {1, 2, 3, 4, 5, 6}, b[] = {7, 8, 9};
	uint8_t ab[9];
	memcpy(ab, a, 6);
	memcpy(ab + 6, b, 3);
	CHECK_EQ(checksum_fold(checksum_add(checksum_add(0, a, 6), b, 3)),
		 checksum_fold(checksum_add(0, ab, 9)));
}
