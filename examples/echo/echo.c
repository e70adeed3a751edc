/* echo.c: a UDP echo service (RFC 862) on port 7, as straight-line code.
 *
 * Boot arguments: --ipv4=ADDR/PREFIX [--ipv4-gateway=ADDR] for a fixed
 * address (else DHCP), --count=N to stop after N datagrams (for tests; 0 =
 * forever). A datagram holding exactly "kiln:counters" is answered with the
 * stack's counters, which are also printed on the console; they are printed
 * again when the service stops. */
#include <kiln/args.h>
#include <kiln/dhcp.h>
#include <kiln/net.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_PORT 7
#define LINGER_NS 500000000ull /* ARP's first retry is 1 s away: one answer fits */

static struct net net;
static struct dhcp_net dhcp;
static uint8_t buf[UDP_MAX_PAYLOAD];

/* Appends one counter line to the reply being built in buf. */
struct reply {
	size_t len;
};

static void add_counter(void *ctx, const char *layer, const char *name, uint64_t value,
			const char *what)
{
	struct reply *r = ctx;
	(void)what;
	if (value && r->len < sizeof(buf) - 128)
		r->len += (size_t)snprintf((char *)buf + r->len, sizeof(buf) - r->len,
					   "%s.%s=%llu\n", layer, name, (unsigned long long)value);
}

int kiln_main(int argc, char **argv)
{
	const char *count_arg = args_value(argc, argv, "--count");
	long count = count_arg ? strtol(count_arg, NULL, 10) : 0, served = 0;
	uint32_t from;
	uint16_t port;

	if (dhcp_net_up(&net, &dhcp, "service", argc, argv) < 0)
		return 1;
	struct udp_socket *s = udp_open(&net.udp, ECHO_PORT);
	if (!s) {
		printf("echo: cannot open udp port %d\n", ECHO_PORT);
		return 1;
	}
	printf("echo: serving udp port %d\n", ECHO_PORT);
	while (count == 0 || served < count) {
		long n = udp_recv(s, buf, sizeof(buf), &from, &port, KILN_TIME_NEVER);
		if (n < 0)
			continue;
		if (n == 13 && memcmp(buf, "kiln:counters", 13) == 0) {
			struct reply r = {0};
			net_counters_foreach(&net, add_counter, &r);
			net_print_counters(&net);
			n = (long)r.len;
		}
		udp_send(s, from, port, buf, (size_t)n);
		served++;
	}
	/* The last reply may wait on ARP for its next hop: keep the stack
	 * running a moment (receiving nothing) so it leaves before we stop. */
	udp_recv(s, buf, sizeof(buf), NULL, NULL, kiln_clock_monotonic() + LINGER_NS);
	printf("echo: served %ld datagrams\n", served);
	net_print_counters(&net);
	return 0;
}
