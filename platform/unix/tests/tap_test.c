/* tap_test.c: a net device on a tap (platform/unix/net_tap.c, net.c,
 * yield.c; platform.h), in a network namespace private to this process (it
 * disappears with it): frames injected and captured through a packet socket
 * on the tap's kernel side. Needs root; SKIPs otherwise. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"
#include "unix.h"

#define MS 1000000ull

static int psock = -1;
static kiln_handle_t handle;
static struct kiln_net_info info;

static void write_sysctl(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);
	if (fd >= 0) {
		/* A failed write is harmless: without IPv6 nothing is sent. */
		ssize_t r = write(fd, v, strlen(v));
		(void)r;
		close(fd);
	}
}

/* Attaches "service" to tap kt0 in a fresh namespace, sets it up, and opens
 * a packet socket on it. Returns NULL or why it cannot. */
static const char *setup(void)
{
	static const struct kiln_device md = {.name = "service", .type = KILN_DEVICE_NET};
	static char why[600];
	struct ifreq ifr;

	if (psock >= 0)
		return NULL;
	if (geteuid() != 0)
		return "needs root (a network namespace and a tap)";
	if (unshare(CLONE_NEWNET) < 0)
		return "cannot unshare a network namespace";
	/* No IPv6 router solicitations or MLD reports on the new link. */
	write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	if (kiln_unix_net_attach(&md, 1, "kt0", why, sizeof why) < 0)
		return why;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "kt0");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return "SIOCGIFFLAGS failed";
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return "cannot bring kt0 up";
	close(s);
	psock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = (int)if_nametoindex("kt0")};
	if (psock < 0 || bind(psock, (struct sockaddr *)&sll, sizeof sll) < 0)
		return "cannot open a packet socket on kt0";
	struct timeval tv = {.tv_sec = 2};
	setsockopt(psock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (kiln_net_acquire("service", &handle, &info) != KILN_OK)
		return "kiln_net_acquire failed";
	return NULL;
}

static void make_frame(uint8_t *f, size_t len, uint8_t tag)
{
	memset(f, tag, len);
	memcpy(f, info.mac_address, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x09", 6);
	f[12] = 0x88;
	f[13] = 0xb5;
}

/* Waits (yield) for a frame and reads it. */
static enum kiln_result wait_read(uint8_t *buf, size_t size, size_t *n)
{
	kiln_time_t deadline = kiln_clock_monotonic() + 2000 * MS;
	while (kiln_clock_monotonic() < deadline) {
		kiln_handle_set_t ready = 0;
		kiln_yield(deadline, &ready);
		if (ready & ((kiln_handle_set_t)1 << handle)) {
			enum kiln_result r = kiln_net_read(handle, buf, size, n);
			if (r != KILN_AGAIN)
				return r;
		}
	}
	return KILN_AGAIN;
}

/* Defined first: the harness runs cases last to first, and this one
 * attaches a second device. */
TEST(deleted_tap_does_not_make_yield_spin)
{
	static const struct kiln_device md = {.name = "doomed", .type = KILN_DEVICE_NET};
	char why[600];
	uint8_t in[1600];
	size_t n;
	const char *no = setup();
	if (no) {
		test_skip(no);
		return;
	}
	CHECK_EQ(kiln_unix_net_attach(&md, 2, "kt1", why, sizeof why), 0);
	CHECK_EQ(system("ip link del kt1"), 0);
	kiln_handle_set_t ready = 0;
	kiln_yield(kiln_clock_monotonic() + 100 * MS, &ready); /* may notice the failure */
	kiln_time_t t0 = kiln_clock_monotonic();
	kiln_yield(t0 + 100 * MS, &ready);
	CHECK(kiln_clock_monotonic() - t0 >= 100 * MS); /* slept: not polled any more */
	CHECK_EQ(ready & 4, 0);
	CHECK(kiln_net_read(2, in, sizeof in, &n) != KILN_OK);
}

TEST(info)
{
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	CHECK_EQ(handle, 1);
	CHECK_EQ(info.mtu, 1500);
	CHECK_EQ(info.mac_address[0] & 3, 2); /* unicast, locally administered */
	CHECK_EQ(kiln_net_acquire("other", &handle, &info), KILN_EINVAL);
}

TEST(read_a_frame_after_yield)
{
	uint8_t out[60], in[1600];
	size_t n = 0;
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	make_frame(out, sizeof out, 0x11);
	CHECK_EQ(send(psock, out, sizeof out, 0), (ssize_t)sizeof out);
	CHECK_EQ(wait_read(in, sizeof in, &n), KILN_OK);
	CHECK_EQ(n, sizeof out);
	CHECK_MEM(in, out, sizeof out);
	CHECK_EQ(kiln_net_read(handle, in, sizeof in, &n), KILN_AGAIN);
}

TEST(oversize_frame_is_dropped_whole)
{
	uint8_t big[1000], small[60], in[1600];
	size_t n = 0;
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	make_frame(big, sizeof big, 0x22);
	make_frame(small, sizeof small, 0x33);
	CHECK_EQ(send(psock, big, sizeof big, 0), (ssize_t)sizeof big);
	CHECK_EQ(send(psock, small, sizeof small, 0), (ssize_t)sizeof small);
	CHECK_EQ(wait_read(in, 100, &n), KILN_EINVAL); /* big: too large for 100 */
	CHECK_EQ(wait_read(in, sizeof in, &n), KILN_OK); /* then small, not big's tail */
	CHECK_EQ(n, sizeof small);
	CHECK_MEM(in, small, sizeof small);
}

TEST(write_reaches_the_kernel)
{
	uint8_t out[200], in[1600];
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	make_frame(out, sizeof out, 0x44);
	memcpy(out, "\xff\xff\xff\xff\xff\xff", 6);
	memcpy(out + 6, info.mac_address, 6);
	CHECK_EQ(kiln_net_write(handle, out, sizeof out), KILN_OK);
	for (int tries = 0; tries < 10; tries++) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof from;
		ssize_t r = recvfrom(psock, in, sizeof in, 0, (struct sockaddr *)&from, &fl);
		CHECK(r > 0);
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue; /* our own injections */
		CHECK_EQ(r, (ssize_t)sizeof out);
		CHECK_MEM(in, out, sizeof out);
		return;
	}
	CHECK(!"the written frame never arrived");
}

