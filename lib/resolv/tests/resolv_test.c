/* resolv_test.c: lib/resolv's configuration (include/kiln/resolv.h): servers
 * from --dns boot arguments or the DHCP lease, limits, and the error texts.
 * Lookups over the network are tested by tests/dns/resolver.sh (dnsmasq). */
#include "harness.h"

#include <kiln/resolv.h>

#include <string.h>

static struct net net;
static struct dhcp_net dhcp;

TEST(servers_from_dhcp_lease)
{
	struct resolver r;
	char *argv[] = {"t", "--ipv4=10.0.0.2/24", NULL};
	resolv_init(&r, &net);
	memset(&dhcp, 0, sizeof(dhcp));
	dhcp.client.lease.dns[0] = 0x0a000001;
	dhcp.client.lease.dns[1] = 0x0a000002;
	dhcp.client.lease.dns_count = 2;
	CHECK_EQ(resolv_servers_from(&r, &dhcp, 2, argv), 2);
	CHECK_EQ(r.servers[0], 0x0a000001u);
	CHECK_EQ(r.servers[1], 0x0a000002u);
}

TEST(dns_arguments_replace_dhcp)
{
	struct resolver r;
	char *argv[] = {"t", "--dns=192.0.2.53", "x", "--dns=192.0.2.54", NULL};
	resolv_init(&r, &net);
	dhcp.client.lease.dns[0] = 0x0a000001;
	dhcp.client.lease.dns_count = 1;
	CHECK_EQ(resolv_servers_from(&r, &dhcp, 4, argv), 2);
	CHECK_EQ(r.servers[0], 0xc0000235u);
	CHECK_EQ(r.servers[1], 0xc0000236u);
}

TEST(bad_dns_argument_and_limit)
{
	struct resolver r;
	char *bad[] = {"t", "--dns=nameserver", NULL};
	resolv_init(&r, &net);
	CHECK_EQ(resolv_servers_from(&r, NULL, 2, bad), -1);
	for (unsigned i = 0; i < RESOLV_SERVERS_MAX; i++)
		CHECK_EQ(resolv_add_server(&r, i + 1), 0);
	CHECK_EQ(resolv_add_server(&r, 99), -1);
	CHECK_EQ(r.nservers, (unsigned)RESOLV_SERVERS_MAX);
}

TEST(lookup_errors_before_the_network)
{
	struct resolver r;
	uint32_t a[2];
	resolv_init(&r, &net);
	CHECK_EQ(resolv_ipv4(&r, "web.example.test", a, 2, 0), RESOLV_ENOSERVER);
	CHECK_EQ(resolv_ipv4(&r, "a..b", a, 2, 0), RESOLV_EINVAL);
	CHECK_STR(resolv_strerror(RESOLV_ENXDOMAIN), "name does not exist (NXDOMAIN)");
	CHECK(strstr(resolv_strerror(RESOLV_ETIMEDOUT), "in time") != NULL);
	CHECK(strstr(resolv_strerror(RESOLV_ESERVFAIL), "SERVFAIL") != NULL);
}
