/* net_tap.c: a net device on a Linux tap interface (tuntap.rst in the
 * kernel's Documentation/networking): raw Ethernet frames, no packet info
 * header, non-blocking reads. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "unix.h"

/* Used when the interface's MTU cannot be read (it always can for a tap). */
#define TAP_DEFAULT_MTU 1500

static void tap_poll_prepare(struct unix_device *d, struct unix_pollset *ps)
{
	if (!d->net_failed)
		unix_pollset_add(ps, d->fd, POLLIN);
}

static bool tap_poll_ready(struct unix_device *d, const struct unix_pollset *ps)
{
	if (d->poll_count != 1)
		return false;
	short ev = ps->fds[d->poll_first].revents;
	if ((ev & (POLLERR | POLLHUP | POLLNVAL)) && !(ev & POLLIN)) {
		/* The interface was deleted under us: polling it again would
		 * return at once forever and turn every yield into a spin. */
		d->net_failed = true;
		fprintf(stderr, "%s: net device '%s': its tap failed; it gets no more frames\n",
			unix_program, d->name);
		return false;
	}
	return (ev & POLLIN) != 0;
}

static enum kiln_result tap_read(struct unix_device *d, uint8_t *buf, size_t size,
				 size_t *read_size)
{
	/* One spare byte behind buf tells a frame larger than size (which the
	 * kernel would silently cut) from one that fits exactly. */
	uint8_t spare;
	struct iovec iov[2] = {{buf, size}, {&spare, 1}};
	ssize_t n = readv(d->fd, iov, 2);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
			       ? KILN_AGAIN : KILN_EUNSPEC;
	if ((size_t)n > size)
		return KILN_EINVAL; /* too large: dropped (platform.h) */
	*read_size = (size_t)n;
	return KILN_OK;
}

static enum kiln_result tap_write(struct unix_device *d, const uint8_t *buf, size_t size)
{
	ssize_t n = write(d->fd, buf, size);

	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS)
		return KILN_EUNSPEC; /* e.g. EIO: the interface is down */
	return KILN_OK; /* a frame the host cannot take now is dropped, as a wire would */
}

static const struct unix_net_ops tap_ops = {
	.kind = "tap",
	.poll_prepare = tap_poll_prepare,
	.poll_ready = tap_poll_ready,
	.read = tap_read,
	.write = tap_write,
};

static size_t tap_mtu(const char *ifname)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	size_t mtu = TAP_DEFAULT_MTU;

	if (s < 0)
		return mtu;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (size_t)ifr.ifr_mtu;
	close(s);
	return mtu;
}

int unix_tap_open(struct unix_device *d, const char *ifname, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd;

	if (ifname[0] == '\0' || strlen(ifname) >= IFNAMSIZ) {
		snprintf(err, errlen, "--net:%s=%s: a tap name has 1 to %d characters",
			 d->name, ifname, IFNAMSIZ - 1);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "--net:%s=%s: cannot open /dev/net/tun: %s",
			 d->name, ifname, strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;
		snprintf(err, errlen, "--net:%s=%s: cannot attach tap device: %s%s",
			 d->name, ifname, strerror(e),
			 e == EPERM ? " (create it first: ip tuntap add NAME mode tap "
				      "user $USER, or run as root)"
			 : e == EBUSY ? " (another process has it open)" : "");
		close(fd);
		return -1;
	}
	d->fd = fd;
	d->net_ops = &tap_ops;
	d->net_info.mtu = tap_mtu(ifr.ifr_name);
	/* A random, locally administered, unicast address: no two appliances on
	 * one link are likely to share one, and none collides with a vendor's. */
	kiln_entropy(d->net_info.mac_address, 6);
	d->net_info.mac_address[0] = (uint8_t)((d->net_info.mac_address[0] & 0xfe) | 0x02);
	return 0;
}
