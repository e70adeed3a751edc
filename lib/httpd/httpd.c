/* httpd.c: lib/http's server engine over lib/tcp, a fiber per active connection and a dormant fiber per idle one (include/kiln/httpd.h). */
#include <kiln/fiber.h>
#include <kiln/httpd.h>
#include <kiln/wait.h>
#include <stdlib.h>
#include <string.h>

struct httpd {
	struct tcp_stack *tcp;
	struct tcp_listener *l;
	struct http_server *srv;
	struct httpd_config cfg;
	struct httpd_stats stats;
	int stopping;
	int acceptor_live; /* the acceptor fiber has not ended */
	unsigned shedding; /* shed, not yet closed by their fibers */
	struct waitq slots; /* fibers waiting for an active slot */
	/* Shedding candidates, oldest first: dormant (idle) connections, and
	 * active ones collecting a request head. */
	struct httpd_conn *idle_first, *idle_last, *head_first, *head_last;
};

enum { ON_NONE, ON_IDLE, ON_HEAD };

/* A head arriving this long is taken for slow at max_active (a real
 * client sends its head within a round trip or two). */
#define HTTPD_SHED_AGE (200000000ull)
/* Waiting for an active slot rechecks at least this often. */
#define HTTPD_SLOT_POLL (10000000ull)

/* One open connection: all an idle one costs besides TCP and the fiber
 * record. */
struct httpd_conn {
	struct httpd *h;
	struct tcp_conn *t;
	kiln_time_t idle_until;
	kiln_time_t phase_start; /* this head's first read, or the body's */
	uint64_t body_bytes;     /* body bytes read since phase_start */
	struct http_conn *c;     /* while active */
	struct httpd_conn *prev, *next;
	uint8_t on;              /* ON_*: which list */
	uint8_t shed;            /* to be closed for a newer connection */
};

static void list_del(struct httpd_conn *hc)
{
	struct httpd *h = hc->h;
	struct httpd_conn **first = hc->on == ON_IDLE ? &h->idle_first : &h->head_first;
	struct httpd_conn **last = hc->on == ON_IDLE ? &h->idle_last : &h->head_last;
	if (hc->on == ON_NONE)
		return;
	if (hc->prev)
		hc->prev->next = hc->next;
	else
		*first = hc->next;
	if (hc->next)
		hc->next->prev = hc->prev;
	else
		*last = hc->prev;
	hc->prev = hc->next = NULL;
	hc->on = ON_NONE;
}

static void list_add(struct httpd_conn *hc, int on)
{
	struct httpd *h = hc->h;
	struct httpd_conn **first = on == ON_IDLE ? &h->idle_first : &h->head_first;
	struct httpd_conn **last = on == ON_IDLE ? &h->idle_last : &h->head_last;
	list_del(hc);
	hc->on = (uint8_t)on;
	hc->prev = *last;
	hc->next = NULL;
	if (*last)
		(*last)->next = hc;
	else
		*first = hc;
	*last = hc;
}

/* Tell v to close (its fiber does, when woken). */
static void shed(struct httpd_conn *v)
{
	struct httpd *h = v->h;
	list_del(v);
	v->shed = 1;
	h->shedding++;
	h->stats.shed++;
	waitq_wake(tcp_read_waitq(v->t));
}

/* Make room at max_conns: of the idle connections (since their last
 * request, or their accept) and the active ones collecting a request head
 * (a slowloris client), the one waiting longest. False if there is none
 * (every connection is busy with a body or a response). */
static int shed_one(struct httpd *h)
{
	struct httpd_conn *v = h->idle_first, *w = h->head_first;
	if (!v || (w && w->phase_start < v->phase_start))
		v = w; /* the one waiting longest: a new connection is the last */
	if (!v)
		return 0;
	shed(v);
	return 1;
}

