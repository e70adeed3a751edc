/* options_test.c: the unix appliance's platform options checked against a
 * manifest (platform/unix/options.c, docs/config.md). */
#include <string.h>

#include "harness.h"
#include "unix.h"

static const struct kiln_manifest two = {
	.count = 2,
	.dev = {{.name = "service", .type = KILN_DEVICE_NET},
		{.name = "disk", .type = KILN_DEVICE_BLOCK}},
};
static const struct kiln_manifest none = {.count = 0};
static struct unix_options o;
static char err[512];

#define PARSE(m, ...)                                                          \
	({                                                                     \
		char *argv_[] = {"app.unix", __VA_ARGS__, NULL};               \
		err[0] = '\0';                                                 \
		unix_options_parse((int)(sizeof argv_ / sizeof argv_[0]) - 1,  \
				   argv_, (m), &o, err, sizeof err);           \
	})

TEST(devices_and_boot_args)
{
	CHECK_EQ(PARSE(&two, "--block:disk=d.img", "--net:service=tap0", "--exit=3", "x"), 0);
	CHECK_EQ(o.ndev, 2);
	CHECK_EQ(o.dev[0].type, KILN_DEVICE_BLOCK);
	CHECK_EQ(o.dev[0].name_len, 4);
	CHECK(strncmp(o.dev[0].name, "disk", 4) == 0);
	CHECK_STR(o.dev[0].value, "d.img");
	CHECK_STR(o.dev[1].value, "tap0");
	CHECK_EQ(o.first_arg, 3); /* --exit=3 is the first boot argument */
	CHECK(!o.help);
}

TEST(double_dash_ends_options)
{
	CHECK_EQ(PARSE(&none, "--", "--net:x=y", "--help"), 0);
	CHECK_EQ(o.ndev, 0);
	CHECK_EQ(o.first_arg, 2);
	CHECK(!o.help);
	CHECK_EQ(PARSE(&none, "plain", "--net:x=y"), 0);
	CHECK_EQ(o.first_arg, 1);
}

TEST(help_needs_no_devices)
{
	CHECK_EQ(PARSE(&two, "--help"), 0);
	CHECK(o.help);
}

TEST(missing_device)
{
	CHECK_EQ(PARSE(&two, "--net:service=tap0"), -1);
	CHECK_STR(err, "block device 'disk' is declared in kiln.conf but not given: "
		       "add --block:disk=FILE");
}

TEST(undeclared_device)
{
	CHECK_EQ(PARSE(&two, "--net:service=t", "--block:disk=f", "--net:extra=t2"), -1);
	CHECK_STR(err, "--net:extra=t2: the appliance declares no device 'extra' (declared: "
		       "service (net), disk (block))");
	CHECK_EQ(PARSE(&none, "--block:disk=f"), -1);
	CHECK_STR(err, "--block:disk=f: the appliance declares no device 'disk' (it declares none)");
	/* a prefix of a declared name is not that name */
	CHECK_EQ(PARSE(&two, "--net:serv=t"), -1);
	CHECK(strstr(err, "declares no device 'serv'") != NULL);
}

TEST(wrong_type_twice_and_syntax)
{
	CHECK_EQ(PARSE(&two, "--block:service=f"), -1);
	CHECK_STR(err, "--block:service=f: 'service' is a net device: give --net:service=TAPDEV|user");
	CHECK_EQ(PARSE(&two, "--net:service=a", "--net:service=b"), -1);
	CHECK_STR(err, "--net:service=b: device 'service' is given twice");
	CHECK_EQ(PARSE(&two, "--net:service"), -1);
	CHECK_STR(err, "--net:service: expected --net:NAME=TAPDEV|user");
	CHECK_EQ(PARSE(&two, "--net:=tap0"), -1);
	CHECK_STR(err, "--net:=tap0: expected --net:NAME=TAPDEV|user");
}

static const struct kiln_manifest blockonly = {
	.count = 1,
	.dev = {{.name = "disk", .type = KILN_DEVICE_BLOCK}},
};

