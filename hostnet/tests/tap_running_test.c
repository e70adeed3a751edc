/* tap_running_test.c: after tap_wait_running(), the host answers the very
 * first frame a freshly attached tap sends (an ARP request), every time; a
 * tap that is down or missing is reported at once (tap_running.h). Runs in a
 * network namespace of its own (unshare), so it needs root; else it SKIPs. */
#include "harness.h"

#include "tap_running.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TAP "kiln-trun0"
#define HOST_IP "10.77.0.1"
#define OUR_IP "10.77.0.2"
/* Fresh attaches per check: without the wait about one in three first ARP
 * requests went unanswered here, so 20 rounds all answered is no luck. */
#define ROUNDS 20
#define REPLY_WAIT_MS 300

static const uint8_t our_mac[6] = {0x02, 0x6b, 0x69, 0x6c, 0x77, 0x02};

/* A private network namespace: the taps made here vanish with the process. */
static bool own_namespace(void)
{
	static int state; /* 0 not tried, 1 ok, -1 impossible */
	if (!state)
		state = geteuid() == 0 && unshare(CLONE_NEWNET) == 0 ? 1 : -1;
	return state == 1;
}

static int ctl_socket(void) { return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); }

static struct ifreq ifreq_of(const char *name)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	return ifr;
}

/* Attach to (or create) the tap NAME; the fd, or -1. */
static int tap_attach(const char *name)
{
	struct ifreq ifr = ifreq_of(name);
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* What tests/lib.sh's tap_new does: a persistent tap with nobody attached
 * (no carrier), an address, administratively up if up. */
static bool tap_make(const char *name, bool up)
{
	int fd = tap_attach(name), s = ctl_socket();
	bool ok = fd >= 0 && s >= 0 && ioctl(fd, TUNSETPERSIST, 1) == 0;
	struct ifreq ifr = ifreq_of(name);
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	if (fd >= 0)
		close(fd);
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, HOST_IP, &sin->sin_addr);
	ok = ok && ioctl(s, SIOCSIFADDR, &ifr) == 0;
	inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
	ok = ok && ioctl(s, SIOCSIFNETMASK, &ifr) == 0;
	ifr = ifreq_of(name);
	ok = ok && ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
	ifr.ifr_flags = (short)(up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP);
	ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
	if (s >= 0)
		close(s);
	return ok;
}

/* Remove the tap through an attached fd (it is persistent). */
static void tap_remove(int fd)
{
	ioctl(fd, TUNSETPERSIST, 0);
	close(fd);
}

/* Send "who has HOST_IP, tell OUR_IP" on fd; true if the host's reply
 * comes back within REPLY_WAIT_MS (other frames, IPv6 chatter, skipped). */
static bool arp_answered(int fd)
{
	uint8_t f[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, in[2048];
	struct in_addr a;
	struct timespec t0, t;

	memcpy(f + 6, our_mac, 6);
	f[12] = 0x08, f[13] = 0x06;                        /* ARP */
	f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0;     /* Ethernet, IPv4 */
	f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;        /* request */
	memcpy(f + 22, our_mac, 6);
	inet_pton(AF_INET, OUR_IP, &a);
	memcpy(f + 28, &a, 4);
	inet_pton(AF_INET, HOST_IP, &a);
	memcpy(f + 38, &a, 4);
	if (write(fd, f, sizeof(f)) != (ssize_t)sizeof(f))
		return false;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) { /* bounded by REPLY_WAIT_MS */
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = REPLY_WAIT_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
					     (t.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd p = {fd, POLLIN, 0};
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		ssize_t n = read(fd, in, sizeof(in));
		if (n >= 42 && in[12] == 0x08 && in[13] == 0x06 && in[21] == 2 &&
		    memcmp(in + 28, &a, 4) == 0 && memcmp(in + 32, our_mac, 6) == 0)
			return true;
	}
}

TEST(first_frame_after_the_wait_is_answered)
{
	int answered = 0, waited = 0;

	if (!own_namespace()) {
		test_skip("needs root (a network namespace and a tap of its own)");
		return;
	}
	for (int i = 0; i < ROUNDS; i++) {
		CHECK(tap_make(TAP, true));
		int fd = tap_attach(TAP);
		CHECK(fd >= 0);
		int rc = tap_wait_running(TAP, TAP_RUNNING_WAIT_NS);
		waited += rc == 0;
		answered += arp_answered(fd);
		tap_remove(fd);
	}
	CHECK_EQ(waited, ROUNDS);
	CHECK_EQ(answered, ROUNDS);
}

TEST(a_tap_that_is_down_returns_at_once)
{
	struct timespec t0, t1;

	if (!own_namespace()) {
		test_skip("needs root (a network namespace and a tap of its own)");
		return;
	}
	CHECK(tap_make(TAP, false));
	int fd = tap_attach(TAP);
	CHECK(fd >= 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = tap_wait_running(TAP, TAP_RUNNING_WAIT_NS);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	tap_remove(fd);
	CHECK_EQ(rc, 1);
	CHECK(t1.tv_sec - t0.tv_sec < 1);
}

TEST(a_missing_device_is_an_error)
{
	if (!own_namespace()) {
		test_skip("needs root (a network namespace and a tap of its own)");
		return;
	}
	CHECK_EQ(tap_wait_running("kiln-nosuch0", TAP_RUNNING_WAIT_NS), -ENODEV);
	CHECK_EQ(tap_wait_running("a-name-far-too-long-for-linux", 0), -EINVAL);
}