/* An active slot for hc (active connections hold ~30 KiB each). At
 * max_active, a request head that has been arriving for HTTPD_SHED_AGE
 * makes way (it is a slowloris client, or will time out anyway); without
 * one, wait for a slot (a burst of fast requests), up to io_timeout. */
static int take_slot(struct httpd *h, struct httpd_conn *hc)
{
	kiln_time_t give_up = kiln_clock_monotonic() + h->cfg.io_timeout;
	while (h->stats.active >= h->cfg.max_active) {
		kiln_time_t now = kiln_clock_monotonic();
		struct httpd_conn *v = h->head_first;
		if (v == hc)
			v = v->next;
		if (v && now - v->phase_start >= HTTPD_SHED_AGE) {
			shed(v);
			return 1; /* over the limit by one until v has gone */
		}
		if (now >= give_up || hc->shed)
			return 0;
		wait_on(&h->slots, now + HTTPD_SLOT_POLL);
	}
	return 1;
}

/* Freed once stopped and nothing refers to it any more. */
static void maybe_free(struct httpd *h)
{
	if (h->stopping && !h->acceptor_live && h->stats.open == 0)
		free(h);
}

/* A read inside a request. Besides io_timeout per read, a request head
 * must be complete head_timeout after its first read, and a body must keep
 * up body_min_rate after body_timeout (slowloris: a byte now and then must
 * not hold a connection). Returns early, as an error, once shed. */
static long io_read(void *ctx, void *buf, size_t len)
{
	struct httpd_conn *hc = ctx;
	struct httpd *h = hc->h;
	const struct http_parser *p = &hc->c->parser;
	kiln_time_t now = kiln_clock_monotonic(), deadline, cap = now + h->cfg.io_timeout;
	int head = http_parser_idle(p) || http_parser_in_head(p);
	if (head) {
		if (hc->on != ON_HEAD) {
			hc->phase_start = now;
			list_add(hc, ON_HEAD);
		}
		deadline = hc->phase_start + h->cfg.head_timeout;
	} else {
		if (hc->on == ON_HEAD) {
			list_del(hc);
			hc->phase_start = now;
			hc->body_bytes = 0;
		}
		deadline = hc->phase_start + h->cfg.body_timeout +
			   hc->body_bytes * 1000000000ull / h->cfg.body_min_rate;
	}
	if (deadline > cap)
		deadline = cap;
	for (;;) {
		long n;
		if (hc->shed)
			return -1;
		n = tcp_read_nb(hc->t, buf, len);
		if (n != -TCP_EAGAIN) {
			if (n > 0 && !head)
				hc->body_bytes += (uint64_t)n;
			if (n < 0)
				h->stats.io_errors++;
			return n;
		}
		if (kiln_clock_monotonic() >= deadline) {
			if (deadline == cap)
				h->stats.io_errors++;
			else if (head)
				h->stats.head_timeouts++;
			else
				h->stats.body_timeouts++;
			return -1;
		}
		wait_on(tcp_read_waitq(hc->t), deadline);
	}
}

static long io_write(void *ctx, const void *buf, size_t len)
{
	struct httpd_conn *hc = ctx;
	long n = tcp_write(hc->t, buf, len, kiln_clock_monotonic() + hc->h->cfg.io_timeout);
	if (n < 0)
		hc->h->stats.io_errors++;
	return n;
}

/* Lingering close (http.h): FIN out, then what the peer still sends is
 * discarded (peeked and consumed: no copy) until it closes, for at most
 * HTTPD_LINGER_CLOSE_TIME in all and HTTPD_LINGER_CLOSE_BYTES. */
static void io_linger(void *ctx)
{
	struct httpd_conn *hc = ctx;
	kiln_time_t end = kiln_clock_monotonic() + HTTPD_LINGER_CLOSE_TIME;
	size_t left = HTTPD_LINGER_CLOSE_BYTES;
	if (tcp_shutdown_write(hc->t) < 0)
		return;
	hc->h->stats.lingering_closes++;
	while (left) {
		struct view v;
		long n = tcp_peek(hc->t, &v, end);
		if (n <= 0)
			return; /* the peer's FIN, an error, or the time is up */
		if (v.len > left)
			v.len = left;
		tcp_consume(hc->t, v.len);
		left -= v.len;
	}
}

