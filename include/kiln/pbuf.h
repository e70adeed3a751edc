/* pbuf.h: a packet buffer with headroom, so each layer prepends its header
 * without copying the payload.
 *
 * A pbuf owns one contiguous allocation: [headroom | data | tailroom]. A
 * protocol writes its payload, then each layer below calls pbuf_push() to
 * claim the bytes just in front of the data for its header. On input, a layer
 * reads its header through pbuf_view() (a checked view) and pbuf_pull()s it
 * off before handing the buffer up.
 *
 * PBUF_HEADROOM is enough for Ethernet + IPv4 with options + TCP with options
 * (14 + 60 + 60 = 134, rounded up). Ownership: whoever holds the pointer
 * frees it, once; a layer that passes a pbuf down (send) or up (receive)
 * passes its ownership too, and the contract of each such call says so.
 */
#ifndef KILN_PBUF_H
#define KILN_PBUF_H

#include <kiln/view.h>

#define PBUF_HEADROOM 160

/* Work an outgoing packet leaves to the device (platform.h,
 * KILN_NET_OFFLOAD_*). Offsets count back from the packet's end, which
 * stays put while each layer pushes its header in front. All zero: none. */
struct pbuf_offload {
	uint32_t l4_len;     /* 0: checksums complete. Else the bytes from the TCP
			      * or UDP header to the end: its checksum field holds
			      * the pseudo-header sum, for the device to complete */
	uint8_t csum_field;  /* the checksum's offset in that header (TCP 16, UDP 6) */
	uint8_t l4_hdr_len;  /* that header's length, options included */
	uint16_t seg_size;   /* 0: one packet; else TCP payload bytes per segment (TSO) */
};

struct pbuf {
	struct pbuf_offload offload;
	uint8_t *data;     /* first byte of the packet */
	size_t len;        /* bytes of packet at data */
	size_t headroom;   /* bytes free before data */
	size_t tailroom;   /* bytes free after data + len */
	uint8_t storage[]; /* the allocation itself */
};

/* A pbuf with headroom bytes free in front and room for len bytes of data
 * (len is set to len; the bytes are uninitialised). NULL if out of memory. */
struct pbuf *pbuf_alloc(size_t headroom, size_t len);

/* Complete in software the checksum pb left to the device (offload.l4_len;
 * no segmentation asked) and clear the request: for a layer that must cut
 * or keep the packet where no device will (IPv4 fragmentation), or a
 * device that turns out to have no checksum offload. */
void pbuf_finish_checksum(struct pbuf *pb);

/* A pbuf holding a copy of v, with PBUF_HEADROOM in front. NULL if no memory. */
struct pbuf *pbuf_from_view(struct view v);

/* Free pb; NULL is ignored. */
void pbuf_free(struct pbuf *pb);

/* How many pbufs are allocated and not yet freed. Tests record it before a
 * case and check it is back to that value after (lwIP's habit of checking
 * every pool is empty), so a layer that leaks or double-holds a packet fails
 * its test at once rather than under LeakSanitizer at exit. */
size_t pbuf_live(void);

/* Claim n bytes in front of the data and return a pointer to them; NULL (and
 * nothing changed) if the headroom is short. */
uint8_t *pbuf_push(struct pbuf *pb, size_t n);

/* Drop n bytes from the front; false (nothing changed) if n > len. */
bool pbuf_pull(struct pbuf *pb, size_t n);

/* Shorten the data to len bytes (an IP packet inside a padded frame); false
 * if len is longer than the data. */
bool pbuf_trim(struct pbuf *pb, size_t len);

/* Append n bytes at the end and return a pointer to them; NULL if the
 * tailroom is short. */
uint8_t *pbuf_put(struct pbuf *pb, size_t n);

static inline struct view pbuf_view(const struct pbuf *pb)
{
	return view_make(pb->data, pb->len);
}

#endif
