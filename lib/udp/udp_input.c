/* udp_input.c: receiving datagrams: check, demultiplex by port, queue
 * (RFC 768, RFC 1122 4.1.3). */
#include "udp_impl.h"

#include <stdlib.h>
#include <string.h>

struct udp_socket *udp_find(struct udp *u, uint16_t port)
{
	for (struct udp_socket *s = u->sockets; s; s = s->next)
		if (s->port == port)
			return s;
	return NULL;
}

static void enqueue(struct udp *u, struct udp_socket *s, const struct ipv4_packet *pkt,
		    const struct udp_hdr *h, struct view data)
{
	struct udp_dgram *d;

	if (s->queued == UDP_RECV_QUEUE_LEN ||
	    data.len > UDP_RECV_QUEUE_BYTES - s->queued_bytes) {
		u->counters.rx_queue_full++;
		return;
	}
	d = malloc(sizeof(*d) + data.len);
	if (!d) {
		u->counters.rx_no_memory++;
		return;
	}
	d->next = NULL;
	d->from_addr = pkt->src;
	d->from_port = h->src_port;
	d->len = data.len;
	if (data.len)
		memcpy(d->data, data.data, data.len);
	*s->tail = d;
	s->tail = &d->next;
	s->queued++;
	s->queued_bytes += data.len;
	u->counters.rx_delivered++;
	waitq_wake(&s->readers);
}

void udp_input(void *ctx, const struct ipv4_packet *pkt, kiln_time_t now)
{
	struct udp *u = ctx;
	struct udp_hdr h;
	struct view data;
	struct udp_socket *s;

	u->counters.rx_datagrams++;
	switch (udp_decode_ex(pkt->payload, pkt->src, pkt->dst, !pkt->l4_csum_ok, &h, &data)) {
	case UDP_DECODE_OK:
		break;
	case UDP_DECODE_TRUNCATED:
		u->counters.rx_truncated++;
		return;
	case UDP_DECODE_BAD_LENGTH:
		u->counters.rx_bad_length++;
		return;
	case UDP_DECODE_BAD_CHECKSUM:
		u->counters.rx_bad_checksum++;
		return;
	}
	s = udp_find(u, h.dst_port);
	if (!s) {
		u->counters.rx_no_port++;
		if (u->unreachable)
			u->unreachable(u->unreachable_ctx, pkt, 3 /* port unreachable */, now);
		return;
	}
	if (s->on_receive) {
		u->counters.rx_delivered++;
		s->on_receive(s->on_receive_ctx, s, pkt->src, h.src_port, data, now);
		return;
	}
	enqueue(u, s, pkt, &h, data);
}
