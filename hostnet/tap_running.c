/* tap_running.c: waiting until the host carries frames on a freshly attached
 * tap (see tap_running.h; Linux Documentation/networking/operstates.rst). */
#include "tap_running.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int tap_wait_running(const char *ifname, uint64_t timeout_ns)
{
	const uint64_t deadline = now_ns() + timeout_ns;
	struct ifreq ifr;
	int s, rc;

	if (strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	/* Bounded by the deadline: each turn sleeps TAP_RUNNING_POLL_NS. */
	for (;;) {
		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
		if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
			rc = -errno;
			goto out;
		}
		if (!(ifr.ifr_flags & IFF_UP)) {
			rc = 1;
			goto out;
		}
		if (ifr.ifr_flags & IFF_RUNNING)
			break;
		if (now_ns() >= deadline) {
			rc = -ETIMEDOUT;
			goto out;
		}
		struct timespec pause = {0, TAP_RUNNING_POLL_NS};
		nanosleep(&pause, NULL);
	}
	/* The link watcher sets the operational state (IFF_RUNNING) and then
	 * activates the queueing discipline, both under the RTNL lock. The
	 * ethtool ioctl takes that lock too, so once it returns the activation
	 * is done. ETHTOOL_GLINK needs no privilege; its answer is not needed
	 * and a failure of it leaves only that last instant uncovered. */
	struct ethtool_value ev = {.cmd = ETHTOOL_GLINK};
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = (void *)&ev;
	(void)ioctl(s, SIOCETHTOOL, &ifr);
	rc = 0;
out:
	close(s);
	return rc;
}
