/* hostnet.c: opening backends, moving frames and waiting (see hostnet.h). */
#include "backend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int pollset_add(struct pollset *ps, int fd, short events)
{
	if (ps->n >= sizeof(ps->fds) / sizeof(ps->fds[0]))
		return -1;
	ps->fds[ps->n].fd = fd;
	ps->fds[ps->n].events = events;
	ps->fds[ps->n].revents = 0;
	return (int)ps->n++;
}

struct hostnet *hostnet_open(const char *spec, const uint8_t mac[6],
			     const struct hostnet_options *opts, char *err, size_t errlen)
{
	struct hostnet *net = calloc(1, sizeof(*net));
	int rc;

	if (!net) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memcpy(net->mac, mac, 6);
	net->pcap = opts ? opts->pcap : NULL;
	if (opts && (opts->impair.loss || opts->impair.reorder || opts->impair.dup)) {
		net->impair = opts->impair;
		net->tx = malloc(sizeof(*net->tx));
		net->rx = malloc(sizeof(*net->rx));
		if (!net->tx || !net->rx) {
			free(net->tx);
			free(net->rx);
			free(net);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		/* Different streams each way, both from the one seed. */
		impair_init(net->tx, opts->impair.seed * 2);
		impair_init(net->rx, opts->impair.seed * 2 + 1);
	}
	if (strcmp(spec, "user") == 0) {
#ifdef HOSTNET_NO_USER
		/* A program built without libslirp (the static tender: GLib's
		 * loading would cost every boot) runs its libslirp twin instead. */
		snprintf(err, errlen, "net device '%s': user-mode networking is not built into "
			 "this program", opts && opts->device ? opts->device : "?");
		rc = -1;
#else
		rc = user_open(net, opts, err, errlen);
#endif
	} else
		rc = tap_open(net, spec, opts, err, errlen);
	if (rc < 0) {
		free(net->tx);
		free(net->rx);
		free(net);
		return NULL;
	}
	return net;
}

void hostnet_close(struct hostnet *net)
{
	if (!net)
		return;
	net->b->close(net);
	free(net->tx);
	free(net->rx);
	free(net);
}

const char *hostnet_describe(const struct hostnet *net) { return net->desc; }

unsigned hostnet_mtu(const struct hostnet *net) { return net->mtu ? net->mtu : HOSTNET_MTU; }

size_t hostnet_max_frame(const struct hostnet *net) { return (size_t)hostnet_mtu(net) + 14; }

/* The frame as it goes on the wire: captured, counted, written. */
static int wire_write(struct hostnet *net, const uint8_t *frame, size_t len)
{
	if (net->pcap)
		pcap_record(net->pcap, frame, len);
	net->stats.tx_frames++;
	return net->b->write(net, frame, len);
}

/* Send a frame held back for reordering, if there is one. */
static int release_held_tx(struct hostnet *net)
{
	int rc = 0;
	if (net->tx && net->tx->held_len) {
		rc = wire_write(net, net->tx->held, net->tx->held_len);
		net->tx->held_len = 0;
	}
	return rc;
}

int hostnet_write(struct hostnet *net, const uint8_t *frame, size_t len)
{
	int rc;

	if (len > hostnet_max_frame(net) || len < 14)
		return -EINVAL;
	if (!net->tx)
		return wire_write(net, frame, len);
	switch (impair_decide(net->tx, &net->impair)) {
	case IMPAIR_DROP:
		net->stats.impair_lost++;
		return 0;
	case IMPAIR_HOLD:
		if (net->tx->held_len == 0) { /* goes out after the next frame */
			if (!impair_hold(net->tx, frame, len)) {
				net->stats.impair_too_long++;
				break;
			}
			net->stats.impair_reordered++;
			return 0;
		}
		break;
	case IMPAIR_DUP:
		net->stats.impair_duplicated++;
		if ((rc = wire_write(net, frame, len)) < 0)
			return rc;
		break;
	case IMPAIR_PASS:
		break;
	}
	if ((rc = wire_write(net, frame, len)) < 0)
		return rc;
	return release_held_tx(net);
}

unsigned hostnet_offloads(const struct hostnet *net) { return net->offloads; }

/* Whether a backend may set up offloads: asked for, on a clean link (faults
 * hit single frames) without a capture (it shows what a wire would carry). */
bool hostnet_may_offload(const struct hostnet *net, const struct hostnet_options *opts)
{
	return opts && opts->offload && !net->pcap && !net->tx;
}

/* The offsets of o lie inside the frame and ask only what the device offers. */
static bool offload_valid(const struct hostnet *net, const struct hostnet_offload *o,
			  size_t len)
{
	unsigned have = hostnet_offloads(net);

	if (o->csum_start && (!(have & HOSTNET_OFFLOAD_CSUM) || o->csum_start < 14 ||
			      (size_t)o->csum_start + o->csum_offset + 2 > len))
		return false;
	if (o->seg_size && (!(have & HOSTNET_OFFLOAD_TSO4) || !o->csum_start ||
			    o->hdr_len <= o->csum_start || o->hdr_len >= len))
		return false;
	return len <= (o->seg_size ? HOSTNET_TSO_MAX_FRAME : hostnet_max_frame(net));
}

int hostnet_write_offload(struct hostnet *net, const struct hostnet_offload *o,
			  const uint8_t *frame, size_t len)
{
	if (len < 14 || !offload_valid(net, o, len))
		return -EINVAL;
	if (!o->csum_start)
		return hostnet_write(net, frame, len);
	/* No capture and no faults on an offloading device: straight out. */
	net->stats.tx_frames++;
	net->stats.tx_offloaded++;
	return net->b->write_offload(net, o, frame, len);
}

/* A frame from the wire: counted and captured as it arrives. */
static ssize_t wire_read(struct hostnet *net, uint8_t *buf, size_t cap)
{
	ssize_t n = net->b->read(net, buf, cap);
	if (n > 0) {
		net->stats.rx_frames++;
		if (net->pcap)
			pcap_record(net->pcap, buf, (size_t)n);
	}
	return n;
}

ssize_t hostnet_read_offload(struct hostnet *net, uint8_t *buf, size_t cap, unsigned *rx_flags)
{
	ssize_t n;

	*rx_flags = 0;
	if (!net->b->read_offload || !(net->offloads & HOSTNET_OFFLOAD_LRO))
		return hostnet_read(net, buf, cap);
	/* Offloads mean a clean link without a capture: nothing to do between. */
	n = net->b->read_offload(net, buf, cap, rx_flags);
	if (n > 0)
		net->stats.rx_frames++;
	return n;
}

static ssize_t hand_out_held(struct impair_dir *rx, uint8_t *buf, size_t cap)
{
	size_t len = rx->held_len;
	rx->held_len = 0;
	rx->release_next = false;
	if (len > cap)
		return -EMSGSIZE;
	memcpy(buf, rx->held, len);
	return (ssize_t)len;
}

ssize_t hostnet_read(struct hostnet *net, uint8_t *buf, size_t cap)
{
	struct impair_dir *rx = net->rx;
	ssize_t n;

	if (!rx)
		return wire_read(net, buf, cap);
	if (rx->held_len && rx->release_next)
		return hand_out_held(rx, buf, cap);
	/* Bounded: each turn takes a frame off the device, or returns. */
	for (;;) {
		n = wire_read(net, buf, cap);
		if (n == -EAGAIN && rx->held_len)
			return hand_out_held(rx, buf, cap);
		if (n <= 0)
			return n;
		switch (impair_decide(rx, &net->impair)) {
		case IMPAIR_DROP:
			net->stats.impair_lost++;
			continue;
		case IMPAIR_HOLD:
			if (rx->held_len == 0) {
				if (!impair_hold(rx, buf, (size_t)n)) {
					net->stats.impair_too_long++;
					break;
				}
				net->stats.impair_reordered++;
				continue;
			}
			break;
		case IMPAIR_DUP:
			if (rx->held_len == 0) {
				if (impair_hold(rx, buf, (size_t)n))
					net->stats.impair_duplicated++;
				else
					net->stats.impair_too_long++;
			}
			break;
		case IMPAIR_PASS:
			break;
		}
		if (rx->held_len)
			rx->release_next = true;
		return n;
	}
}

static bool readable(struct hostnet *net)
{
	return (net->rx && net->rx->held_len) || net->b->readable(net);
}

/* One poll: returns the readable mask; *failed when ppoll failed for a
 * reason other than a signal (EINTR only ends this one poll). */
static uint64_t wait_once(struct hostnet *const *nets, unsigned n, int64_t timeout_ns,
			  bool *failed)
{
	static struct pollset ps; /* 4 KiB: kept off the caller's stack */
	uint64_t ready = 0;
	unsigned i;
	int rc;

	for (i = 0; i < n; i++) {
		release_held_tx(nets[i]); /* a held frame waits for no one */
		if (nets[i]->b->flush)
			nets[i]->b->flush(nets[i]);
		if (readable(nets[i]))
			timeout_ns = 0; /* frames already queued: only a quick poll */
	}
	ps.n = 0;
	for (i = 0; i < n; i++)
		nets[i]->b->prepare(nets[i], &ps, &timeout_ns);
	if (timeout_ns < 0) {
		rc = ppoll(ps.fds, ps.n, NULL, NULL);
	} else {
		struct timespec ts = {timeout_ns / 1000000000, timeout_ns % 1000000000};
		rc = ppoll(ps.fds, ps.n, &ts, NULL);
	}
	*failed = rc < 0 && errno != EINTR;
	for (i = 0; i < n; i++)
		nets[i]->b->dispatch(nets[i], &ps, rc < 0 && errno != EINTR);
	for (i = 0; i < n && i < 64; i++)
		if (readable(nets[i]))
			ready |= 1ull << i;
	return ready;
}

static int64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t hostnet_wait(struct hostnet *const *nets, unsigned n, int64_t timeout_ns)
{
	int64_t now = monotonic_ns();
	/* A deadline past what int64_t holds (~292 years of uptime: the POLL
	 * hypercall passes up to INT64_MAX) is forever, not an overflow. */
	int64_t deadline = timeout_ns < 0 || timeout_ns > INT64_MAX - now ? -1 : now + timeout_ns;
	bool failed;

	/* A poll can wake because user-mode networking served a host socket or
	 * a timer, with no frame for the appliance: wait on until there is one
	 * or the time is up. Each turn sleeps or serves, so this ends. */
	for (;;) {
		int64_t left = -1;
		if (deadline >= 0) {
			left = deadline - monotonic_ns();
			if (left < 0)
				left = 0;
		}
		uint64_t ready = wait_once(nets, n, left, &failed);
		if (ready || failed || left == 0)
			return ready;
	}
}

unsigned hostnet_fds(const struct hostnet *net, int *fds, unsigned max)
{
	return net->b->fds(net, fds, max);
}

struct hostnet_stats hostnet_stats(const struct hostnet *net) { return net->stats; }

bool hostnet_parse_forward(const char *value, struct hostnet_options *opts,
			   char *err, size_t errlen)
{
	struct hostnet_forward f = {.udp = true, .tcp = true};
	const char *p = value;
	char *end;
	unsigned long host, guest;

	if (strncmp(p, "udp:", 4) == 0) {
		f.tcp = false;
		p += 4;
	} else if (strncmp(p, "tcp:", 4) == 0) {
		f.udp = false;
		p += 4;
	}
	/* Digits only: strtoul alone would also take blanks and a sign. */
	if (*p < '0' || *p > '9')
		goto bad;
	errno = 0;
	host = strtoul(p, &end, 10);
	if (end == p || *end != ':' || errno || host == 0 || host > 65535)
		goto bad;
	p = end + 1;
	if (*p < '0' || *p > '9')
		goto bad;
	guest = strtoul(p, &end, 10);
	if (end == p || *end || errno || guest == 0 || guest > 65535)
		goto bad;
	if (opts->forward_count >= HOSTNET_MAX_FORWARDS) {
		snprintf(err, errlen, "--port-forward: at most %d forwards", HOSTNET_MAX_FORWARDS);
		return false;
	}
	f.host_port = (uint16_t)host;
	f.guest_port = (uint16_t)guest;
	opts->forwards[opts->forward_count++] = f;
	return true;
bad:
	snprintf(err, errlen,
		 "--port-forward=%s: expected [udp:|tcp:]HOSTPORT:GUESTPORT, ports 1-65535", value);
	return false;
}
