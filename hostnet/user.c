/* user.c: user-mode networking through Debian's libslirp, as a hostnet backend.
 *
 * libslirp is a TCP/IP stack in the host process that turns the appliance's
 * frames into ordinary host sockets (a NAT), so an appliance is reachable
 * with no root and no tap: --port-forward makes 127.0.0.1:HOSTPORT reach the
 * appliance's 10.0.2.15:GUESTPORT. libslirp also answers DHCP, so a kiln
 * appliance that asks gets 10.0.2.15. The appliance still runs kiln's own
 * stack: slirp is only the other end of its wire.
 */
#include "backend.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <slirp/libslirp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USER_NET "10.0.2.0"
#define USER_MASK "255.255.255.0"
#define USER_HOST "10.0.2.2"
#define USER_DNS "10.0.2.3"
#define USER_GUEST "10.0.2.15"
#define MAX_TIMERS 16 /* libslirp 4.7 creates 2 (RA and ICMP); room to spare */

struct user_timer {
	bool used, armed;
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms;
};

struct user {
	Slirp *slirp;
	struct hostnet *net;
	struct pollset *ps; /* during prepare/dispatch */
	/* Frames from slirp for the appliance: a ring of fixed slots. */
	struct {
		uint16_t len;
		uint8_t data[HOSTNET_MAX_FRAME];
	} queue[HOSTNET_USER_QUEUE];
	unsigned head, count;
	/* Frames from the appliance, handed to slirp in the next wait rather
	 * than at once: slirp_input() runs its whole TCP/IP stack (~68 KB of
	 * stack measured), too deep for the small fiber stack of whichever
	 * task sent the frame on the unix target. hostnet_wait() runs on the
	 * loop's own stack. */
	struct {
		uint16_t len;
		uint8_t data[HOSTNET_MAX_FRAME];
	} txq[HOSTNET_USER_QUEUE];
	unsigned tx_head, tx_count;
	struct user_timer timers[MAX_TIMERS];
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct user *u = opaque;
	if (len > HOSTNET_MAX_FRAME || u->count == HOSTNET_USER_QUEUE) {
		u->net->stats.rx_dropped++;
		return (ssize_t)len; /* dropped, as a full ring would; TCP recovers */
	}
	unsigned slot = (u->head + u->count) % HOSTNET_USER_QUEUE;
	memcpy(u->queue[slot].data, buf, len);
	u->queue[slot].len = (uint16_t)len;
	u->count++;
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	fprintf(stderr, "user-mode network: %s\n", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return now_ns();
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct user *u = opaque;
	for (int i = 0; i < MAX_TIMERS; i++)
		if (!u->timers[i].used) {
			u->timers[i] = (struct user_timer){true, false, id, cb_opaque, 0};
			return &u->timers[i];
		}
	fprintf(stderr, "user-mode network: out of timers\n");
	abort(); /* libslirp cannot handle a NULL timer; a fixed bound above */
}

static void cb_timer_free(void *timer, void *opaque)
{
	(void)opaque;
	((struct user_timer *)timer)->used = false;
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct user_timer *t = timer;
	(void)opaque;
	t->expire_ms = expire_ms;
	t->armed = true;
}

static void cb_register_poll_fd(int fd, void *opaque) { (void)fd; (void)opaque; }
static void cb_unregister_poll_fd(int fd, void *opaque) { (void)fd; (void)opaque; }
static void cb_notify(void *opaque) { (void)opaque; }

static const SlirpCb callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
	.timer_new_opaque = cb_timer_new_opaque,
};

static int user_write(struct hostnet *net, const uint8_t *frame, size_t len)
{
	struct user *u = net->state;
	if (u->tx_count == HOSTNET_USER_QUEUE) {
		net->stats.tx_dropped++; /* as a full NIC ring drops; TCP recovers */
		return 0;
	}
	unsigned slot = (u->tx_head + u->tx_count) % HOSTNET_USER_QUEUE;
	memcpy(u->txq[slot].data, frame, len);
	u->txq[slot].len = (uint16_t)len;
	u->tx_count++;
	return 0;
}

static void user_flush(struct hostnet *net)
{
	struct user *u = net->state;
	/* Bounded: each turn takes one queued frame; slirp's answers go to
	 * the receive ring, not back here. */
	while (u->tx_count) {
		unsigned slot = u->tx_head;
		u->tx_head = (u->tx_head + 1) % HOSTNET_USER_QUEUE;
		u->tx_count--;
		slirp_input(u->slirp, u->txq[slot].data, u->txq[slot].len);
	}
}

