/* bench/loop/poller.c: save-to-answer time of an edit loop, measured by one
 * long-lived HTTP poller.
 *
 *   poller PORT FILE OLD RUNS [SETTLE_MS]
 *
 * Waits until 127.0.0.1:PORT answers a body holding OLD. Then, RUNS times:
 * saves FILE atomically (writes FILE.tmp-poller with every OLD, or the
 * previous run's text, replaced by "edit N", and renames it over FILE),
 * then sends GET / again and again (a fresh connection each, as a browser
 * reload would) until a body holds "edit N"; that time, save to first
 * answer showing the change, is one sample. Between runs it waits
 * SETTLE_MS (default 300) so that each run starts from a settled loop.
 * Prints one line per run ("run N: X.X ms", on stderr) and on stdout
 * "median X.X ms min X.X ms max X.X ms failed-requests F". A request
 * that fails (refused, reset, timeout) is counted and retried after 1 ms.
 * Exit status 1 if a run sees no change within 30 s. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One GET /; the response (up to len-1 bytes) into buf. -1 on failure. */
static int get(int port, char *buf, size_t len)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	static const char req[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t got = 0;

	if (fd < 0)
		return -1;
	struct timeval tv = {.tv_sec = 5};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    send(fd, req, sizeof req - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof req - 1)) {
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, buf + got, len - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == len - 1)
			break;
	}
	close(fd);
	buf[got] = '\0';
	return got > 0 ? 0 : -1;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	static char text[1 << 20];
	size_t n;

	if (!f)
		return NULL;
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	return strdup(text);
}

/* text with every from replaced by to, into a new string. */
static char *replace(const char *text, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	for (const char *p = text; (p = strstr(p, from)); p += fl)
		n++;
	char *out = malloc(strlen(text) + n * tl + 1), *o = out;
	const char *p = text, *q;
	while ((q = strstr(p, from))) {
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, tl);
		o += tl;
		p = q + fl;
	}
	strcpy(o, p);
	return out;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static char resp[65536];
	char tmp[4096], cur[64], next[64];
	long failed = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: poller PORT FILE OLD RUNS [SETTLE_MS]\n");
		return 2;
	}
	int port = atoi(argv[1]), runs = atoi(argv[4]);
	int settle = argc > 5 ? atoi(argv[5]) : 300;
	const char *file = argv[2];
	double *t = calloc((size_t)runs, sizeof *t);

	snprintf(cur, sizeof cur, "%s", argv[3]);
	snprintf(tmp, sizeof tmp, "%s.tmp-poller", file);
	double deadline = now_ms() + 60000;
	while (get(port, resp, sizeof resp) < 0 || !strstr(resp, cur)) {
		if (now_ms() > deadline) {
			fprintf(stderr, "poller: no answer holding '%s' on port %d\n", cur, port);
			return 1;
		}
		usleep(10000);
	}
	for (int i = 0; i < runs; i++) {
		usleep((useconds_t)settle * 1000);
		snprintf(next, sizeof next, "edit %d", i + 1);
		char *text = read_all(file);
		if (!text)
			return 1;
		char *edited = replace(text, cur, next);
		FILE *f = fopen(tmp, "w");
		if (!f || fputs(edited, f) < 0 || fclose(f) != 0)
			return 1;
		double t0 = now_ms();
		if (rename(tmp, file) < 0)
			return 1;
		for (;;) {
			if (get(port, resp, sizeof resp) < 0) {
				failed++;
				usleep(1000);
			} else if (strstr(resp, next))
				break;
			if (now_ms() - t0 > 30000) {
				fprintf(stderr, "poller: run %d: no answer showing '%s' in 30 s\n", i + 1,
					next);
				return 1;
			}
		}
		t[i] = now_ms() - t0;
		fprintf(stderr, "run %d: %.1f ms\n", i + 1, t[i]);
		snprintf(cur, sizeof cur, "%s", next);
		free(text);
		free(edited);
	}
	/* Leave the file as it was. */
	char *text = read_all(file), *orig = replace(text, cur, argv[3]);
	FILE *f = fopen(file, "w");
	if (f) {
		fputs(orig, f);
		fclose(f);
	}
	qsort(t, (size_t)runs, sizeof *t, cmp);
	double med = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
	printf("median %.1f ms min %.1f ms max %.1f ms failed-requests %ld\n", med, t[0],
	       t[runs - 1], failed);
	return 0;
}
