/* net.h: net device backends behind the NET_* and POLL hypercalls
 * (docs/hvt-abi.md section 5; docs/tender.md "Net backends").
 *
 * A manifest net entry's private field points at a struct tender_net: the
 * backend's ops and its state. The hypercalls only call through the ops, so
 * a second backend (libslirp user-mode networking) is one more ops table and
 * one more case in tender_net_backend(); frame capture (pcap) is a hook in
 * net.c that sees every frame read or written, whatever the backend.
 */
#ifndef TENDER_NET_H
#define TENDER_NET_H

#include <poll.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/types.h>

struct tender_net;

struct tender_net_ops {
	const char *name;
	/* Opens the backend for `spec` (the VALUE of --net:NAME=VALUE) and sets
	 * n->state; dies with one clear line if it cannot. Runs before seccomp. */
	void (*open)(struct tender_net *n, const char *spec, const char *devname);
	/* Adds to fds[0..max) the descriptors whose readability means a frame may
	 * be waiting; returns how many it added. */
	int (*pollfds)(struct tender_net *n, struct pollfd *fds, int max);
	/* Reads one frame without blocking: its length, 0 if none is waiting, or
	 * -1 on a host error. A frame longer than len is truncated. */
	ssize_t (*read)(struct tender_net *n, void *buf, size_t len);
	/* Sends one frame: 0 when sent (or dropped as a full queue would), -1 on
	 * a host error. */
	int (*write)(struct tender_net *n, const void *buf, size_t len);
	/* Allows in the seccomp filter the syscalls read/write/pollfds use, on
	 * this backend's descriptors only. Returns 0 or a negative errno. */
	int (*seccomp)(struct tender_net *n, scmp_filter_ctx f);
};

struct tender_net {
	const struct tender_net_ops *ops;
	int fd;      /* the backend's main descriptor, or -1 */
	void *state; /* anything else the backend keeps */
};

extern const struct tender_net_ops tender_net_tap_ops;

/* Attaches a net device; returns the tender_net the manifest entry keeps. */
struct tender_net *tender_net_attach(const char *spec, const char *devname);

#endif
