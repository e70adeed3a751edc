/* relay.c: `kiln run --watch`'s TCP relay: kiln listens on each forwarded
 * host port and relays every connection to the current instance's private
 * port, holding connections across restarts (docs/kiln-tool.md). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kiln.h"

/* Bytes buffered each way per connection. Until the instance answers, the
 * client's bytes are kept, so that a request the old instance took with it
 * when it was stopped is sent again to the new one. */
#define WATCH_BUF 65536
/* A connection waits this long for an instance that accepts it. */
#define WATCH_CONNECT_WAIT_MS 30000
/* A new instance's network may not be up when it is first connected to:
 * user-mode networking accepts the connection and its SYN to the guest
 * waits seconds for a retransmission. So, until an instance has answered
 * one relayed connection, a request with no answer after WATCH_PATIENCE_MS
 * (doubling, to at most WATCH_PATIENCE_MAX_MS) is sent again on a fresh
 * connection. */
#define WATCH_PATIENCE_MS 40
#define WATCH_PATIENCE_MAX_MS 640
/* Retry period of a refused connect. */
#define WATCH_RETRY_MS 5

struct conn {
	int cfd, ufd; /* client, upstream (-1: none yet) */
	bool connecting, got_up, c_eof, u_eof, c_shut, u_shut;
	long long retry_at, deadline; /* ms */
	long long sent_at, patience; /* ms: see may_resend */
	unsigned gen; /* the instance generation it was connected to */
	unsigned relay;
	char cbuf[WATCH_BUF], ubuf[WATCH_BUF];
	size_t clen, csent, ulen, usent;
};

static struct conn *conns[WATCH_MAX_CONNS];
static struct watch_relay *relays;
static unsigned nrelays;
static unsigned gen; /* bumped on every instance start */
static bool up;       /* an instance runs */
static bool proven;   /* it has answered a relayed connection */
static int slot_c[WATCH_MAX_CONNS], slot_u[WATCH_MAX_CONNS];
static unsigned long listen_base;

long long watch_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int listen_on(unsigned port, unsigned *got)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	*got = ntohs(a.sin_port);
	return fd;
}

int watch_relay_open(struct watch_relay *r, unsigned host_port, char *err, size_t errlen)
{
	unsigned got;
	int probe;

	r->listen_fd = listen_on(host_port, &got);
	if (r->listen_fd < 0) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1:%u: %s", host_port,
			 strerror(errno));
		return -1;
	}
	/* A private port for the instances: one the kernel picks, free now. */
	probe = listen_on(0, &got);
	if (probe < 0) {
		snprintf(err, errlen, "cannot pick a private port: %s", strerror(errno));
		close(r->listen_fd);
		return -1;
	}
	close(probe);
	r->host_port = host_port;
	r->private_port = got;
	return 0;
}

static void conn_free(unsigned i)
{
	struct conn *c = conns[i];
	if (c->cfd >= 0)
		close(c->cfd);
	if (c->ufd >= 0)
		close(c->ufd);
	free(c);
	conns[i] = NULL;
}

/* Starts a connect to the current instance, or schedules a retry. */
static void conn_connect(struct conn *c, long long now)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)relays[c->relay].private_port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	if (c->ufd >= 0)
		close(c->ufd);
	c->ufd = -1;
	c->connecting = false;
	c->csent = 0;
	c->u_eof = c->u_shut = false;
	c->retry_at = now + WATCH_RETRY_MS;
	c->sent_at = 0;
	if (!up)
		return; /* between instances: wait */
	c->ufd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->ufd < 0)
		return;
	c->gen = gen;
	if (connect(c->ufd, (struct sockaddr *)&a, sizeof a) == 0 || errno == EINPROGRESS) {
		c->connecting = true;
		c->retry_at = 0;
		return;
	}
	close(c->ufd);
	c->ufd = -1;
}

/* The upstream ended before it sent a byte: an instance that was stopped or
 * not yet listening. The client's bytes are sent again to the (new) one. */
static bool may_replay(const struct conn *c, long long now)
{
	return !c->got_up && now < c->deadline && c->clen < WATCH_BUF &&
	       !(c->c_eof && c->clen == 0) && /* a client gone without a request */
	       (c->gen != gen || !up || !proven);
}

/* True when a request to a young instance has waited too long for its
 * first answer byte (WATCH_PATIENCE_MS). */
static bool may_resend(const struct conn *c, long long now)
{
	return c->ufd >= 0 && !c->connecting && !c->got_up && c->sent_at && c->gen == gen &&
	       up && !proven && now - c->sent_at >= c->patience;
}

