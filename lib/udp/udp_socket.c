/* udp_socket.c: the datagram socket API: open, close, send, receive (see udp.h). */
#include "udp_impl.h"

#include <stdlib.h>
#include <string.h>

void udp_init(struct udp *u, struct ipv4 *ip)
{
	memset(u, 0, sizeof(*u));
	u->ip = ip;
	u->next_ephemeral = UDP_EPHEMERAL_FIRST;
	u->clock = kiln_clock_monotonic;
}

void udp_destroy(struct udp *u)
{
	/* Bounded by UDP_MAX_SOCKETS: each close unlinks the head. */
	while (u->sockets)
		udp_close(u->sockets);
}

void udp_set_unreachable(struct udp *u, udp_unreachable_fn fn, void *ctx)
{
	u->unreachable = fn;
	u->unreachable_ctx = ctx;
}

static uint16_t ephemeral_port(struct udp *u)
{
	/* At most UDP_MAX_SOCKETS ports are taken, so this finds one within
	 * UDP_MAX_SOCKETS + 1 tries; the bound is for the reader's peace. */
	for (unsigned tries = 0; tries <= UDP_EPHEMERAL_LAST - UDP_EPHEMERAL_FIRST; tries++) {
		uint16_t p = u->next_ephemeral;
		u->next_ephemeral = p == UDP_EPHEMERAL_LAST ? UDP_EPHEMERAL_FIRST : p + 1;
		if (!udp_find(u, p))
			return p;
	}
	return 0;
}

struct udp_socket *udp_open(struct udp *u, uint16_t port)
{
	struct udp_socket *s;

	if (u->nsockets == UDP_MAX_SOCKETS)
		return NULL;
	if (port == 0 && !(port = ephemeral_port(u)))
		return NULL;
	if (udp_find(u, port))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->udp = u;
	s->port = port;
	s->tail = &s->head;
	s->next = u->sockets;
	u->sockets = s;
	u->nsockets++;
	return s;
}

uint16_t udp_port(const struct udp_socket *s) { return s->port; }

size_t udp_pending(const struct udp_socket *s) { return s->queued; }

void udp_on_receive(struct udp_socket *s, udp_receive_fn fn, void *ctx)
{
	s->on_receive = fn;
	s->on_receive_ctx = ctx;
}

void udp_close(struct udp_socket *s)
{
	struct udp *u = s->udp;

	for (struct udp_socket **p = &u->sockets; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	u->nsockets--;
	while (s->head) {
		struct udp_dgram *d = s->head;
		s->head = d->next;
		free(d);
	}
	/* Anyone still waiting re-checks and finds nothing; wake them so a
	 * fiber parked on a closed socket does not sleep forever. */
	waitq_wake(&s->readers);
	free(s);
}

long udp_recv(struct udp_socket *s, void *buf, size_t len, uint32_t *from_addr,
	      uint16_t *from_port, kiln_time_t deadline)
{
	struct udp_dgram *d;
	size_t n;

	while (!s->head) {
		if (deadline == 0 || s->udp->clock() >= deadline)
			return UDP_ETIMEDOUT;
		wait_on(&s->readers, deadline);
	}
	d = s->head;
	s->head = d->next;
	if (!s->head)
		s->tail = &s->head;
	s->queued--;
	s->queued_bytes -= d->len;
	n = d->len < len ? d->len : len;
	if (n)
		memcpy(buf, d->data, n);
	if (n < d->len)
		s->udp->counters.rx_truncated_read++;
	if (from_addr)
		*from_addr = d->from_addr;
	if (from_port)
		*from_port = d->from_port;
	free(d);
	return (long)n;
}

long udp_send(struct udp_socket *s, uint32_t addr, uint16_t port, const void *buf, size_t len)
{
	struct udp *u = s->udp;
	struct pbuf *pb;
	int r;

	if (len > UDP_MAX_PAYLOAD) {
		u->counters.tx_too_big++;
		return UDP_ETOOBIG;
	}
	pb = pbuf_alloc(PBUF_HEADROOM, len);
	if (!pb) {
		u->counters.tx_failed++;
		return UDP_ENOMEM;
	}
	if (len)
		memcpy(pb->data, buf, len);
	udp_push(pb, ipv4_source(u->ip, addr), addr, s->port, port);
	r = ipv4_output(u->ip, IPV4_PROTO_UDP, addr, pb, u->clock());
	switch (r) {
	case IPV4_OK:
		u->counters.tx_datagrams++;
		return (long)len;
	case IPV4_ENOROUTE:
		u->counters.tx_failed++;
		return UDP_ENOROUTE;
	case IPV4_ENOMEM:
		u->counters.tx_failed++;
		return UDP_ENOMEM;
	default:
		u->counters.tx_failed++;
		return UDP_EDROPPED;
	}
}
