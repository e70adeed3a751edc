/* tap.c: a Linux tap device as a hostnet backend (Documentation/networking/tuntap.rst). */
#include "backend.h"
#include "tap_running.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <kiln/checksum.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

struct tap {
	int fd;
	int poll_index; /* in the current pollset, or -1 */
	bool ready;
	/* The interface was deleted under us: polling it would return at once
	 * forever and turn every wait into a spin, so it is no longer polled. */
	bool failed;
};

/* Every frame crosses the tap behind a virtio-net header (IFF_VNET_HDR):
 * all zero for a plain frame, the offload request for a super-frame. */
static int tap_send(struct tap *t, const struct virtio_net_hdr *h, const uint8_t *frame,
		    size_t len)
{
	struct iovec iov[2] = {{(void *)h, sizeof(*h)}, {(void *)frame, len}};
	ssize_t n = writev(t->fd, iov, 2);
	if (n < 0 && errno != EAGAIN && errno != ENOBUFS && errno != EIO)
		return -errno;
	return 0; /* EIO: the interface is down; like a cable unplugged, drop */
}

static int tap_write(struct hostnet *net, const uint8_t *frame, size_t len)
{
	static const struct virtio_net_hdr none;
	return tap_send(net->state, &none, frame, len);
}

static int tap_write_offload(struct hostnet *net, const struct hostnet_offload *o,
			     const uint8_t *frame, size_t len)
{
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = o->seg_size ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_NONE,
		.hdr_len = o->hdr_len,
		.gso_size = o->seg_size,
		.csum_start = o->csum_start,
		.csum_offset = o->csum_offset,
	};
	return tap_send(net->state, &h, frame, len);
}

/* What the kernel may hand over with receive offloads on (TUNSETOFFLOAD:
 * TUN_F_CSUM | TUN_F_TSO4): frames whose TCP or UDP checksum is partial
 * (NEEDS_CSUM: the field holds the pseudo-header's sum; the rest is ours
 * to add) and TCP/IPv4 super-frames of up to 64 KiB that Linux never cut
 * (GSO_TCPV4, always partial): one frame per 64 KiB instead of per 1.5
 * KiB. A reader that trusts the host (hostnet_read_offload, trust true)
 * gets such a frame as it is, and is told; any other gets the checksum
 * completed, so its stack verifies every checksum as always. Without
 * offloads neither should come; a frame that does anyway is finished the
 * same way, never passed on partial. False if the header does not fit the
 * frame. */
static bool finish_checksum(const struct hostnet *net, const struct virtio_net_hdr *h,
			    uint8_t *frame, size_t len, bool trust, unsigned *rx_flags)
{
	size_t start = h->csum_start, at = start + h->csum_offset;
	unsigned gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if (gso != VIRTIO_NET_HDR_GSO_NONE &&
	    (gso != VIRTIO_NET_HDR_GSO_TCPV4 || !(net->offloads & HOSTNET_OFFLOAD_LRO) ||
	     !(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)))
		return false;
	if (trust && (h->flags & (VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID))) {
		*rx_flags |= HOSTNET_RX_CSUM_OK;
		return true;
	}
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return true;
	if (start < 14 || start >= len || at + 2 > len)
		return false;
	checksum_complete(frame + start, len - start, h->csum_offset);
	return true;
}

/* rx_flags NULL: complete every checksum; else trust the host and say so. */
static ssize_t tap_receive(struct hostnet *net, uint8_t *buf, size_t cap, unsigned *rx_flags)
{
	struct tap *t = net->state;
	unsigned ignored = 0;
	/* A frame longer than cap (a tap with a larger MTU) lands partly in the
	 * sink and is reported, not truncated silently. */
	static uint8_t sink[65536];
	struct virtio_net_hdr h;
	struct iovec iov[3] = {{&h, sizeof(h)}, {buf, cap}, {sink, sizeof(sink)}};
	ssize_t n = readv(t->fd, iov, 3);
	if (n < 0) {
		t->ready = false;
		return errno == EAGAIN ? -EAGAIN : -errno;
	}
	if ((size_t)n < sizeof(h))
		return -EIO;
	n -= (ssize_t)sizeof(h);
	if ((size_t)n > cap)
		return -EMSGSIZE;
	if (!finish_checksum(net, &h, buf, (size_t)n, rx_flags != NULL,
			     rx_flags ? rx_flags : &ignored))
		return -EIO;
	return n;
}

static ssize_t tap_read(struct hostnet *net, uint8_t *buf, size_t cap)
{
	return tap_receive(net, buf, cap, NULL);
}

static ssize_t tap_read_offload(struct hostnet *net, uint8_t *buf, size_t cap, unsigned *rx_flags)
{
	return tap_receive(net, buf, cap, rx_flags);
}

static void tap_prepare(struct hostnet *net, struct pollset *ps, int64_t *timeout_ns)
{
	struct tap *t = net->state;
	(void)timeout_ns;
	t->poll_index = t->failed ? -1 : pollset_add(ps, t->fd, POLLIN);
}

