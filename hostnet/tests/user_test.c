/* user_test.c: user-mode networking carries a UDP datagram from a host
 * socket on 127.0.0.1, through a port forward, to a fake guest and back;
 * pcap captures it; --port-forward values parse or fail clearly. */
#include "harness.h"

#include "hostnet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const uint8_t guest_mac[6] = {0x02, 0x6b, 0x69, 0x6c, 0x6e, 0x01};
static const uint8_t guest_ip[4] = {10, 0, 2, 15};

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t x) { p[0] = x >> 8; p[1] = (uint8_t)x; }

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += be16(p + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A free UDP port on 127.0.0.1 (bound, read back, released). */
static uint16_t free_udp_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(a);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	bind(s, (struct sockaddr *)&a, sizeof(a));
	getsockname(s, (struct sockaddr *)&a, &l);
	close(s);
	return ntohs(a.sin_port);
}

/* The fake guest: answer ARP for 10.0.2.15, echo UDP to port 7. Returns
 * true once it has echoed a datagram. */
static bool guest_step(struct hostnet *net, int *echoed)
{
	uint8_t f[HOSTNET_MAX_FRAME], out[HOSTNET_MAX_FRAME];
	ssize_t n;

	while ((n = hostnet_read(net, f, sizeof(f))) > 0) {
		if (n >= 42 && be16(f + 12) == 0x0806 && be16(f + 20) == 1 &&
		    memcmp(f + 38, guest_ip, 4) == 0) {
			memcpy(out, f + 6, 6); /* to the asker */
			memcpy(out + 6, guest_mac, 6);
			memcpy(out + 12, f + 12, 8); /* type, htype, ptype, sizes */
			put16(out + 20, 2); /* reply */
			memcpy(out + 22, guest_mac, 6);
			memcpy(out + 28, guest_ip, 4);
			memcpy(out + 32, f + 22, 10); /* asker's MAC and IP */
			hostnet_write(net, out, 42);
		} else if (n >= 42 && be16(f + 12) == 0x0800 && f[23] == 17 &&
			   be16(f + 36) == 7) {
			size_t iplen = be16(f + 16);
			memcpy(out, f + 6, 6);
			memcpy(out + 6, guest_mac, 6);
			memcpy(out + 12, f + 12, 2 + iplen);
			memcpy(out + 26, f + 30, 4); /* swap addresses */
			memcpy(out + 30, f + 26, 4);
			out[22] = 64;
			out[24] = out[25] = 0;
			put16(out + 24, ip_checksum(out + 14, 20));
			memcpy(out + 34, f + 36, 2); /* swap ports */
			memcpy(out + 36, f + 34, 2);
			out[40] = out[41] = 0; /* no UDP checksum: allowed over IPv4 */
			hostnet_write(net, out, 14 + iplen);
			(*echoed)++;
		}
	}
	return *echoed > 0;
}

TEST(udp_echo_through_port_forward)
{
	struct hostnet_options opts = {0};
	char err[256], path[] = "/tmp/kiln-hostnet-XXXXXX";
	uint16_t port = free_udp_port();
	char spec[32];
	int fd = mkstemp(path), echoed = 0;
	close(fd);

	snprintf(spec, sizeof(spec), "udp:%u:7", port);
	CHECK(hostnet_parse_forward(spec, &opts, err, sizeof(err)));
	opts.pcap = hostnet_pcap_open(path, err, sizeof(err));
	CHECK(opts.pcap != NULL);
	struct hostnet *net = hostnet_open("user", guest_mac, &opts, err, sizeof(err));
	CHECK(net != NULL);

	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {0, 1000};
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	CHECK(sendto(s, "kiln", 4, 0, (struct sockaddr *)&to, sizeof(to)) == 4);

	char back[16];
	ssize_t got = -1;
	for (int i = 0; i < 400 && got < 0; i++) { /* at most ~4 s */
		hostnet_wait(&net, 1, 10 * 1000000);
		guest_step(net, &echoed);
		got = recv(s, back, sizeof(back), MSG_DONTWAIT);
	}
	CHECK_EQ(echoed, 1);
	CHECK_EQ(got, 4);
	CHECK_MEM(back, "kiln", 4);
	struct hostnet_stats st = hostnet_stats(net);
	CHECK(st.rx_frames >= 2 && st.tx_frames >= 2); /* ARP + UDP each way */
	close(s);
	hostnet_close(net);
	fclose(opts.pcap);

	/* The capture: a pcap header and one record per frame each way. */
	FILE *f = fopen(path, "rb");
	uint32_t hdr[6], rec[4];
	CHECK(f && fread(hdr, sizeof(hdr), 1, f) == 1);
	CHECK_EQ(hdr[0], 0xa1b2c3d4);
	CHECK_EQ(hdr[5], 1);
	unsigned records = 0;
	while (fread(rec, sizeof(rec), 1, f) == 1 && fseek(f, rec[2], SEEK_CUR) == 0)
		records++;
	fclose(f);
	unlink(path);
	CHECK_EQ(records, st.rx_frames + st.tx_frames);
}

TEST(wait_times_out_when_idle)
{
	char err[256];
	struct hostnet *net = hostnet_open("user", guest_mac, NULL, err, sizeof(err));
	CHECK(net != NULL);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	uint64_t ready = hostnet_wait(&net, 1, 50 * 1000000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	hostnet_close(net);
	CHECK_EQ(ready, 0);
	CHECK(ms >= 45 && ms < 1000);
}

TEST(port_forward_values)
{
	struct hostnet_options o = {0};
	char err[256];
	CHECK(hostnet_parse_forward("8080:80", &o, err, sizeof(err)));
	CHECK(o.forwards[0].tcp && o.forwards[0].udp);
	CHECK_EQ(o.forwards[0].host_port, 8080);
	CHECK_EQ(o.forwards[0].guest_port, 80);
	CHECK(hostnet_parse_forward("tcp:1:2", &o, err, sizeof(err)));
	CHECK(o.forwards[1].tcp && !o.forwards[1].udp);
	CHECK(!hostnet_parse_forward("8080", &o, err, sizeof(err)));
	CHECK(strstr(err, "HOSTPORT:GUESTPORT") != NULL);
	CHECK(!hostnet_parse_forward("70000:80", &o, err, sizeof(err)));
	CHECK(!hostnet_parse_forward("sctp:1:2", &o, err, sizeof(err)));
	CHECK(!hostnet_parse_forward("1:2x", &o, err, sizeof(err)));
	CHECK_EQ(o.forward_count, 2);
}

TEST(missing_tap_is_a_clear_error)
{
	char err[256];
	struct hostnet *net = hostnet_open("this-name-is-too-long-for-a-tap", guest_mac, NULL,
					   err, sizeof(err));
	CHECK(net == NULL);
	CHECK(strstr(err, "must be 1-15 characters") != NULL);
}