static ssize_t user_read(struct hostnet *net, uint8_t *buf, size_t cap)
{
	struct user *u = net->state;
	if (u->count == 0)
		return -EAGAIN;
	unsigned slot = u->head;
	size_t len = u->queue[slot].len;
	u->head = (u->head + 1) % HOSTNET_USER_QUEUE;
	u->count--;
	if (len > cap)
		return -EMSGSIZE;
	memcpy(buf, u->queue[slot].data, len);
	return (ssize_t)len;
}

static short to_poll_events(int e)
{
	return (short)((e & SLIRP_POLL_IN ? POLLIN : 0) | (e & SLIRP_POLL_OUT ? POLLOUT : 0) |
		       (e & SLIRP_POLL_PRI ? POLLPRI : 0));
}

static int from_poll_events(short e)
{
	return (e & POLLIN ? SLIRP_POLL_IN : 0) | (e & POLLOUT ? SLIRP_POLL_OUT : 0) |
	       (e & POLLPRI ? SLIRP_POLL_PRI : 0) | (e & POLLERR ? SLIRP_POLL_ERR : 0) |
	       (e & POLLHUP ? SLIRP_POLL_HUP : 0);
}

static int cb_add_poll(int fd, int events, void *opaque)
{
	struct user *u = opaque;
	return pollset_add(u->ps, fd, to_poll_events(events));
}

static int cb_get_revents(int idx, void *opaque)
{
	struct user *u = opaque;
	if (idx < 0 || (unsigned)idx >= u->ps->n)
		return 0;
	return from_poll_events(u->ps->fds[idx].revents);
}

static void user_prepare(struct hostnet *net, struct pollset *ps, int64_t *timeout_ns)
{
	struct user *u = net->state;
	uint32_t timeout_ms = UINT32_MAX;
	int64_t now_ms = now_ns() / 1000000;

	u->ps = ps;
	slirp_pollfds_fill(u->slirp, &timeout_ms, cb_add_poll, u);
	for (int i = 0; i < MAX_TIMERS; i++)
		if (u->timers[i].used && u->timers[i].armed) {
			int64_t left = u->timers[i].expire_ms - now_ms;
			if (left < 0)
				left = 0;
			if (left < (int64_t)timeout_ms)
				timeout_ms = (uint32_t)left;
		}
	if (timeout_ms != UINT32_MAX) {
		int64_t t = (int64_t)timeout_ms * 1000000;
		if (*timeout_ns < 0 || t < *timeout_ns)
			*timeout_ns = t;
	}
}

static void user_dispatch(struct hostnet *net, struct pollset *ps, bool poll_failed)
{
	struct user *u = net->state;
	int64_t now_ms = now_ns() / 1000000;

	u->ps = ps;
	slirp_pollfds_poll(u->slirp, poll_failed, cb_get_revents, u);
	for (int i = 0; i < MAX_TIMERS; i++) {
		struct user_timer *t = &u->timers[i];
		if (t->used && t->armed && t->expire_ms <= now_ms) {
			t->armed = false;
			slirp_handle_timer(u->slirp, t->id, t->cb_opaque);
		}
	}
}

static bool user_readable(struct hostnet *net) { return ((struct user *)net->state)->count > 0; }

static unsigned user_fds(const struct hostnet *net, int *fds, unsigned max)
{
	(void)net; (void)fds; (void)max;
	return 0; /* slirp's sockets come and go: a policy must allow socket calls */
}

static void user_close(struct hostnet *net)
{
	struct user *u = net->state;
	slirp_cleanup(u->slirp);
	free(u);
}

static const struct backend user_backend = {
	user_write, user_read, user_prepare, user_dispatch, user_readable, user_fds, user_close,
	user_flush, NULL, NULL, /* no offloads: libslirp wants whole frames */
};

/* The bind failed with err_no (0: libslirp did not say why): its words and
 * a port to try instead, one above (or, below 1024, the same plus 8000). */
static void forward_error(const struct hostnet_options *opts, const struct hostnet_forward *f,
			  int udp, int err_no, char *err, size_t errlen)
{
	unsigned alt = f->host_port < 1024 ? f->host_port + 8000u
		       : f->host_port < 65535 ? f->host_port + 1u : f->host_port - 1u;
	const char *proto = f->udp && f->tcp ? "" : udp ? "udp:" : "tcp:";
	const char *why = err_no == 0 ? "the host refused the socket"
			  : err_no == EACCES && f->host_port < 1024
			  ? "Permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
			  : strerror(err_no);

	snprintf(err, errlen, "cannot listen on 127.0.0.1:%u%s for net device '%s': %s; pick "
		 "another host port, e.g. --port-forward=%s%u:%u", f->host_port,
		 f->udp && f->tcp ? (udp ? "/udp" : "/tcp") : "",
		 opts->device ? opts->device : "?", why, proto, alt, f->guest_port);
}

/* Every forward is bound: say where the appliance is reachable, and for a
 * web server (a TCP forward to port 80) the address to paste into a
 * browser. Printed here, not before the sockets exist, so it is true. */
