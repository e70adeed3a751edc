/* udp_echo.c: the Linux peer for bench/net: a UDP echo server on kernel
 * sockets, batching with recvmmsg/sendmmsg as a tuned Linux service would.
 *
 *   udp_echo PORT [SECONDS]     (exits after SECONDS, default 60: loads are bounded)
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 32

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: udp_echo PORT [SECONDS]\n");
		return 2;
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("udp_echo: bind");
		return 1;
	}
	time_t end = time(NULL) + (argc > 2 ? atoi(argv[2]) : 60);
	static char bufs[BATCH][2048];
	struct sockaddr_in from[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];

	while (time(NULL) < end) {
		struct pollfd p = {s, POLLIN, 0};
		if (poll(&p, 1, 200) <= 0)
			continue;
		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		int n = recvmmsg(s, msgs, BATCH, MSG_DONTWAIT, NULL);
		for (int i = 0; i < n; i++)
			iov[i].iov_len = msgs[i].msg_len;
		if (n > 0)
			sendmmsg(s, msgs, (unsigned)n, 0);
	}
	return 0;
}
