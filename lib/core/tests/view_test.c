/* view_test.c: checked views, readers, writers and pbufs never step outside. */
#include "harness.h"

#include <kiln/pbuf.h>
#include <stdint.h>

static const uint8_t bytes[] = {0x12, 0x34, 0x56, 0x78, 0x9a};

TEST(view_reads_in_range)
{
	struct view v = view_make(bytes, sizeof(bytes));
	uint16_t x16;
	uint32_t x32;
	uint8_t x8;
	CHECK(view_u8(v, 4, &x8));
	CHECK_EQ(x8, 0x9a);
	CHECK(view_be16(v, 3, &x16));
	CHECK_EQ(x16, 0x789a);
	CHECK(view_be32(v, 1, &x32));
	CHECK_EQ(x32, 0x3456789a);
}

TEST(view_refuses_out_of_range)
{
	struct view v = view_make(bytes, sizeof(bytes)), s;
	uint16_t x16 = 7;
	uint32_t x32;
	uint8_t x8, buf[8];
	CHECK(!view_u8(v, 5, &x8));
	CHECK(!view_be16(v, 4, &x16));
	CHECK_EQ(x16, 7);
	CHECK(!view_be32(v, 2, &x32));
	CHECK(!view_sub(v, 2, 4, &s));
	CHECK(!view_sub(v, SIZE_MAX, 2, &s));
	CHECK(!view_sub(v, 1, SIZE_MAX, &s));
	CHECK(!view_copy(v, 0, buf, 6));
	CHECK(!view_tail(v, 6, &s));
	CHECK(view_tail(v, 5, &s));
	CHECK_EQ(s.len, 0);
}

TEST(reader_failure_is_sticky)
{
	struct reader r = reader_make(view_make(bytes, sizeof(bytes)));
	CHECK_EQ(reader_be32(&r), 0x12345678);
	CHECK(reader_ok(&r));
	CHECK_EQ(reader_be16(&r), 0); /* only one byte left */
	CHECK(!reader_ok(&r));
	CHECK_EQ(reader_u8(&r), 0); /* still failed, though a byte remains */
	CHECK_EQ(reader_left(&r), 0);
	struct view v = reader_view(&r, 1);
	CHECK_EQ(v.len, 0);
}

TEST(reader_seek_and_view)
{
	struct reader r = reader_make(view_make(bytes, sizeof(bytes)));
	reader_seek(&r, 3);
	struct view v = reader_view(&r, 2);
	CHECK(reader_ok(&r));
	CHECK_EQ(v.len, 2);
	CHECK_EQ(v.data[0], 0x78);
	reader_seek(&r, 6);
	CHECK(!reader_ok(&r));
}

TEST(writer_never_overflows)
{
	uint8_t buf[6] = {0};
	struct writer w = writer_make(buf, 5);
	writer_be32(&w, 0xdeadbeef);
	writer_be16(&w, 0x1234); /* does not fit */
	CHECK(!writer_ok(&w));
	CHECK_EQ(w.len, 4);
	CHECK_EQ(buf[4], 0);
	CHECK_EQ(buf[5], 0);
	writer_u8(&w, 1); /* sticky: not written although it would fit */
	CHECK_EQ(buf[4], 0);
}

TEST(pbuf_push_pull)
{
	struct pbuf *pb = pbuf_alloc(8, 4);
	CHECK(pb != NULL);
	memcpy(pb->data, "data", 4);
	uint8_t *h = pbuf_push(pb, 8);
	CHECK(h != NULL);
	memcpy(h, "HEADERS!", 8);
	CHECK_EQ(pb->len, 12);
	CHECK(pbuf_push(pb, 1) == NULL);
	CHECK(pbuf_pull(pb, 8));
	CHECK_MEM(pb->data, "data", 4);
	CHECK(!pbuf_pull(pb, 5));
	CHECK(pbuf_trim(pb, 2));
	CHECK_EQ(pbuf_view(pb).len, 2);
	CHECK(!pbuf_trim(pb, 3));
	pbuf_free(pb);
}
