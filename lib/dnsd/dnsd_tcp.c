/* dnsd_tcp.c: the authoritative server over TCP (RFC 1035 4.2.2, RFC 7766):
 * an accept fiber, a fiber per connection, pipelined queries answered in
 * order, idle timeout, bounded connections. See include/kiln/dnsd.h. */
#include <kiln/dnsd.h>
#include <kiln/fiber.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TCP_OUT_CAP DNSD_TCP_OUT_MAX

struct conn {
	struct dnsd *d;
	struct tcp_conn *t;
	size_t have;
	uint8_t in[2 + DNSD_TCP_QUERY_MAX];
};

/* Write len bytes of the shared buffer: what the send buffer takes now goes
 * straight from it; a rest (the peer is slow) is copied out, since another
 * connection's fiber reuses the shared buffer while this one waits. */
static bool send_all(struct conn *c, const uint8_t *buf, size_t len, kiln_time_t deadline)
{
	long n = tcp_write_nb(c->t, buf, len);
	if (n == -TCP_EAGAIN)
		n = 0;
	if (n < 0)
		return false;
	if ((size_t)n == len)
		return true;
	size_t rest = len - (size_t)n;
	uint8_t *copy = malloc(rest);
	if (!copy)
		return false;
	memcpy(copy, buf + n, rest);
	long w = tcp_write(c->t, copy, rest, deadline);
	free(copy);
	return w == (long)rest;
}

static void serve_conn(void *arg)
{
	struct conn *c = arg;
	struct dnsd *d = c->d;
	bool clean = true;
	/* Idle means no complete query (RFC 7766 6.2.3): bytes that trickle in
	 * without finishing one do not push the deadline back. */
	kiln_time_t idle_until = kiln_clock_monotonic() + d->cfg.tcp_idle;

	/* Each round reads at least one byte or ends: bounded by the stream. */
	for (;;) {
		size_t used, out_len;
		bool ok;
		/* Answer every complete query already here (pipelining), one
		 * response at a time through the shared buffer. */
		do {
			ok = dnsd_tcp_answer_stream(d->server, c->in, c->have, &used, d->tcp_out,
						    TCP_OUT_CAP, &out_len, &d->stats.tcp_queries,
						    &d->stats.tcp_answers);
			memmove(c->in, c->in + used, c->have - used);
			c->have -= used;
			if (used)
				idle_until = kiln_clock_monotonic() + d->cfg.tcp_idle;
			if (out_len && !send_all(c, d->tcp_out, out_len,
						 kiln_clock_monotonic() + d->cfg.tcp_idle)) {
				d->stats.tcp_errors++;
				ok = clean = false;
				goto done;
			}
		} while (used && ok);
		if (!ok) {
			/* The stream stopped at the bad frame: its prefix is first. */
			if (c->have >= 2 && c->in[0] == 0 && c->in[1] == 0)
				d->stats.tcp_empty++;
			else
				d->stats.tcp_too_long++;
			clean = false;
			break;
		}
		/* Room is left: a frame is at most sizeof(c->in) bytes, so a full
		 * buffer always holds a complete query, answered above. */
		long n = tcp_read(c->t, c->in + c->have, sizeof(c->in) - c->have, idle_until);
		if (n == 0)
			break; /* the client closed */
		if (n == -TCP_ETIMEDOUT) {
			d->stats.tcp_idle_closed++;
			break;
		}
		if (n < 0) {
			d->stats.tcp_errors++;
			clean = false;
			break;
		}
		c->have += (size_t)n;
	}
done:
	if (clean && c->have == 0)
		tcp_close(c->t);
	else
		tcp_abort(c->t);
	d->tcp_open--;
	free(c);
}

static void accept_loop(void *arg)
{
	struct dnsd *d = arg;

	for (;;) {
		struct tcp_conn *t = tcp_accept(d->listener, KILN_TIME_NEVER);
		if (!t)
			continue;
		if (d->tcp_open >= d->cfg.tcp_conns) {
			d->stats.tcp_refused++;
			tcp_abort(t);
			continue;
		}
		struct conn *c = malloc(sizeof(*c));
		if (!c) {
			d->stats.tcp_errors++;
			tcp_abort(t);
			continue;
		}
		c->d = d;
		c->t = t;
		c->have = 0;
		tcp_set_nodelay(t, true); /* a response is one write: send it now */
		if (!fiber_spawn(serve_conn, c, DNSD_TCP_STACK)) {
			d->stats.tcp_errors++;
			tcp_abort(t);
			free(c);
			continue;
		}
		d->tcp_open++;
		d->stats.tcp_accepted++;
	}
}

int dnsd_tcp_start(struct dnsd *d, struct tcp_stack *tcp, uint16_t port)
{
	if (!tcp || !d->server) {
		printf("dnsd: no TCP stack or no server for tcp port %u\n", (unsigned)port);
		return -1;
	}
	if (!d->cfg.tcp_conns)
		d->cfg.tcp_conns = DNSD_TCP_CONNS_DEFAULT;
	if (!d->cfg.tcp_idle)
		d->cfg.tcp_idle = DNSD_TCP_IDLE_DEFAULT;
	d->tcp_out = malloc(TCP_OUT_CAP);
	if (!d->tcp_out) {
		printf("dnsd: no memory for the TCP response buffer\n");
		return -1;
	}
	int err = tcp_listen(tcp, port, 128, &d->listener);
	if (err < 0) {
		printf("dnsd: cannot listen on tcp port %u (error %d)\n", (unsigned)port, -err);
		free(d->tcp_out);
		d->tcp_out = NULL;
		return -1;
	}
	if (!fiber_spawn(accept_loop, d, 0)) {
		printf("dnsd: cannot start the accept fiber\n");
		return -1;
	}
	return 0;
}
