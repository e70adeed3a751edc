/* udp_impl.h: internals shared by lib/udp's files (not a public interface). */
#ifndef KILN_UDP_IMPL_H
#define KILN_UDP_IMPL_H

#include <kiln/udp.h>

/* One queued datagram; its bytes follow it in the same allocation. */
struct udp_dgram {
	struct udp_dgram *next;
	uint32_t from_addr;
	uint16_t from_port;
	size_t len;
	uint8_t data[];
};

struct udp_socket {
	struct udp *udp;
	struct udp_socket *next; /* in udp->sockets */
	uint16_t port;
	struct udp_dgram *head, **tail;
	size_t queued, queued_bytes;
	struct waitq readers;
	udp_receive_fn on_receive;
	void *on_receive_ctx;
};

struct udp_socket *udp_find(struct udp *u, uint16_t port);

#endif
