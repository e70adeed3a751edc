/* tcp_block.c: the blocking calls, thin loops over the non-blocking ones and wait_on() (include/kiln/wait.h). */
#include "tcp_priv.h"

#include <stddef.h>

/* Kept apart from the engine so that a program using only the non-blocking
 * calls (a test driving two stacks by hand) links no event loop. */
static void use_waitqs(struct tcp_stack *s) { s->wake = waitq_wake; }

struct tcp_conn *tcp_accept(struct tcp_listener *l, kiln_time_t deadline)
{
	use_waitqs(l->stack);
	for (;;) { /* ends: wait_on returns false once the deadline passes */
		struct tcp_conn *c = tcp_accept_nb(l);
		if (c || !wait_on(&l->aq, deadline))
			return c ? c : tcp_accept_nb(l);
	}
}

struct tcp_conn *tcp_connect(struct tcp_stack *s, uint32_t src, uint32_t dst, uint16_t port,
			     kiln_time_t deadline, int *err)
{
	struct tcp_conn *c = NULL;
	int r;

	use_waitqs(s);
	r = tcp_connect_nb(s, src, dst, port, &c);
	if (r == 0) {
		while ((r = tcp_conn_status(c)) == -TCP_EINPROGRESS)
			if (!wait_on(&c->wq, deadline) &&
			    tcp_conn_status(c) == -TCP_EINPROGRESS) {
				r = -TCP_ETIMEDOUT;
				break;
			}
		if (r != 0) {
			tcp_abort(c);
			c = NULL;
		}
	}
	if (err)
		*err = r;
	return c;
}

long tcp_read(struct tcp_conn *c, void *buf, size_t len, kiln_time_t deadline)
{
	use_waitqs(c->stack);
	for (;;) {
		long n = tcp_read_nb(c, buf, len);
		if (n != -TCP_EAGAIN)
			return n;
		if (!wait_on(&c->rq, deadline) && !tcp_readable(c))
			return -TCP_ETIMEDOUT;
	}
}

long tcp_peek(struct tcp_conn *c, struct view *v, kiln_time_t deadline)
{
	use_waitqs(c->stack);
	for (;;) {
		long n = tcp_peek_nb(c, v);
		if (n != -TCP_EAGAIN)
			return n;
		if (!wait_on(&c->rq, deadline) && !tcp_readable(c))
			return -TCP_ETIMEDOUT;
	}
}

long tcp_write(struct tcp_conn *c, const void *buf, size_t len, kiln_time_t deadline)
{
	const uint8_t *p = buf;
	size_t done = 0;

	use_waitqs(c->stack);
	while (done < len) {
		long n = tcp_write_nb(c, p + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n != -TCP_EAGAIN)
			return done ? (long)done : n;
		if (!wait_on(&c->wq, deadline) && !tcp_writable(c))
			return done ? (long)done : -TCP_ETIMEDOUT;
	}
	return (long)done;
}

struct waitq *tcp_read_waitq(struct tcp_conn *c)
{
	use_waitqs(c->stack);
	return &c->rq;
}

struct waitq *tcp_write_waitq(struct tcp_conn *c)
{
	use_waitqs(c->stack);
	return &c->wq;
}

struct waitq *tcp_accept_waitq(struct tcp_listener *l)
{
	use_waitqs(l->stack);
	return &l->aq;
}

static kiln_time_t src_deadline(struct loop_source *src)
{
	struct tcp_stack *s = (struct tcp_stack *)((char *)src - offsetof(struct tcp_stack, src));
	return tcp_next_deadline(s);
}

static void src_time(struct loop_source *src, kiln_time_t now)
{
	struct tcp_stack *s = (struct tcp_stack *)((char *)src - offsetof(struct tcp_stack, src));
	tcp_tick(s, now);
}

void tcp_stack_attach_loop(struct tcp_stack *s)
{
	if (s->in_loop)
		return;
	use_waitqs(s);
	s->src.name = "tcp";
	s->src.next_deadline = src_deadline;
	s->src.on_time = src_time;
	loop_add(&s->src);
	s->loop_remove = loop_remove;
	s->in_loop = true;
}
