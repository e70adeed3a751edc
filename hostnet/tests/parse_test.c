/* parse_test.c: --port-forward and --net-impair take plain decimal numbers
 * only: strtoul's leading blanks and signs ("+80", " 80", "seed:-1") are
 * refused, so what is accepted is what the error message describes. */
#include "harness.h"

#include "hostnet.h"

TEST(forward_ports_are_plain_decimal)
{
	struct hostnet_options o = {0};
	char err[200];
	CHECK(hostnet_parse_forward("tcp:8080:80", &o, err, sizeof err));
	CHECK_EQ(o.forward_count, 1u);
	CHECK_EQ(o.forwards[0].host_port, 8080);
	static const char *bad[] = {"+8080:80", " 8080:80", "8080:+80", "8080: 80", "tcp: 80:80",
				    "8080:-80", "-0:80", "8080:", ":80", "0:80", "65536:80"};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		CHECK(!hostnet_parse_forward(bad[i], &o, err, sizeof err));
		CHECK(err[0] != '\0');
	}
	CHECK_EQ(o.forward_count, 1u);
}

TEST(impair_seed_is_plain_decimal)
{
	struct hostnet_options o = {0};
	char err[200];
	CHECK(hostnet_parse_impair("loss:1,seed:42", &o, err, sizeof err));
	CHECK_EQ(o.impair.seed, 42u);
	static const char *bad[] = {"seed:-1", "seed:+1", "seed: 1", "seed:", "seed:1x"};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(!hostnet_parse_impair(bad[i], &o, err, sizeof err));
	CHECK_EQ(o.impair.seed, 42u);
}
