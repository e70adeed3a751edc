/* pbuf.c: packet buffers with headroom (see include/kiln/pbuf.h). */
#include <kiln/checksum.h>
#include <kiln/pbuf.h>

#include <stdlib.h>
#include <string.h>

/* The count behind pbuf_live(): one core, no threads, so a plain counter. */
static size_t pbuf_count;

size_t pbuf_live(void) { return pbuf_count; }

struct pbuf *pbuf_alloc(size_t headroom, size_t len)
{
	/* Tailroom lets a short packet grow (padding, an appended option)
	 * without a second allocation. */
	size_t tail = 64;
	struct pbuf *pb;

	if (headroom > SIZE_MAX / 4 || len > SIZE_MAX / 4)
		return NULL;
	pb = malloc(sizeof(*pb) + headroom + len + tail);
	if (!pb)
		return NULL;
	pb->data = pb->storage + headroom;
	pb->len = len;
	pb->offload = (struct pbuf_offload){0};
	pb->headroom = headroom;
	pb->tailroom = tail;
	pbuf_count++;
	return pb;
}

struct pbuf *pbuf_from_view(struct view v)
{
	struct pbuf *pb = pbuf_alloc(PBUF_HEADROOM, v.len);
	if (pb && v.len)
		memcpy(pb->data, v.data, v.len);
	return pb;
}

void pbuf_finish_checksum(struct pbuf *pb)
{
	const struct pbuf_offload o = pb->offload;

	pb->offload = (struct pbuf_offload){0};
	if (!o.l4_len || o.l4_len > pb->len || (uint32_t)o.csum_field + 2 > o.l4_len)
		return;
	checksum_complete(pb->data + pb->len - o.l4_len, o.l4_len, o.csum_field);
}

void pbuf_free(struct pbuf *pb)
{
	if (!pb)
		return;
	pbuf_count--;
	free(pb);
}

uint8_t *pbuf_push(struct pbuf *pb, size_t n)
{
	if (n > pb->headroom)
		return NULL;
	pb->headroom -= n;
	pb->data -= n;
	pb->len += n;
	return pb->data;
}

bool pbuf_pull(struct pbuf *pb, size_t n)
{
	if (n > pb->len)
		return false;
	pb->headroom += n;
	pb->data += n;
	pb->len -= n;
	return true;
}

bool pbuf_trim(struct pbuf *pb, size_t len)
{
	if (len > pb->len)
		return false;
	pb->tailroom += pb->len - len;
	pb->len = len;
	return true;
}

uint8_t *pbuf_put(struct pbuf *pb, size_t n)
{
	uint8_t *p;
	if (n > pb->tailroom)
		return NULL;
	p = pb->data + pb->len;
	pb->len += n;
	pb->tailroom -= n;
	return p;
}
