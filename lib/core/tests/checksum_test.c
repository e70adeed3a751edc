/* checksum_test.c: RFC 1071 checksums against known answers. */
#include "harness.h"

#include <kiln/checksum.h>
#include <kiln/pbuf.h>
#include <string.h>

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

/* A checksum left to the device (pbuf.h offloads) and finished in software
 * verifies as one computed whole would, TCP and UDP alike, and the request
 * is cleared. */
TEST(partial_sum_finished_in_software)
{
	const uint32_t src = 0x0a000001, dst = 0x0a000002;
	static const uint8_t payload[] = "kiln leaves this one to the device";
	for (int udp = 0; udp < 2; udp++) {
		unsigned hlen = udp ? 8 : 20, field = udp ? 6 : 16;
		uint8_t proto = udp ? 17 : 6;
		struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, sizeof(payload));
		memcpy(pb->data, payload, sizeof(payload));
		uint8_t *h = pbuf_push(pb, hlen);
		uint16_t len = (uint16_t)pb->len, partial;
		memset(h, 0, hlen);
		h[0] = 0x30, h[1] = 0x39, h[3] = 80;
		if (udp)
			h[4] = (uint8_t)(len >> 8), h[5] = (uint8_t)len;
		else
			h[12] = 0x50;
		partial = (uint16_t)~checksum_fold(checksum_pseudo_ipv4(src, dst, proto, len));
		h[field] = (uint8_t)(partial >> 8), h[field + 1] = (uint8_t)partial;
		pb->offload.l4_len = len;
		pb->offload.csum_field = (uint8_t)field;
		pbuf_push(pb, 20); /* an IPv4 header in front changes nothing */
		pbuf_finish_checksum(pb);
		CHECK_EQ(pb->offload.l4_len, 0u);
		CHECK_EQ(checksum_fold(checksum_add(checksum_pseudo_ipv4(src, dst, proto, len),
						    pb->data + 20, len)), 0);
		pbuf_free(pb);
	}
}
