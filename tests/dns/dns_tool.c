/* dns_tool.c: a host program around lib/dns for tests: load a zone, then
 * answer queries from a file or serve them on 127.0.0.1 over UDP and TCP
 * (RFC 1035 4.2) with dns_server_answer(). Not part of any appliance.
 *
 *   dns_tool check ZONEFILE ORIGIN           parse; print the zone canonically
 *   dns_tool answer udp|tcp ZONES...         stdin: one query in hex a line;
 *                                            stdout: the response in hex
 *   dns_tool serve PORT SECONDS ZONES...     serve until SECONDS pass or SIGTERM
 *
 * ZONES is one or more pairs ZONEFILE ORIGIN.
 */
#include <kiln/dns_server.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct dns_zone *load(const char *file, const char *origin)
{
	FILE *f = fopen(file, "rb");
	if (!f) {
		fprintf(stderr, "dns_tool: cannot open %s: %s\n", file, strerror(errno));
		exit(2);
	}
	static char text[4 << 20];
	size_t len = fread(text, 1, sizeof text, f);
	fclose(f);
	struct dns_zone *z;
	char err[512];
	if (dns_zone_parse(file, view_make(text, len), origin, &z, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	return z;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

static int answer_file(const struct dns_server *s, bool tcp)
{
	static char line[2 * 65536 + 16];
	static uint8_t q[65536], out[65536];
	while (fgets(line, sizeof line, stdin)) {
		size_t n = 0;
		for (size_t i = 0; line[i] && hexval(line[i]) >= 0 && hexval(line[i + 1]) >= 0; i += 2)
			q[n++] = (uint8_t)(hexval(line[i]) << 4 | hexval(line[i + 1]));
		size_t r = dns_server_answer(s, view_make(q, n), tcp, out, sizeof out);
		for (size_t i = 0; i < r; i++)
			printf("%02x", out[i]);
		printf("\n");
	}
	return 0;
}

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

/* One TCP connection: framed queries until EOF or a 2 s silence. */
static void serve_tcp(const struct dns_server *s, int c)
{
	static uint8_t buf[65536 + 2], out[65536 + 2];
	size_t have = 0;
	struct timeval tv = {2, 0};
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	for (;;) {
		struct view msg;
		size_t used;
		while (dns_tcp_unframe(view_make(buf, have), &msg, &used)) {
			size_t r = dns_server_answer(s, msg, true, out + 2, sizeof out - 2);
			if (r) {
				out[0] = (uint8_t)(r >> 8);
				out[1] = (uint8_t)r;
				if (write(c, out, r + 2) != (ssize_t)(r + 2))
					return;
			}
			memmove(buf, buf + used, have - used);
			have -= used;
		}
		ssize_t got = read(c, buf + have, sizeof buf - have);
		if (got <= 0)
			return;
		have += (size_t)got;
	}
}

static int serve(const struct dns_server *s, int port, int seconds)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(u, (struct sockaddr *)&a, sizeof a) || bind(t, (struct sockaddr *)&a, sizeof a) ||
	    listen(t, 16)) {
		fprintf(stderr, "dns_tool: cannot bind 127.0.0.1:%d: %s\n", port, strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	time_t end = time(NULL) + seconds;
	static uint8_t q[65536], out[65536];
	while (!stop && time(NULL) < end) {
		struct pollfd p[2] = {{u, POLLIN, 0}, {t, POLLIN, 0}};
		if (poll(p, 2, 200) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(u, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
			if (n > 0) {
				size_t r = dns_server_answer(s, view_make(q, (size_t)n), false, out, sizeof out);
				if (r)
					sendto(u, out, r, 0, (struct sockaddr *)&from, fl);
			}
		}
		if (p[1].revents & POLLIN) {
			int c = accept(t, NULL, NULL);
			if (c >= 0) {
				serve_tcp(s, c);
				close(c);
			}
		}
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: dns_tool check ZONEFILE ORIGIN\n"
			"       dns_tool answer udp|tcp ZONEFILE ORIGIN [ZONEFILE ORIGIN...]\n"
			"       dns_tool serve PORT SECONDS ZONEFILE ORIGIN [ZONEFILE ORIGIN...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct dns_zone *zones[DNS_SERVER_ZONES_MAX];
	unsigned nz = 0;
	struct dns_server s;
	struct dns_server_stats st = {0};
	int first, rc = 0;

	if (argc < 4)
		usage();
	first = strcmp(argv[1], "check") == 0 ? 2 : strcmp(argv[1], "answer") == 0 ? 3 : 4;
	if (argc < first + 2 || (argc - first) % 2 != 0 ||
	    (argc - first) / 2 > DNS_SERVER_ZONES_MAX)
		usage();
	dns_server_init(&s);
	s.stats = &st;
	for (int i = first; i < argc; i += 2) {
		zones[nz] = load(argv[i], argv[i + 1]);
		if (dns_server_add_zone(&s, zones[nz]) != 0) {
			fprintf(stderr, "dns_tool: zone %s given twice\n", argv[i + 1]);
			return 1;
		}
		nz++;
	}
	if (strcmp(argv[1], "check") == 0) {
		size_t n = dns_zone_to_text(zones[0], NULL, 0);
		char *buf = malloc(n + 1);
		dns_zone_to_text(zones[0], buf, n + 1);
		fputs(buf, stdout);
		free(buf);
	} else if (strcmp(argv[1], "answer") == 0) {
		rc = answer_file(&s, strcmp(argv[2], "tcp") == 0);
	} else if (strcmp(argv[1], "serve") == 0) {
		rc = serve(&s, atoi(argv[2]), atoi(argv[3]));
		fprintf(stderr, "dns_tool: %llu queries, %llu noerror, %llu nxdomain, %llu refused, "
				"%llu formerr, %llu notimp, %llu badvers, %llu truncated, %llu dropped\n",
			(unsigned long long)st.queries, (unsigned long long)st.noerror,
			(unsigned long long)st.nxdomain, (unsigned long long)st.refused,
			(unsigned long long)st.formerr, (unsigned long long)st.notimp,
			(unsigned long long)st.badvers, (unsigned long long)st.truncated,
			(unsigned long long)st.dropped);
	} else {
		usage();
	}
	for (unsigned i = 0; i < nz; i++)
		dns_zone_free(zones[i]);
	return rc;
}
