/* bench/loop/plain.c: the floor of bench/loop: a plain C HTTP server, one
 * file, rebuilt with one cc command and restarted by a shell loop. It
 * answers every request with its greeting and closes.
 *
 *   plain PORT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char greeting[] = "Hello from plain!\n";

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	char buf[4096], head[256];
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_port = htons((uint16_t)atoi(argc > 1 ? argv[1] : "8080"));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 128) < 0) {
		perror("plain");
		return 1;
	}
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		if (read(c, buf, sizeof buf) > 0) {
			int n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
					 "Connection: close\r\n\r\n", strlen(greeting));
			if (write(c, head, (size_t)n) < 0 || write(c, greeting, strlen(greeting)) < 0)
				perror("plain: write");
		}
		close(c);
	}
}