static const struct http_io tcp_io = {io_read, io_write, io_linger};

static void conn_end(struct httpd_conn *hc)
{
	struct httpd *h = hc->h;

	list_del(hc);
	if (hc->shed) {
		h->shedding--;
		tcp_abort(hc->t); /* unread half requests: nothing to linger for */
	} else {
		tcp_close(hc->t);
	}
	h->stats.open--;
	free(hc);
	maybe_free(h);
}

static void serve(void *arg);


/* Wait, without a stack, until the connection is readable or idle_until.
 * If it is readable already, its wake has come and gone (data that arrived
 * in the same loop turn as the handshake): a dormant fiber would sleep
 * through it, so the fiber starts at once. */
static int go_dormant(struct httpd_conn *hc)
{
	hc->phase_start = kiln_clock_monotonic();
	list_add(hc, ON_IDLE);
	if (tcp_readable(hc->t))
		return fiber_spawn(serve, hc, hc->h->cfg.stack_size) != NULL;
	return fiber_spawn_on(tcp_read_waitq(hc->t), hc->idle_until, serve, hc,
			      hc->h->cfg.stack_size) != NULL;
}

/* Runs only while the connection has something to read (a request, its
 * end, an error) or its idle time is up. */
static void serve(void *arg)
{
	struct httpd_conn *hc = arg;
	struct httpd *h = hc->h;
	struct http_conn *c;
	void *body = NULL;
	int r;

	list_del(hc);
	if (hc->shed) {
		conn_end(hc);
		return;
	}
	if (!tcp_readable(hc->t)) { /* a wake is a hint; or the idle time is up */
		if (kiln_clock_monotonic() < hc->idle_until) {
			if (go_dormant(hc))
				return;
			h->stats.no_memory++;
		} else {
			h->stats.idle_timeouts++;
		}
		conn_end(hc);
		return;
	}
	if (!take_slot(h, hc)) {
		h->stats.refused++;
		conn_end(hc);
		return;
	}
	c = malloc(sizeof(*c));
	if (c && h->cfg.body_max)
		body = malloc(h->cfg.body_max);
	if (!c || (h->cfg.body_max && !body)) {
		h->stats.no_memory++;
		free(c);
		conn_end(hc);
		return;
	}
	h->stats.active++;
	hc->c = c;
	for (;;) {
		http_conn_init(c, h->srv, &tcp_io, hc, body, h->cfg.body_max);
		c->return_when_idle = 1;
		r = http_conn_serve(c);
		list_del(hc); /* between requests: no head under way */
		if (r != HTTP_CONN_IDLE || hc->shed)
			break;
		/* Between requests. A keep-alive client usually sends the next
		 * one within a round trip: wait that long with the stack and
		 * the http_conn, rather than giving both back and taking them
		 * again (a stack is a mapping on unix: syscalls per request). */
		if (!tcp_readable(hc->t))
			wait_on(tcp_read_waitq(hc->t), kiln_clock_monotonic() + h->cfg.linger);
		if (!tcp_readable(hc->t))
			break;
	}
	h->stats.active--;
	waitq_wake(&h->slots);
	hc->c = NULL;
	free(body);
	free(c);
	if (r == HTTP_CONN_IDLE && !hc->shed) {
		/* Idle: give the stack back; a dormant fiber waits instead (or
		 * one starts at once if the next request came in meanwhile). */
		hc->idle_until = kiln_clock_monotonic() + h->cfg.idle_timeout;
		if (go_dormant(hc))
			return;
		h->stats.no_memory++;
	}
	conn_end(hc);
}

