/* config_test.c: --ipv4=ADDR/PREFIX and --ipv4-gateway=ADDR boot arguments:
 * accepted forms, and a clear error for each wrong one. */
#include "harness.h"
#include "netstack/netstack_test.h"

#include <kiln/net.h>

static int parse(struct net_config *cfg, char *err, const char *a, const char *b)
{
	char *argv[] = {"app", (char *)a, (char *)b, NULL};
	int argc = b ? 3 : a ? 2 : 1;
	err[0] = 0;
	return net_config_from_args(argc, argv, cfg, err, 128);
}

TEST(address_prefix_and_gateway)
{
	struct net_config cfg;
	char err[128];
	CHECK_EQ(parse(&cfg, err, "--ipv4=10.0.0.2/24", "--ipv4-gateway=10.0.0.1"), 0);
	CHECK(cfg.have_ipv4);
	CHECK_EQ(cfg.addr, 0x0a000002);
	CHECK_EQ(cfg.prefix_len, 24);
	CHECK_EQ(cfg.gateway, 0x0a000001);
	CHECK_EQ(parse(&cfg, err, "--verbose", "--ipv4=192.168.1.9/32"), 0);
	CHECK_EQ(cfg.prefix_len, 32);
	CHECK_EQ(cfg.gateway, 0);
	CHECK_EQ(parse(&cfg, err, "--other", NULL), 0);
	CHECK(!cfg.have_ipv4); /* for DHCP */
}

TEST(each_mistake_has_its_message)
{
	struct net_config cfg;
	char err[128];
	CHECK_EQ(parse(&cfg, err, "--ipv4=10.0.0.2", NULL), -1);
	CHECK(strstr(err, "ADDR/PREFIX") != NULL);
	CHECK_EQ(parse(&cfg, err, "--ipv4=10.0.0.256/24", NULL), -1);
	CHECK(strstr(err, "10.0.0.256/24") != NULL);
	CHECK_EQ(parse(&cfg, err, "--ipv4=10.0.0.2/33", NULL), -1);
	CHECK_EQ(parse(&cfg, err, "--ipv4=10.0.0.2/", NULL), -1);
	CHECK_EQ(parse(&cfg, err, "--ipv4=10.0.0.2/24x", NULL), -1);
	CHECK_EQ(parse(&cfg, err, "--ipv4=0.0.0.0/0", NULL), -1);
	CHECK(strstr(err, "not a host address") != NULL);
	CHECK_EQ(parse(&cfg, err, "--ipv4-gateway=10.0.0.1", NULL), -1);
	CHECK(strstr(err, "needs --ipv4") != NULL);
	CHECK_EQ(parse(&cfg, err, "--ipv4=10.0.0.2/24", "--ipv4-gateway=10.0.1.1"), -1);
	CHECK(strstr(err, "subnet") != NULL);
	CHECK_EQ(parse(&cfg, err, "--ipv4=10.0.0.2/24", "--ipv4-gateway=gw"), -1);
	CHECK_EQ(parse(&cfg, err, "--ipv4=10.0.0.2/24", "--ipv4=10.0.0.3/24"), -1);
	CHECK(strstr(err, "twice") != NULL);
	CHECK_EQ(parse(&cfg, err, "--ipv4", "10.0.0.2/24"), -1);
	CHECK(strstr(err, "needs a value") != NULL);
	/* Control characters from the outside never reach the console. */
	CHECK_EQ(parse(&cfg, err, "--ipv4=10.0\n\033[2J/24", NULL), -1);
	CHECK(strchr(err, '\n') == NULL && strchr(err, '\033') == NULL);
	CHECK(strstr(err, "10.0??[2J/24") != NULL);
}

TEST(configure_applies_the_address)
{
	struct net n;
	struct capture cap = {0};
	struct eth_dev dev = capture_dev(&cap);
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
	struct net_config cfg = {true, 0x0a000002, 24, 0x0a000001};
	net_init(&n, "net0", &dev, mac, 1500);
	CHECK_EQ(net_configure(&n, &cfg), 0);
	CHECK_EQ(n.ip.addr, 0x0a000002);
	CHECK_EQ(n.ip.gateway, 0x0a000001);
	CHECK_EQ(cap.n, 1); /* the gratuitous ARP */
	net_destroy(&n);
	capture_clear(&cap);
}
