/* net_tap.c: the tap net backend: one existing Linux tap device per net
 * device, opened non-blocking without packet information (tun(4);
 * docs/tender.md "Net backends"). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "net.h"
#include "tender.h"

static void tap_open(struct tender_net *n, const char *ifname, const char *devname)
{
	if (strlen(ifname) >= IFNAMSIZ)
		tender_die("net device %s: %s: not a tap device name (too long)", devname, ifname);
	/* TUNSETIFF on a name that does not exist would create a new, unconfigured
	 * tap (as root): refuse instead, the user meant an existing one. */
	if (if_nametoindex(ifname) == 0)
		tender_die("net device %s: cannot open tap device %s: no such interface", devname,
			   ifname);
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		tender_die("net device %s: cannot open /dev/net/tun: %s", devname, strerror(errno));
	struct ifreq ifr = {0};
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		tender_die("net device %s: cannot attach to tap device %s: %s%s", devname, ifname,
			   strerror(errno),
			   errno == EBUSY ? " (in use by another process?)"
			   : errno == EINVAL ? " (not a tap device?)" : "");
	n->fd = fd;
}

static int tap_pollfds(struct tender_net *n, struct pollfd *fds, int max)
{
	if (max < 1)
		return 0;
	fds[0] = (struct pollfd){.fd = n->fd, .events = POLLIN};
	return 1;
}

static ssize_t tap_read(struct tender_net *n, void *buf, size_t len)
{
	ssize_t r;
	do
		r = read(n->fd, buf, len);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	return r;
}

static int tap_write(struct tender_net *n, const void *buf, size_t len)
{
	ssize_t r;
	do
		r = write(n->fd, buf, len);
	while (r < 0 && errno == EINTR);
	/* A full tap queue drops the frame, as a wire would. */
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return r == (ssize_t)len ? 0 : -1;
}

static int tap_seccomp(struct tender_net *n, scmp_filter_ctx f)
{
	int r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(read), 1,
				 SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)n->fd));
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
				     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)n->fd));
	return r;
}

const struct tender_net_ops tender_net_tap_ops = {
	.name = "tap",
	.open = tap_open,
	.pollfds = tap_pollfds,
	.read = tap_read,
	.write = tap_write,
	.seccomp = tap_seccomp,
};
