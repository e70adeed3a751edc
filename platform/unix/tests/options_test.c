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
	CHECK_STR(err, "--block:service=f: 'service' is a net device: give --net:service=TAPDEV");
	CHECK_EQ(PARSE(&two, "--net:service=a", "--net:service=b"), -1);
	CHECK_STR(err, "--net:service=b: device 'service' is given twice");
	CHECK_EQ(PARSE(&two, "--net:service"), -1);
	CHECK_STR(err, "--net:service: expected --net:NAME=TAPDEV");
	CHECK_EQ(PARSE(&two, "--net:=tap0"), -1);
	CHECK_STR(err, "--net:=tap0: expected --net:NAME=TAPDEV");
}
