/* mac_test.c: default MACs are stable, distinct per device, unicast and
 * locally administered; --net-mac values parse or are refused. */
#include "harness.h"

#include "hostnet.h"

TEST(default_mac_is_stable_and_distinct)
{
	uint8_t a[6], b[6], c[6], d[6];
	hostnet_default_mac("echo", "service", "tap0", a);
	hostnet_default_mac("echo", "service", "tap0", b);
	CHECK_MEM(a, b, 6);
	hostnet_default_mac("echo", "service", "tap1", c);
	CHECK(memcmp(a, c, 6) != 0);
	hostnet_default_mac("echo", "servicetap0", "", d); /* no ambiguity by concatenation */
	CHECK(memcmp(a, d, 6) != 0);
	CHECK_EQ(a[0] & 3, 2); /* locally administered, unicast */
	CHECK_EQ(c[0] & 3, 2);
}

TEST(mac_values)
{
	uint8_t m[6];
	CHECK(hostnet_parse_mac("02:00:5e:10:aB:Ff", m));
	CHECK_EQ(m[4], 0xab);
	CHECK_EQ(m[5], 0xff);
	CHECK(!hostnet_parse_mac("01:00:5e:10:00:01", m)); /* multicast */
	CHECK(!hostnet_parse_mac("02:00:5e:10:00", m));
	CHECK(!hostnet_parse_mac("02-00-5e-10-00-01", m));
	CHECK(!hostnet_parse_mac("02:00:5e:10:00:0g", m));
}