TEST(write_limits)
{
	static uint8_t huge[1600];
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	CHECK_EQ(kiln_net_write(handle, huge, info.mtu + 15), KILN_EINVAL);
	CHECK_EQ(kiln_net_write(handle + 1, huge, 60), KILN_EINVAL);
	CHECK_EQ(kiln_net_write(0, huge, 60), KILN_EINVAL);
	CHECK_EQ(kiln_net_write(handle, NULL, 60), KILN_EINVAL);
}

TEST(yield_times_out_with_no_frame)
{
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	uint8_t in[1600];
	size_t n;
	while (kiln_net_read(handle, in, sizeof in, &n) == KILN_OK)
		; /* drain */
	kiln_handle_set_t ready = 99;
	kiln_time_t t0 = kiln_clock_monotonic();
	kiln_yield(t0 + 50 * MS, &ready);
	CHECK_EQ(ready, 0);
	CHECK(kiln_clock_monotonic() - t0 >= 50 * MS);
}

/* Offloads (platform.h): a clean tap offers them all, a super-frame asking
 * for segmentation reaches the kernel whole (Linux cuts it only if it must
 * leave through a device that cannot take it), and a request that does not
 * fit its frame is refused. */
TEST(tso_frame_reaches_the_kernel_whole)
{
	enum { PAYLOAD = 10000, LEN = 14 + 20 + 20 + PAYLOAD };
	static uint8_t out[LEN], in[LEN + 100];
	struct kiln_net_offload tso = {.csum_start = 34, .csum_offset = 16,
				       .seg_size = 1448, .hdr_len = 54};
	struct kiln_net_offload bad = tso;
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	CHECK_EQ(info.offloads, KILN_NET_OFFLOAD_CSUM | KILN_NET_OFFLOAD_TSO4 |
				    KILN_NET_OFFLOAD_LRO);
	make_frame(out, sizeof out, 0x55);
	memcpy(out, "\x02\x00\x00\x00\x00\x09", 6);
	memcpy(out + 6, info.mac_address, 6);
	out[12] = 0x08, out[13] = 0x00;
	/* IPv4 10.99.0.2 -> 10.99.0.1, TCP; checksums left to the device. */
	memcpy(out + 14, "\x45\x00\x27\x38\x00\x01\x40\x00\x40\x06\x00\x00"
			 "\x0a\x63\x00\x02\x0a\x63\x00\x01", 20);
	memcpy(out + 34, "\x30\x39\x00\x50\x00\x00\x00\x01\x00\x00\x00\x00\x50\x10\xff\xff"
			 "\x00\x00\x00\x00", 20);
	CHECK_EQ(kiln_net_write_offload(handle, &tso, out, sizeof out), KILN_OK);
	bad.csum_start = LEN - 10; /* the field would lie past the end */
	CHECK_EQ(kiln_net_write_offload(handle, &bad, out, sizeof out), KILN_EINVAL);
	bad = tso;
	bad.seg_size = 0; /* no segmentation: then the frame is over the MTU */
	CHECK_EQ(kiln_net_write_offload(handle, &bad, out, sizeof out), KILN_EINVAL);
	for (int tries = 0; tries < 10; tries++) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof from;
		ssize_t r = recvfrom(psock, in, sizeof in, 0, (struct sockaddr *)&from, &fl);
		CHECK(r > 0);
		if (r <= 0)
			return;
		if (from.sll_pkttype == PACKET_OUTGOING || r < 1000)
			continue; /* our own injections, ARP or the like */
		CHECK_EQ(r, (ssize_t)LEN);
		CHECK_MEM(in + 54, out + 54, PAYLOAD);
		return;
	}
	CHECK(!"the super-frame never arrived");
}