TEST(network_options_are_kept_for_the_net_devices)
{
	CHECK_EQ(PARSE(&two, "--net:service=user", "--port-forward=udp:5353:53",
		       "--pcap=x.pcap", "--port-forward=8080:80", "--block:disk=f",
		       "--net-impair=loss:1,seed:3", "arg"), 0);
	CHECK_EQ(o.nforward, 2);
	CHECK_STR(o.forward[0], "udp:5353:53");
	CHECK_STR(o.forward[1], "8080:80");
	CHECK_STR(o.pcap, "x.pcap");
	CHECK_STR(o.impair, "loss:1,seed:3");
	CHECK_EQ(o.first_arg, 7);
	CHECK(!o.no_offload);
	/* --pcap and --net-impair work on a tap too */
	CHECK_EQ(PARSE(&two, "--net:service=tap0", "--block:disk=f", "--pcap=y"), 0);
	CHECK_STR(o.pcap, "y");
	CHECK_EQ(PARSE(&two, "--net:service=tap0", "--block:disk=f", "--net-no-offload"), 0);
	CHECK(o.no_offload);
	CHECK_EQ(PARSE(&blockonly, "--block:disk=f", "--net-no-offload"), -1);
	CHECK_STR(err, "--net-no-offload: the appliance declares no net device");
}

TEST(network_option_errors)
{
	CHECK_EQ(PARSE(&two, "--net:service=tap0", "--block:disk=f", "--port-forward=1:2"), -1);
	CHECK_STR(err, "--port-forward=1:2: forwards go to user-mode networking; give a net "
		       "device as --net:NAME=user");
	CHECK_EQ(PARSE(&blockonly, "--block:disk=f", "--pcap=x"), -1);
	CHECK_STR(err, "--pcap: the appliance declares no net device");
	CHECK_EQ(PARSE(&two, "--pcap=a", "--pcap=b"), -1);
	CHECK_STR(err, "--pcap=b: given twice");
	CHECK_EQ(PARSE(&two, "--pcap="), -1);
	CHECK_STR(err, "--pcap=: empty value");
	CHECK_EQ(PARSE(&two, "--net-impair", "x"), -1);
	CHECK_STR(err, "--net-impair: give its value after '=' (--net-impair=VALUE)");
	CHECK_EQ(PARSE(&two, "--port-forward=1:1", "--port-forward=2:2", "--port-forward=3:3",
		       "--port-forward=4:4", "--port-forward=5:5", "--port-forward=6:6",
		       "--port-forward=7:7", "--port-forward=8:8", "--port-forward=9:9",
		       "--port-forward=10:10", "--port-forward=11:11", "--port-forward=12:12",
		       "--port-forward=13:13", "--port-forward=14:14", "--port-forward=15:15",
		       "--port-forward=16:16", "--port-forward=17:17"), -1);
	CHECK_STR(err, "--port-forward=17:17: at most 16 port forwards");
}

TEST(net_mac_options)
{
	CHECK_EQ(PARSE(&two, "--net:service=user", "--block:disk=f",
		       "--net-mac:service=02:00:00:00:00:07"), 0);
	CHECK_EQ(o.nmac, 1);
	CHECK_EQ(o.mac[0].name_len, 7);
	CHECK_STR(o.mac[0].value, "02:00:00:00:00:07");
	CHECK_EQ(PARSE(&two, "--net:service=user", "--block:disk=f", "--net-mac:disk=02:00:00:00:00:07"), -1);
	CHECK_STR(err, "--net-mac:disk=02:00:00:00:00:07: the appliance declares no net device 'disk'");
	CHECK_EQ(PARSE(&two, "--net-mac:service=a", "--net-mac:service=b"), -1);
	CHECK_STR(err, "--net-mac:service=b: given twice");
	CHECK_EQ(PARSE(&two, "--net-mac:service"), -1);
	CHECK_STR(err, "--net-mac:service: expected --net-mac:NAME=MAC");
}
