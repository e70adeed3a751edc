/* udp_load.c: a bounded UDP echo load: requests/s and round-trip percentiles.
 *
 *   udp_load ADDR PORT [--seconds S] [--window W] [--size B]
 *
 * Keeps W requests in flight (each a sequence number and a send time in its
 * first 16 bytes), for S seconds (default 5; at most 60). Prints one line:
 *   requests/s N  rtt_us p50 N p99 N  sent N received N
 * Lost datagrams are re-sent after 200 ms so the window never stalls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_WINDOW 256
#define MAX_SAMPLES 4000000

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned seconds = 5, window = 16, size = 64;
	struct sockaddr_in to = {.sin_family = AF_INET};

	if (argc < 3 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: udp_load ADDR PORT [--seconds S] [--window W] [--size B]\n");
		return 2;
	}
	to.sin_port = htons((uint16_t)atoi(argv[2]));
	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seconds"))
			seconds = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--window"))
			window = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--size"))
			size = (unsigned)atoi(argv[i + 1]);
	}
	if (seconds < 1 || seconds > 60 || window < 1 || window > MAX_WINDOW || size < 16 ||
	    size > 1472) {
		fprintf(stderr, "udp_load: seconds 1-60, window 1-%d, size 16-1472\n", MAX_WINDOW);
		return 2;
	}
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("udp_load: socket");
		return 1;
	}
	uint32_t *rtt = malloc(MAX_SAMPLES * sizeof(uint32_t));
	uint64_t sent_at[MAX_WINDOW] = {0}, seq_of[MAX_WINDOW] = {0};
	uint64_t sent = 0, received = 0, nsamples = 0, seq = 0;
	uint8_t buf[1500] = {0};
	uint64_t start = now_ns(), end = start + (uint64_t)seconds * 1000000000;

	for (unsigned w = 0; w < window; w++)
		sent_at[w] = 0; /* slot free: send at once */
	while (now_ns() < end) {
		uint64_t t = now_ns();
		for (unsigned w = 0; w < window; w++)
			if (sent_at[w] == 0 || t - sent_at[w] > 200000000) {
				seq_of[w] = ++seq;
				memcpy(buf, &seq_of[w], 8);
				memcpy(buf + 8, &w, sizeof(w));
				if (send(s, buf, size, 0) == (ssize_t)size) {
					sent_at[w] = t;
					sent++;
				}
			}
		struct pollfd p = {s, POLLIN, 0};
		poll(&p, 1, 10);
		ssize_t n;
		while ((n = recv(s, buf, sizeof(buf), 0)) >= 16) {
			uint64_t q;
			unsigned w;
			memcpy(&q, buf, 8);
			memcpy(&w, buf + 8, sizeof(w));
			if (w >= window || seq_of[w] != q || sent_at[w] == 0)
				continue; /* a late or duplicated echo */
			uint64_t d = now_ns() - sent_at[w];
			if (nsamples < MAX_SAMPLES)
				rtt[nsamples++] = (uint32_t)(d / 1000);
			received++;
			sent_at[w] = 0;
			seq_of[w] = ++seq;
			memcpy(buf, &seq_of[w], 8);
			memcpy(buf + 8, &w, sizeof(w));
			if (send(s, buf, size, 0) == (ssize_t)size) {
				sent_at[w] = now_ns();
				sent++;
			}
		}
	}
	double secs = (double)(now_ns() - start) / 1e9;
	qsort(rtt, nsamples, sizeof(uint32_t), cmp_u32);
	printf("requests/s %.0f  rtt_us p50 %u p99 %u  sent %llu received %llu\n",
	       (double)received / secs, nsamples ? rtt[nsamples / 2] : 0,
	       nsamples ? rtt[nsamples * 99 / 100] : 0, (unsigned long long)sent,
	       (unsigned long long)received);
	free(rtt);
	return received ? 0 : 1;
}
