/* dns.c: the dns appliance: an authoritative DNS server (lib/dns) for the
 * zones baked into the image from zones/, on UDP and TCP port 53 (lib/dnsd;
 * docs/dns.md).
 *
 * Boot arguments: --ipv4=ADDR/PREFIX [--ipv4-gateway=ADDR] (else DHCP);
 * --zone=KEY[:ORIGIN] (repeatable) to serve only those keys of the image's
 * files (default: every ORIGIN.zone); --tcp-conns=N (TCP connections served
 * at once, default 64); --tcp-idle-ms=N (a TCP connection's idle timeout,
 * default 10000); --quit-after=N (tests: stop after N UDP queries and
 * print the counters; 0 = serve forever).
 * A zone that does not parse prints "dnsd: FILE:LINE: problem" and the
 * appliance exits with status 1. */
#include <kiln/args.h>
#include <kiln/dhcp.h>
#include <kiln/dnsd.h>
#include <kiln/fiber.h>
#include <kiln/net.h>
#include <kiln/nettcp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

KV_BAKED_DECLARE(kiln_files);

static struct net net;
static struct dhcp_net dhcp;
static struct dns_server server;
static struct dns_server_stats server_stats;
static struct dnsd dnsd;

int kiln_main(int argc, char **argv)
{
	struct dnsd_config cfg = {0};
	unsigned long conns = args_ulong(argc, argv, "--tcp-conns", DNSD_TCP_CONNS_DEFAULT);
	unsigned long idle_ms = args_ulong(argc, argv, "--tcp-idle-ms", DNSD_TCP_IDLE_DEFAULT / 1000000);
	unsigned long quit_after = args_ulong(argc, argv, "--quit-after", 0);

	if (conns < 1 || conns > 10000 || idle_ms < 1 || idle_ms > 3600000) {
		printf("dns: --tcp-conns is 1..10000, --tcp-idle-ms 1..3600000\n");
		return 2;
	}
	cfg.tcp_conns = (unsigned)conns;
	cfg.tcp_idle = (kiln_time_t)idle_ms * 1000000ull;
	dns_server_init(&server);
	server.stats = &server_stats;
	int nz = dnsd_load_zones(&server, &kiln_files, argc, argv);
	if (nz < 0)
		return 1;
	if (dhcp_net_up(&net, &dhcp, "service", argc, argv) < 0)
		return 1;
	if (dnsd_udp_start(&dnsd, &server, &cfg, &net.udp, 53) < 0)
		return 1;
	struct tcp_stack *tcp = net_tcp_open(&net, NULL);
	if (!tcp || dnsd_tcp_start(&dnsd, tcp, 53) < 0)
		return 1;
	printf("dns: serving %d zone%s on udp and tcp port 53\n", nz, nz == 1 ? "" : "s");
	if (quit_after == 0)
		fiber_run();
	/* Tests: serve until N UDP queries came (each loop turn handles input). */
	while (dnsd.stats.udp_queries < quit_after)
		fiber_sleep_until(kiln_clock_monotonic() + 10000000ull);
	dnsd_print_stats(&dnsd);
	return 0;
}
