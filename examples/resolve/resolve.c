/* resolve.c: the resolve appliance: looks up each name given as a boot
 * argument with the stub resolver (lib/resolv, include/kiln/resolv.h) and
 * prints one line per name and family:
 *     resolve: NAME A 192.0.2.80 192.0.2.81
 *     resolve: NAME AAAA 2001:db8::80
 *     resolve: NAME A error: name does not exist (NXDOMAIN)
 * then "resolve: done N ok, M failed" and the resolver's counters.
 *
 * Boot arguments: --ipv4=ADDR/PREFIX [--ipv4-gateway=ADDR] (else DHCP);
 * --dns=ADDR (repeatable; else the DNS servers of the DHCP lease);
 * --aaaa to ask for IPv6 addresses too; --timeout-ms=N per name (default
 * 5000); --repeat=N to resolve the list N times (the cache answers the
 * rest). Exit status 0 if every name resolved, 3 if some did not. */
#include <kiln/args.h>
#include <kiln/dhcp.h>
#include <kiln/net.h>
#include <kiln/nettcp.h>
#include <kiln/resolv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct net net;
static struct dhcp_net dhcp;
static struct resolver res;

/* IPv6 text (RFC 5952: lower case, the longest run of zero groups as ::). */
static void format_ipv6(const uint8_t a[16], char *buf, size_t cap)
{
	int best = -1, bestlen = 1, i = 0;
	while (i < 8) {
		int j = i;
		while (j < 8 && a[2 * j] == 0 && a[2 * j + 1] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	size_t n = 0;
	for (i = 0; i < 8 && n < cap; i++) {
		if (i == best) {
			n += (size_t)snprintf(buf + n, cap - n, "::");
			i += bestlen - 1;
			continue;
		}
		n += (size_t)snprintf(buf + n, cap - n, "%s%x",
				      n && buf[n - 1] != ':' ? ":" : "", a[2 * i] << 8 | a[2 * i + 1]);
	}
}

int kiln_main(int argc, char **argv)
{
	unsigned long timeout_ms = args_ulong(argc, argv, "--timeout-ms", 5000);
	unsigned long repeat = args_ulong(argc, argv, "--repeat", 1);
	bool aaaa = args_flag(argc, argv, "--aaaa");
	int ok = 0, failed = 0;

	if (dhcp_net_up(&net, &dhcp, "service", argc, argv) < 0)
		return 1;
	resolv_init(&res, &net);
	if (resolv_servers_from(&res, &dhcp, argc, argv) < 0)
		return 2;
	resolv_set_tcp(&res, net_tcp_open(&net, NULL));
	for (unsigned i = 0; i < res.nservers; i++) {
		char b[16];
		printf("resolve: server %s\n", ipv4_format_addr(res.servers[i], b));
	}
	for (unsigned long round = 0; round < repeat; round++) {
		for (int i = 1; i < argc; i++) {
			const char *name = argv[i];
			if (name[0] == '-')
				continue;
			char line[512];
			size_t n = 0;
			uint32_t a4[DNS_STUB_ADDRS_MAX];
			kiln_time_t dl = kiln_clock_monotonic() + timeout_ms * 1000000ull;
			int k = resolv_ipv4(&res, name, a4, DNS_STUB_ADDRS_MAX, dl);
			n += (size_t)snprintf(line, sizeof(line), "resolve: %s A", name);
			if (k < 0)
				n += (size_t)snprintf(line + n, sizeof(line) - n, " error: %s",
						      resolv_strerror(k));
			for (int j = 0; j < k && n < sizeof(line); j++) {
				char b[16];
				n += (size_t)snprintf(line + n, sizeof(line) - n, " %s",
						      ipv4_format_addr(a4[j], b));
			}
			printf("%s\n", line);
			k < 0 ? failed++ : ok++;
			if (!aaaa)
				continue;
			uint8_t a6[DNS_STUB_ADDRS_MAX][16];
			dl = kiln_clock_monotonic() + timeout_ms * 1000000ull;
			k = resolv_ipv6(&res, name, a6, DNS_STUB_ADDRS_MAX, dl);
			n = (size_t)snprintf(line, sizeof(line), "resolve: %s AAAA", name);
			if (k < 0)
				n += (size_t)snprintf(line + n, sizeof(line) - n, " error: %s",
						      resolv_strerror(k));
			for (int j = 0; j < k && n < sizeof(line); j++) {
				char b[48];
				format_ipv6(a6[j], b, sizeof(b));
				n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", b);
			}
			printf("%s\n", line);
			k < 0 ? failed++ : ok++;
		}
	}
	printf("resolve: done %d ok, %d failed\n", ok, failed);
	printf("resolve: lookups %llu cache_hits %llu udp %llu tcp %llu timeouts %llu "
	       "mismatched %llu truncated %llu server_failed %llu\n",
	       (unsigned long long)res.stats.lookups, (unsigned long long)res.stats.cache_hits,
	       (unsigned long long)res.stats.queries_udp, (unsigned long long)res.stats.queries_tcp,
	       (unsigned long long)res.stats.timeouts, (unsigned long long)res.stats.mismatched,
	       (unsigned long long)res.stats.truncated, (unsigned long long)res.stats.server_failed);
	return failed ? 3 : 0;
}