static void tap_dispatch(struct hostnet *net, struct pollset *ps, bool poll_failed)
{
	struct tap *t = net->state;
	short ev = t->poll_index >= 0 ? ps->fds[t->poll_index].revents : 0;
	(void)poll_failed;
	if ((ev & (POLLERR | POLLHUP | POLLNVAL)) && !(ev & POLLIN)) {
		t->failed = true;
		fprintf(stderr, "%s: the tap failed (deleted?); it gets no more frames\n",
			net->desc);
	}
	t->ready = (ev & POLLIN) != 0;
}

static bool tap_readable(struct hostnet *net) { return ((struct tap *)net->state)->ready; }

static unsigned tap_fds(const struct hostnet *net, int *fds, unsigned max)
{
	if (max < 1)
		return 0;
	fds[0] = ((struct tap *)net->state)->fd;
	return 1;
}

static void tap_close(struct hostnet *net)
{
	struct tap *t = net->state;
	close(t->fd);
	free(t);
}

static const struct backend tap_backend = {
	tap_write, tap_read, tap_prepare, tap_dispatch, tap_readable, tap_fds, tap_close, NULL,
	tap_read_offload, tap_write_offload,
};

/* The interface's MTU, as it is (a jumbo 9000 included, up to
 * HOSTNET_MAX_MTU), as Solo5 passes it on; HOSTNET_MTU if it cannot be read
 * (it always can for a tap). */
static unsigned tap_mtu(const char *ifname)
{
	struct ifreq ifr;
	unsigned mtu = HOSTNET_MTU;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return mtu;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = ifr.ifr_mtu < HOSTNET_MAX_MTU ? (unsigned)ifr.ifr_mtu : HOSTNET_MAX_MTU;
	close(s);
	return mtu;
}

/* Offloads both ways when the options allow (hostnet_may_offload): what we
 * write may ask for checksums and segmentation (always possible with
 * IFF_VNET_HDR), and with TUNSETOFFLOAD the kernel may send us partial
 * checksums and super-frames (finish_checksum). */
static unsigned tap_offloads(struct hostnet *net, int fd, const struct hostnet_options *opts)
{
	if (!hostnet_may_offload(net, opts)) {
		/* The setting outlives us on a persistent tap: an appliance that
		 * had it must not leave super-frames to the next one. */
		ioctl(fd, TUNSETOFFLOAD, 0);
		return 0;
	}
	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) < 0)
		return HOSTNET_OFFLOAD_CSUM | HOSTNET_OFFLOAD_TSO4;
	return HOSTNET_OFFLOAD_CSUM | HOSTNET_OFFLOAD_TSO4 | HOSTNET_OFFLOAD_LRO;
}

int tap_open(struct hostnet *net, const char *ifname, const struct hostnet_options *opts,
	     char *err, size_t errlen)
{
	struct ifreq ifr;
	struct tap *t;
	int fd;

	if (strlen(ifname) == 0 || strlen(ifname) >= IFNAMSIZ) {
		snprintf(err, errlen, "tap device name '%s' must be 1-%d characters", ifname,
			 IFNAMSIZ - 1);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open /dev/net/tun for tap '%s': %s%s%s%s", ifname,
			 strerror(errno),
			 errno == EACCES ? " (this machine lets only root open it: run as root, "
					   "or use user-mode networking: --net:" : "",
			 errno == EACCES ? (opts && opts->device ? opts->device : "NAME") : "",
			 errno == EACCES ? "=user)" : "");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;
		/* $USER as written: the user's shell expands it to their name */
		snprintf(err, errlen, "cannot attach to tap device '%s': %s%s%s%s", ifname,
			 strerror(e),
			 e == EPERM ? " (create it for your user first: sudo ip tuntap add " : "",
			 e == EPERM ? ifname : "", e == EPERM ? " mode tap user $USER" : "");
		size_t used = strlen(err);
		if (e == EPERM && used < errlen)
			snprintf(err + used, errlen - used, "; or use user-mode networking: "
				 "--net:%s=user)", opts && opts->device ? opts->device : "NAME");
		close(fd);
		return -1;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->fd = fd;
	t->poll_index = -1;
	net->mtu = tap_mtu(ifname);
	net->offloads = tap_offloads(net, fd, opts);
	net->b = &tap_backend;
	net->state = t;
	snprintf(net->desc, sizeof(net->desc), "tap %s", ifname);
	/* The host drops what it sends on the tap until its link watcher has
	 * seen our attach (tap_running.h): without this wait a fresh
	 * appliance's first ARP request often went unanswered. */
	if (tap_wait_running(ifname, TAP_RUNNING_WAIT_NS) == -ETIMEDOUT)
		fprintf(stderr, "%s: the host has not brought the link up in %llu s; going on\n",
			net->desc, TAP_RUNNING_WAIT_NS / 1000000000);
	return 0;
}