static void announce(const struct hostnet_options *opts)
{
	const char *app = opts->appliance ? opts->appliance : "appliance";
	const char *dev = opts->device ? opts->device : "?";
	char line[HOSTNET_MAX_FORWARDS * 48] = "";
	size_t used = 0;
	int web = -1;

	if (opts->forward_count == 0)
		return;
	for (unsigned i = 0; i < opts->forward_count; i++) {
		const struct hostnet_forward *f = &opts->forwards[i];
		int w = snprintf(line + used, sizeof line - used, "%s%s 127.0.0.1:%u -> port %u",
				 i ? ", " : "", f->udp && f->tcp ? "udp+tcp" : f->udp ? "udp" : "tcp",
				 f->host_port, f->guest_port);
		if (w < 0 || (size_t)w >= sizeof line - used)
			break;
		used += (size_t)w;
		if (web < 0 && f->tcp && f->guest_port == 80)
			web = f->host_port;
	}
	fprintf(stderr, "kiln: %s is reachable at %s (user-mode networking on net device '%s'; "
		"no root needed)\n", app, line, dev);
	if (web >= 0)
		fprintf(stderr, "kiln: http://127.0.0.1:%d/\n", web);
}

/* libslirp listens on a forward's host socket with a backlog of 1, so a
 * browser opening many connections at once has SYNs dropped and waits for
 * retransmissions (seconds). Linux takes a second listen() on a listening
 * socket as a new backlog: find the socket among those libslirp would poll
 * (a listening one bound to the forward's port) and enlarge it. */
#define USER_FORWARD_BACKLOG 128

static int cb_backlog(int fd, int events, void *opaque)
{
	uint16_t port = *(const uint16_t *)opaque;
	struct sockaddr_in a;
	socklen_t alen = sizeof a, olen;
	int on = 0;

	(void)events;
	olen = sizeof on;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen) == 0 && on &&
	    getsockname(fd, (struct sockaddr *)&a, &alen) == 0 && a.sin_family == AF_INET &&
	    ntohs(a.sin_port) == port)
		listen(fd, USER_FORWARD_BACKLOG);
	return -1; /* no poll slot: this pass only looks */
}

static void user_backlog(struct user *u, uint16_t port)
{
	uint32_t timeout_ms = UINT32_MAX;
	slirp_pollfds_fill(u->slirp, &timeout_ms, cb_backlog, &port);
}

int user_open(struct hostnet *net, const struct hostnet_options *opts, char *err, size_t errlen)
{
	SlirpConfig cfg;
	struct user *u = calloc(1, sizeof(*u));
	struct in_addr loopback, guest;

	if (!u) {
		snprintf(err, errlen, "net device '%s': out of memory",
			 opts && opts->device ? opts->device : "?");
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 4;
	cfg.in_enabled = true;
	inet_pton(AF_INET, USER_NET, &cfg.vnetwork);
	inet_pton(AF_INET, USER_MASK, &cfg.vnetmask);
	inet_pton(AF_INET, USER_HOST, &cfg.vhost);
	inet_pton(AF_INET, USER_GUEST, &cfg.vdhcp_start);
	inet_pton(AF_INET, USER_DNS, &cfg.vnameserver);
	cfg.vhostname = "kiln";
	cfg.if_mtu = HOSTNET_MTU;
	cfg.if_mru = HOSTNET_MTU;
	u->net = net;
	u->slirp = slirp_new(&cfg, &callbacks, u);
	if (!u->slirp) {
		snprintf(err, errlen, "net device '%s': libslirp could not start user-mode "
			 "networking", opts && opts->device ? opts->device : "?");
		free(u);
		return -1;
	}
	inet_pton(AF_INET, "127.0.0.1", &loopback);
	inet_pton(AF_INET, USER_GUEST, &guest);
	for (unsigned i = 0; opts && i < opts->forward_count; i++) {
		const struct hostnet_forward *f = &opts->forwards[i];
		for (int udp = 0; udp <= 1; udp++) {
			if (!(udp ? f->udp : f->tcp))
				continue;
			errno = 0;
			if (slirp_add_hostfwd(u->slirp, udp, loopback, f->host_port, guest,
					      f->guest_port) < 0) {
				forward_error(opts, f, udp, errno, err, errlen);
				slirp_cleanup(u->slirp);
				free(u);
				return -1;
			}
			if (!udp)
				user_backlog(u, f->host_port);
		}
	}
	if (opts)
		announce(opts);
	net->b = &user_backend;
	net->state = u;
	net->mtu = HOSTNET_MTU;
	snprintf(net->desc, sizeof(net->desc), "user-mode (appliance %s, gateway %s)",
		 USER_GUEST, USER_HOST);
	return 0;
}