static void accept_one(struct httpd *h, struct tcp_conn *t)
{
	struct httpd_conn *hc;

	h->stats.accepted++;
	if (h->stats.open - h->shedding >= h->cfg.max_conns && !shed_one(h)) {
		h->stats.refused++;
		tcp_abort(t);
		return;
	}
	hc = malloc(sizeof(*hc));
	if (!hc) {
		h->stats.no_memory++;
		tcp_abort(t);
		return;
	}
	memset(hc, 0, sizeof(*hc));
	hc->h = h;
	hc->t = t;
	hc->idle_until = kiln_clock_monotonic() + h->cfg.idle_timeout;
	tcp_set_nodelay(t, true);
	h->stats.open++;
	if (!go_dormant(hc)) {
		h->stats.no_memory++;
		conn_end(hc);
	}
}

static void acceptor(void *arg)
{
	struct httpd *h = arg;

	/* Not tcp_accept(): httpd_stop frees the listener while this fiber
	 * waits, so it must look at `stopping` before touching it again. */
	while (!h->stopping) {
		struct tcp_conn *t = tcp_accept_nb(h->l);
		if (t)
			accept_one(h, t);
		else
			wait_on(tcp_accept_waitq(h->l), KILN_TIME_NEVER);
	}
	h->acceptor_live = 0;
	maybe_free(h);
}

struct httpd *httpd_start(struct tcp_stack *tcp, struct http_server *srv,
			  const struct httpd_config *cfg, int *err)
{
	struct httpd *h;
	int r;

	if (err)
		*err = 0;
	if (!tcp || !srv || !cfg || cfg->port == 0) {
		if (err)
			*err = -TCP_EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		if (err)
			*err = -TCP_ENOMEM;
		return NULL;
	}
	h->tcp = tcp;
	h->srv = srv;
	h->cfg = *cfg;
	if (!h->cfg.max_conns)
		h->cfg.max_conns = HTTPD_MAX_CONNS_DEFAULT;
	if (!h->cfg.backlog)
		h->cfg.backlog = HTTPD_BACKLOG_DEFAULT;
	if (!h->cfg.idle_timeout)
		h->cfg.idle_timeout = HTTPD_IDLE_TIMEOUT_DEFAULT;
	if (!h->cfg.io_timeout)
		h->cfg.io_timeout = HTTPD_IO_TIMEOUT_DEFAULT;
	if (!h->cfg.max_active)
		h->cfg.max_active = HTTPD_MAX_ACTIVE_DEFAULT;
	if (!h->cfg.head_timeout)
		h->cfg.head_timeout = HTTPD_HEAD_TIMEOUT_DEFAULT;
	if (!h->cfg.body_timeout)
		h->cfg.body_timeout = HTTPD_BODY_TIMEOUT_DEFAULT;
	if (!h->cfg.body_min_rate)
		h->cfg.body_min_rate = HTTPD_BODY_MIN_RATE_DEFAULT;
	if (!h->cfg.linger)
		h->cfg.linger = HTTPD_LINGER_DEFAULT;
	r = tcp_listen(tcp, cfg->port, h->cfg.backlog, &h->l);
	if (r != 0) {
		if (err)
			*err = r;
		free(h);
		return NULL;
	}
	struct fiber *f = fiber_spawn(acceptor, h, 0);
	if (!f) {
		tcp_listener_close(h->l);
		free(h);
		if (err)
			*err = -TCP_ENOMEM;
		return NULL;
	}
	fiber_set_name(f, "httpd-accept");
	h->acceptor_live = 1;
	return h;
}

void httpd_stop(struct httpd *h)
{
	h->stopping = 1;
	/* Wake the acceptor before the queue goes with the listener. */
	waitq_wake(tcp_accept_waitq(h->l));
	tcp_listener_close(h->l);
	h->l = NULL;
	maybe_free(h);
}

void httpd_get_stats(const struct httpd *h, struct httpd_stats *out)
{
	*out = h->stats;
}
