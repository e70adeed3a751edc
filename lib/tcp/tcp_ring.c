/* tcp_ring.c: byte rings for the send and receive buffers, allocated only while they hold data. */
#include "tcp_priv.h"

#include <string.h>

/* Rings start small and double: a connection that exchanges a few hundred
 * bytes never holds its full buffer size (thousands of connections fit). */
#define TCP_RING_MIN 2048

bool tcp_ring_reserve(struct tcp_stack *s, struct tcp_ring *r, uint32_t need, uint32_t max)
{
	uint32_t cap = r->cap ? r->cap : TCP_RING_MIN;
	uint8_t *nb;

	if (need > max)
		need = max;
	if (r->buf && r->cap >= need)
		return true;
	while (cap < need)
		cap *= 2; /* need <= TCP_BUF_MAX: no overflow */
	if (cap > max)
		cap = max;
	nb = tcp_mem_alloc(s, cap);
	if (!nb)
		return false;
	if (r->buf) {
		/* Keep every logical offset (out-of-order data sits past len). */
		tcp_ring_read_at(r, 0, nb, r->cap);
		tcp_mem_free(s, r->buf, r->cap);
	}
	r->buf = nb;
	r->cap = cap;
	r->head = 0;
	return true;
}

void tcp_ring_release(struct tcp_stack *s, struct tcp_ring *r)
{
	tcp_mem_free(s, r->buf, r->cap);
	r->buf = NULL;
	r->cap = r->head = r->len = 0;
}

/* off + n <= cap is the caller's contract (checked by the callers against
 * the window, which never exceeds cap). */
void tcp_ring_write_at(struct tcp_ring *r, uint32_t off, const void *src, uint32_t n)
{
	uint32_t pos = (r->head + off) % r->cap;
	uint32_t first = r->cap - pos < n ? r->cap - pos : n;
	memcpy(r->buf + pos, src, first);
	memcpy(r->buf, (const uint8_t *)src + first, n - first);
}

void tcp_ring_read_at(const struct tcp_ring *r, uint32_t off, void *dst, uint32_t n)
{
	uint32_t pos = (r->head + off) % r->cap;
	uint32_t first = r->cap - pos < n ? r->cap - pos : n;
	memcpy(dst, r->buf + pos, first);
	memcpy((uint8_t *)dst + first, r->buf, n - first);
}

void tcp_ring_consume(struct tcp_ring *r, uint32_t n)
{
	if (n > r->len)
		n = r->len;
	r->len -= n;
	/* head keeps moving even when empty: out-of-order data may sit past it. */
	r->head = r->cap ? (r->head + n) % r->cap : 0;
}
