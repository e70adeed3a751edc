/* idleconns.c: a test client for tests/www/idle.sh: opens N TCP connections to IP:PORT, makes one HTTP request on each (keep-alive), then holds them all idle until SIGUSR1 (or the deadline), then closes them all. Bounded: every phase has a deadline. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: idleconns IP PORT N SECONDS\n");
		return 2;
	}
	int n = atoi(argv[3]), limit_s = atoi(argv[4]);
	struct rlimit rl = {(rlim_t)n + 64, (rlim_t)n + 64};
	if (n < 1 || n > 60000 || setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		perror("idleconns: setrlimit");
		return 1;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
	inet_pton(AF_INET, argv[1], &sa.sin_addr);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL); /* taken by sigtimedwait below */
	int *fd = calloc((size_t)n, sizeof(int));
	char *state = calloc((size_t)n, 1); /* 0 connecting, 1 sent, 2 answered */
	int ep = epoll_create1(0), answered = 0, opened = 0;
	double deadline = now() + limit_s;
	static const char req[] = "GET /css/site.css HTTP/1.1\r\nHost: www\r\n\r\n";

	/* Open in waves of 500, so the SYN queue and backlog are not the test. */
	while (answered < n && now() < deadline) {
		while (opened < n && opened - answered < 500) {
			int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (s < 0) {
				perror("idleconns: socket");
				return 1;
			}
			if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
				perror("idleconns: connect");
				return 1;
			}
			struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = (uint32_t)opened};
			epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
			fd[opened++] = s;
		}
		struct epoll_event evs[256];
		int k = epoll_wait(ep, evs, 256, 100);
		for (int i = 0; i < k; i++) {
			uint32_t id = evs[i].data.u32;
			if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
				fprintf(stderr, "idleconns: connection %u failed\n", id);
				return 1;
			}
			if (state[id] == 0 && (evs[i].events & EPOLLOUT)) {
				if (write(fd[id], req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1)
					return perror("idleconns: write"), 1;
				state[id] = 1;
				struct epoll_event ev = {.events = EPOLLIN, .data.u32 = id};
				epoll_ctl(ep, EPOLL_CTL_MOD, fd[id], &ev);
			} else if (state[id] == 1 && (evs[i].events & EPOLLIN)) {
				char buf[2048];
				ssize_t r = read(fd[id], buf, sizeof(buf));
				/* The whole response (423-byte body) comes in one read. */
				if (r <= 12 || memcmp(buf, "HTTP/1.1 200", 12) != 0) {
					fprintf(stderr, "idleconns: bad answer on %u\n", id);
					return 1;
				}
				state[id] = 2;
				answered++;
				epoll_ctl(ep, EPOLL_CTL_DEL, fd[id], NULL);
			}
		}
	}
	printf("held %d\n", answered);
	fflush(stdout);
	if (answered < n)
		return 1;
	/* Hold until told (SIGUSR1) or the deadline. */
	double left = deadline - now();
	struct timespec ts = {(time_t)(left > 0 ? left : 0), 0};
	sigtimedwait(&usr1, NULL, &ts);
	for (int i = 0; i < n; i++)
		close(fd[i]);
	printf("closed %d\n", n);
	return 0;
}
