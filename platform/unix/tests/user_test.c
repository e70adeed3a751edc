/* user_test.c: a net device on user-mode networking (platform/unix/
 * net_attach.c over hostnet and libslirp; docs/hostnet.md): attach with a
 * port forward and a capture, ARP through kiln_net_write/kiln_yield/
 * kiln_net_read, a UDP datagram from 127.0.0.1 arriving as a frame, and the
 * capture holding both directions. Needs no root. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "unix.h"

#define MS 1000000ull
#define HOST_PORT 47000 /* + pid % 1000: parallel runs do not collide */

static kiln_handle_t handle;
static struct kiln_net_info info;
static char pcap_path[64];
static unsigned host_port;

static const char *setup(void)
{
	static const struct kiln_device md = {.name = "service", .type = KILN_DEVICE_NET};
	static struct unix_options opts;
	static char fwd[32], why[600];
	static bool done;

	if (done)
		return NULL;
	host_port = HOST_PORT + (unsigned)getpid() % 1000;
	snprintf(fwd, sizeof fwd, "udp:%u:7", host_port);
	snprintf(pcap_path, sizeof pcap_path, "/tmp/kiln-unix-user-%d.pcap", (int)getpid());
	opts.forward[0] = fwd;
	opts.nforward = 1;
	opts.pcap = pcap_path;
	unix_opts = &opts;
	if (kiln_unix_net_attach(&md, 1, "user", why, sizeof why) < 0)
		return why;
	if (kiln_net_acquire("service", &handle, &info) != KILN_OK)
		return "kiln_net_acquire failed";
	done = true;
	return NULL;
}

/* Waits (yield) for a frame of EtherType type and reads it. */
static size_t wait_frame(uint8_t *buf, size_t size, uint16_t type)
{
	kiln_time_t deadline = kiln_clock_monotonic() + 3000 * MS;
	size_t n;
	while (kiln_clock_monotonic() < deadline) {
		kiln_handle_set_t ready = 0;
		kiln_yield(deadline, &ready);
		while (ready & ((kiln_handle_set_t)1 << handle) &&
		       kiln_net_read(handle, buf, size, &n) == KILN_OK)
			if (n >= 14 && buf[12] == type >> 8 && buf[13] == (type & 0xff))
				return n;
	}
	return 0;
}

static void put_ip(uint8_t *p, const char *a) { inet_pton(AF_INET, a, p); }

/* The harness runs cases last to first: this one must run last. */
TEST(capture_holds_both_directions)
{
	uint8_t hdr[24], rec[16];
	unsigned frames = 0;
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	FILE *f = fopen(pcap_path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_EQ(fread(hdr, 1, sizeof hdr, f), sizeof hdr);
	CHECK_MEM(hdr, "\xd4\xc3\xb2\xa1", 4); /* the pcap magic, little-endian */
	while (frames < 1000 && fread(rec, 1, sizeof rec, f) == sizeof rec) {
		uint32_t len;
		memcpy(&len, rec + 8, 4);
		CHECK(len >= 14 && len <= 1514);
		fseek(f, len, SEEK_CUR);
		frames++;
	}
	fclose(f);
	unlink(pcap_path);
	CHECK(frames >= 3); /* ARP request, ARP reply, the UDP datagram */
}

TEST(udp_to_the_forwarded_port_arrives_as_a_frame)
{
	uint8_t in[1600];
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)host_port)};
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	CHECK(s >= 0);
	CHECK_EQ(sendto(s, "kiln", 4, 0, (struct sockaddr *)&to, sizeof to), 4);
	size_t n = wait_frame(in, sizeof in, 0x0800);
	close(s);
	CHECK_EQ(n, 14 + 20 + 8 + 4);
	CHECK_EQ(in[14 + 9], 17);                  /* UDP */
	CHECK_MEM(in + 14 + 16, "\x0a\x00\x02\x0f", 4); /* to 10.0.2.15 */
	CHECK_EQ(in[14 + 22] << 8 | in[14 + 23], 7); /* the guest port */
	CHECK_MEM(in + 14 + 28, "kiln", 4);
}

TEST(arp_for_the_gateway_is_answered)
{
	uint8_t out[42], in[1600];
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	CHECK_EQ(info.mtu, 1500);
	CHECK_EQ(info.mac_address[0] & 3, 2);
	memset(out, 0xff, 6);
	memcpy(out + 6, info.mac_address, 6);
	memcpy(out + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01", 10);
	memcpy(out + 22, info.mac_address, 6);
	put_ip(out + 28, "10.0.2.15");
	memset(out + 32, 0, 6);
	put_ip(out + 38, "10.0.2.2");
	CHECK_EQ(kiln_net_write(handle, out, sizeof out), KILN_OK);
	size_t n = wait_frame(in, sizeof in, 0x0806);
	CHECK(n >= 42);
	CHECK_MEM(in, info.mac_address, 6);
	CHECK_EQ(in[21], 2); /* a reply */
	CHECK_MEM(in + 28, "\x0a\x00\x02\x02", 4);
}

TEST(yield_sleeps_to_the_deadline_when_nothing_comes)
{
	uint8_t in[1600];
	size_t n;
	const char *why = setup();
	if (why) {
		test_skip(why);
		return;
	}
	while (kiln_net_read(handle, in, sizeof in, &n) == KILN_OK)
		;
	kiln_handle_set_t ready = 99;
	kiln_time_t t0 = kiln_clock_monotonic();
	kiln_yield(t0 + 50 * MS, &ready);
	CHECK_EQ(ready, 0);
	CHECK(kiln_clock_monotonic() - t0 >= 50 * MS);
	CHECK_EQ(kiln_net_write(handle, in, 13), KILN_EINVAL);
}