static void conn_accept(unsigned r, long long now)
{
	for (;;) {
		unsigned i;
		for (i = 0; i < WATCH_MAX_CONNS && conns[i]; i++)
			;
		if (i == WATCH_MAX_CONNS)
			return; /* the rest wait in the backlog */
		int fd = accept4(relays[r].listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct conn *c = calloc(1, sizeof *c);
		if (c == NULL) {
			close(fd);
			return;
		}
		c->cfd = fd;
		c->ufd = -1;
		c->relay = r;
		c->deadline = now + WATCH_CONNECT_WAIT_MS;
		c->patience = WATCH_PATIENCE_MS;
		conns[i] = c;
		conn_connect(c, now);
	}
}

/* Moves bytes for one connection after poll; false when it is done. */
static bool conn_step(struct conn *c, short cev, short uev, long long now)
{
	ssize_t n;

	if (c->ufd >= 0 && c->connecting && uev) {
		int e = 0;
		socklen_t l = sizeof e;
		getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &e, &l);
		if (e != 0) {
			if (now >= c->deadline)
				return false;
			close(c->ufd);
			c->ufd = -1;
			c->connecting = false;
			c->retry_at = now + WATCH_RETRY_MS;
			return true;
		}
		c->connecting = false;
	}
	if (cev & (POLLIN | POLLHUP | POLLERR) && !c->c_eof && c->clen < WATCH_BUF) {
		n = read(c->cfd, c->cbuf + c->clen, WATCH_BUF - c->clen);
		if (n > 0)
			c->clen += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			c->c_eof = true;
	}
	if (c->ufd >= 0 && !c->connecting) {
		if (c->csent < c->clen) {
			n = send(c->ufd, c->cbuf + c->csent, c->clen - c->csent, MSG_NOSIGNAL);
			if (n > 0) {
				c->csent += (size_t)n;
				if (c->sent_at == 0)
					c->sent_at = now;
			}
		}
		/* Once the instance has answered, sent bytes need not be kept. */
		if (c->got_up && c->csent == c->clen)
			c->csent = c->clen = 0;
		if (c->c_eof && c->csent == c->clen && !c->u_shut) {
			shutdown(c->ufd, SHUT_WR);
			c->u_shut = true;
		}
		if (uev & (POLLIN | POLLHUP | POLLERR) && !c->u_eof && c->ulen < WATCH_BUF) {
			n = read(c->ufd, c->ubuf + c->ulen, WATCH_BUF - c->ulen);
			if (n > 0) {
				c->ulen += (size_t)n;
				c->got_up = true;
				proven |= c->gen == gen;
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				if (may_replay(c, now)) {
					close(c->ufd);
					c->ufd = -1;
					c->csent = 0;
					c->retry_at = now + WATCH_RETRY_MS;
					return true;
				}
				c->u_eof = true;
			}
		}
	}
	if (c->usent < c->ulen) {
		n = send(c->cfd, c->ubuf + c->usent, c->ulen - c->usent, MSG_NOSIGNAL);
		if (n > 0)
			c->usent += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (c->usent == c->ulen)
			c->usent = c->ulen = 0;
	}
	if (c->u_eof && c->ulen == 0 && !c->c_shut) {
		shutdown(c->cfd, SHUT_WR);
		c->c_shut = true;
	}
	if (c->ufd < 0 && !c->got_up && now >= c->deadline)
		return false;
	return !(c->c_shut && (c->u_shut || c->c_eof));
}

void relay_init(struct watch_relay *r, unsigned nr)
{
	relays = r;
	nrelays = nr;
}

void relay_instance_up(void)
{
	up = true;
	proven = false;
	gen++;
}

void relay_instance_down(void)
{
	up = false;
}

unsigned long relay_poll_fill(struct pollfd *pfd, unsigned long n, long long *wake)
{
	unsigned used = 0;
	for (unsigned i = 0; i < WATCH_MAX_CONNS; i++)
		used += conns[i] != NULL;
	/* A full table leaves new connections in the backlog, unpolled. */
	listen_base = n;
	for (unsigned i = 0; i < nrelays; i++)
		pfd[n++] = (struct pollfd){.fd = relays[i].listen_fd,
					   .events = used < WATCH_MAX_CONNS ? POLLIN : 0};
	for (unsigned i = 0; i < WATCH_MAX_CONNS; i++) {
		struct conn *c = conns[i];
		slot_c[i] = slot_u[i] = -1;
		if (c == NULL)
			continue;
		long long t = -1;
		if (c->ufd < 0)
			t = c->retry_at < c->deadline ? c->retry_at : c->deadline;
		else if (!c->got_up && c->sent_at && c->gen == gen && !proven)
			t = c->sent_at + c->patience;
		if (t >= 0 && (*wake < 0 || t < *wake))
			*wake = t;
		short ce = (!c->c_eof && c->clen < WATCH_BUF ? POLLIN : 0) |
			   (c->ulen > c->usent ? POLLOUT : 0);
		slot_c[i] = (int)n;
		pfd[n++] = (struct pollfd){.fd = c->cfd, .events = ce};
		if (c->ufd >= 0) {
			short ue = c->connecting ? POLLOUT
				: (short)((!c->u_eof && c->ulen < WATCH_BUF ? POLLIN : 0) |
					  (c->clen > c->csent ? POLLOUT : 0));
			slot_u[i] = (int)n;
			pfd[n++] = (struct pollfd){.fd = c->ufd, .events = ue};
		}
	}
	return n;
}

void relay_poll_done(const struct pollfd *pfd, long long now)
{
	for (unsigned i = 0; i < nrelays; i++)
		if (pfd[listen_base + i].revents)
			conn_accept(i, now);
	for (unsigned i = 0; i < WATCH_MAX_CONNS; i++) {
		struct conn *c = conns[i];
		if (c == NULL || slot_c[i] < 0)
			continue;
		short ce = pfd[slot_c[i]].revents;
		short ue = slot_u[i] >= 0 ? pfd[slot_u[i]].revents : 0;
		if (may_resend(c, now)) {
			if (c->patience < WATCH_PATIENCE_MAX_MS)
				c->patience *= 2;
			conn_connect(c, now);
		} else if (c->ufd < 0 && now >= c->retry_at)
			conn_connect(c, now);
		if (!conn_step(c, ce, ue, now))
			conn_free(i);
	}
}

void relay_close_all(void)
{
	for (unsigned i = 0; i < WATCH_MAX_CONNS; i++)
		if (conns[i])
			conn_free(i);
}
