/* backend.h: what each hostnet backend (tap.c, user.c) provides to hostnet.c. */
#ifndef KILN_HOSTNET_BACKEND_H
#define KILN_HOSTNET_BACKEND_H

#include "hostnet.h"
#include "impair.h"

#include <poll.h>

/* The descriptors of one hostnet_wait(): every device adds its own. */
struct pollset {
	struct pollfd fds[256];
	unsigned n;
};

/* Add fd to ps; returns its index, or -1 if ps is full. */
int pollset_add(struct pollset *ps, int fd, short events);

struct backend {
	int (*write)(struct hostnet *net, const uint8_t *frame, size_t len);
	ssize_t (*read)(struct hostnet *net, uint8_t *buf, size_t cap);
	/* Add descriptors to ps; shorten *timeout_ns (-1: forever) if the
	 * backend has a timer due sooner. */
	void (*prepare)(struct hostnet *net, struct pollset *ps, int64_t *timeout_ns);
	/* After the poll: service the backend's descriptors and timers. */
	void (*dispatch)(struct hostnet *net, struct pollset *ps, bool poll_failed);
	/* True if a frame can be read now. */
	bool (*readable)(struct hostnet *net);
	unsigned (*fds)(const struct hostnet *net, int *fds, unsigned max);
	void (*close)(struct hostnet *net);
	/* Hand frames written since the last wait to the network; called first
	 * in hostnet_wait(). NULL if write() sends at once. */
	void (*flush)(struct hostnet *net);
	/* Read a frame and say what the host did (hostnet_read_offload); NULL
	 * if the backend has no receive offloads. */
	ssize_t (*read_offload)(struct hostnet *net, uint8_t *buf, size_t cap,
				unsigned *rx_flags);
	/* Write a frame asking for offloads; NULL if the backend has none. */
	int (*write_offload)(struct hostnet *net, const struct hostnet_offload *o,
			     const uint8_t *frame, size_t len);
};

struct hostnet {
	const struct backend *b;
	char desc[96];
	uint8_t mac[6];
	unsigned mtu; /* set by the backend's open */
	/* HOSTNET_OFFLOAD_* the backend's open set up: 0 unless the options
	 * asked for them on a clean link without a capture. */
	unsigned offloads;
	FILE *pcap;
	struct hostnet_stats stats;
	struct hostnet_impair impair;
	struct impair_dir *tx, *rx; /* NULL on a clean link */
	void *state; /* the backend's own */
};

/* See hostnet.c; tap_open() calls it with the options hostnet_open() got. */
bool hostnet_may_offload(const struct hostnet *net, const struct hostnet_options *opts);

int tap_open(struct hostnet *net, const char *ifname, const struct hostnet_options *opts,
	     char *err, size_t errlen);
int user_open(struct hostnet *net, const struct hostnet_options *opts, char *err, size_t errlen);

/* Append one frame to a capture (pcap.c). */
void pcap_record(FILE *f, const uint8_t *frame, size_t len);

#endif
