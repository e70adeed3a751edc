/* config_test.c: the kiln.conf parser (tools/kiln/config.c, docs/config.md). */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "kiln.h"

static struct kiln_conf conf;
static char err[KILN_ERR_MAX];

static int parse(const char *text)
{
	err[0] = '\0';
	return conf_parse(&conf, "app/kiln.conf", text, err, sizeof err);
}

TEST(minimal)
{
	CHECK_EQ(parse("name = hello\n"), 0);
	CHECK_STR(conf.name, "hello");
	CHECK_EQ(conf.ndev, 0);
	CHECK_EQ(conf.nlib, 0);
	CHECK_EQ(conf.mem_mib, KILN_MEM_DEFAULT);
}

TEST(full)
{
	CHECK_EQ(parse("# a comment\n"
		       "\n"
		       "  name=www2   # trailing comment\n"
		       "net = service\n"
		       "block\t=\tstorage\r\n"
		       "net = admin\n"
		       "libs = udp  tcp\n"
		       "libs = http udp\n"
		       "mem = 64"),
		 0);
	CHECK_STR(conf.name, "www2");
	CHECK_EQ(conf.ndev, 3);
	CHECK_STR(conf.dev[0].name, "service");
	CHECK_EQ(conf.dev[0].type, CONF_NET);
	CHECK_EQ(conf.dev[0].line, 4);
	CHECK_STR(conf.dev[1].name, "storage");
	CHECK_EQ(conf.dev[1].type, CONF_BLOCK);
	CHECK_STR(conf.dev[2].name, "admin");
	CHECK_EQ(conf.nlib, 3); /* udp named twice counts once */
	CHECK_STR(conf.lib[0].name, "udp");
	CHECK_STR(conf.lib[2].name, "http");
	CHECK_EQ(conf.lib[2].line, 8);
	CHECK_EQ(conf.mem_mib, 64);
}

TEST(unknown_key_names_file_line_and_known_keys)
{
	CHECK_EQ(parse("name = hello\n\nnett = service\n"), -1);
	CHECK_STR(err, "app/kiln.conf:3: unknown key 'nett' (known: name, net, block, libs, mem, forward, files, cflags, ldflags, sources)");
}

TEST(missing_name)
{
	CHECK_EQ(parse("net = a\n"), -1);
	CHECK(strstr(err, "app/kiln.conf:1: no 'name = ...' line") == err);
	CHECK_EQ(parse(""), -1);
	CHECK(strncmp(err, "app/kiln.conf:1:", 16) == 0);
}

TEST(bad_names)
{
	CHECK_EQ(parse("name = hello-world_2\n"), 0);
	CHECK_EQ(parse("name = hello.world\n"), -1);
	CHECK_STR(err, "app/kiln.conf:1: bad name 'hello.world': only letters, digits, '-' and '_' "
		  "are allowed");
	CHECK_EQ(parse("name = -x\n"), -1);
	CHECK_EQ(parse("name = a b\n"), -1);
	CHECK(strstr(err, "app/kiln.conf:1: bad name 'a b': ") == err);
	/* 67 characters is the limit (hvt manifest names), 68 is too many */
	char text[128];
	snprintf(text, sizeof text, "name = %.67s\n",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CHECK_EQ(parse(text), 0);
	snprintf(text, sizeof text, "name = %.68s\n",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CHECK_EQ(parse(text), -1);
	CHECK(strstr(err, "longer than 67") != NULL);
	CHECK_EQ(parse("name = x\nnet = eth_0\n"), -1);
	CHECK_STR(err, "app/kiln.conf:2: bad net device name 'eth_0': only letters and digits are allowed");
	CHECK_EQ(parse("name = x\nblock = a b\n"), -1);
	CHECK_STR(err, "app/kiln.conf:2: one device per 'block' line ('a b' has spaces)");
	CHECK_EQ(parse("name = x\nlibs = core Tcp\n"), -1);
	CHECK(strstr(err, "app/kiln.conf:2: bad library name 'Tcp'") == err);
}

TEST(duplicates)
{
	CHECK_EQ(parse("name = x\nnet = a\nblock = a\n"), -1);
	CHECK_STR(err, "app/kiln.conf:3: duplicate device name 'a' (first declared on line 2)");
	CHECK_EQ(parse("name = x\nname = y\n"), -1);
	CHECK_STR(err, "app/kiln.conf:2: 'name' given twice (first on line 1)");
	CHECK_EQ(parse("name = x\nmem = 8\nmem = 8\n"), -1);
	CHECK_STR(err, "app/kiln.conf:3: 'mem' given twice (first on line 2)");
}

TEST(syntax)
{
	CHECK_EQ(parse("name = x\nnet service\n"), -1);
	CHECK_STR(err, "app/kiln.conf:2: expected 'key = value', got 'net service'");
	CHECK_EQ(parse("name = x\nnet =\n"), -1);
	CHECK_STR(err, "app/kiln.conf:2: empty value for 'net'");
	CHECK_EQ(parse("name = x\n = y\n"), -1);
	CHECK_STR(err, "app/kiln.conf:2: missing key before '='");
	CHECK_EQ(parse("name = x\nnet = a # b = c\n"), 0);
	CHECK_STR(conf.dev[0].name, "a");
}

TEST(mem_bounds)
{
	CHECK_EQ(parse("name = x\nmem = 2\n"), 0);
	CHECK_EQ(conf.mem_mib, 2);
	CHECK_EQ(parse("name = x\nmem = 4096\n"), 0);
	CHECK_EQ(parse("name = x\nmem = 1\n"), -1);
	CHECK_STR(err, "app/kiln.conf:2: bad mem '1': a whole number of MiB from 2 to 4096");
	CHECK_EQ(parse("name = x\nmem = 4097\n"), -1);
	CHECK_EQ(parse("name = x\nmem = 32M\n"), -1);
	CHECK_EQ(parse("name = x\nmem = -3\n"), -1);
	CHECK_EQ(parse("name = x\nmem = 99999999999999999999999\n"), -1);
}

TEST(device_limit)
{
	static char text[64 * 16];
	size_t used = (size_t)snprintf(text, sizeof text, "name = x\n");
	for (int i = 0; i < KILN_CONF_MAX_DEVICES; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "net = n%d\n", i);
	CHECK_EQ(parse(text), 0);
	CHECK_EQ(conf.ndev, KILN_CONF_MAX_DEVICES);
	snprintf(text + used, sizeof text - used, "block = last\n");
	CHECK_EQ(parse(text), -1);
	CHECK_STR(err, "app/kiln.conf:65: more than 63 devices");
}

TEST(long_line)
{
	static char text[KILN_CONF_LINE_MAX + 64];
	memset(text, 'a', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	CHECK_EQ(parse(text), -1);
	CHECK_STR(err, "app/kiln.conf:1: line longer than 4096 bytes");
}

TEST(load_missing_file)
{
	CHECK_EQ(conf_load(&conf, "/nonexistent/kiln.conf", err, sizeof err), -1);
	CHECK(strstr(err, "/nonexistent/kiln.conf: no such file") == err);
}

TEST(forwards)
{
	CHECK_EQ(parse("name = echo\nnet = service\nforward = udp:5353:53\n"
		       "forward = 8080:80\nforward = tcp:5353:53\n"),
		 0);
	CHECK_EQ(conf.nforward, 3);
	CHECK_STR(conf.forward[0].spec, "udp:5353:53");
	CHECK(conf.forward[0].udp && !conf.forward[0].tcp);
	CHECK_EQ(conf.forward[0].host_port, 5353);
	CHECK_EQ(conf.forward[0].guest_port, 53);
	CHECK_EQ(conf.forward[0].line, 3);
	CHECK(conf.forward[1].udp && conf.forward[1].tcp);
	CHECK(!conf.forward[2].udp && conf.forward[2].tcp); /* same port, other protocol */
}

TEST(bad_forwards)
{
	static const char *bad[] = {"udp:0:53", "udp:65536:53", "53", "udp:53", "sctp:1:2",
				    "1:2:3", "+1:2", "1: 2", "udp:1:", ":1", "1:99999999999"};
	char text[128];
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "name = a\nnet = n\nforward = %s\n", bad[i]);
		CHECK_EQ(parse(text), -1);
		char want[160];
		snprintf(want, sizeof want, "app/kiln.conf:3: bad forward '%s': expected "
			 "[udp:|tcp:]HOSTPORT:GUESTPORT, ports 1 to 65535", bad[i]);
		CHECK_STR(err, want);
	}
	CHECK_EQ(parse("name = a\nforward = 1:2\n"), -1);
	CHECK_STR(err, "app/kiln.conf:2: 'forward' needs a net device (a 'net = NAME' line) "
		       "to forward to");
	CHECK_EQ(parse("name = a\nnet = n\nforward = 80:80\nforward = udp:80:81\n"), -1);
	CHECK_STR(err, "app/kiln.conf:4: forward 'udp:80:81': host port 80 is already "
		       "forwarded on line 3");
}

TEST(files)
{
	CHECK_EQ(parse("name = www\n"), 0);
	CHECK_STR(conf.files, "");
	CHECK_EQ(parse("name = www\n\nfiles = site/public   # the web root\n"), 0);
	CHECK_STR(conf.files, "site/public");
	CHECK_EQ(conf.files_line, 3);
	CHECK_EQ(parse("name = www\nfiles = a\nfiles = b\n"), -1);
	CHECK_STR(err, "app/kiln.conf:3: 'files' given twice (first on line 2)");
	CHECK_EQ(parse("name = www\nfiles = my site\n"), -1);
	CHECK(strstr(err, "app/kiln.conf:2: bad files directory 'my site'") == err);
	CHECK_EQ(parse("name = www\nfiles = a$b\n"), -1);
	CHECK(strstr(err, "app/kiln.conf:2: bad files directory") == err);
	CHECK_EQ(parse("name = www\nfile = site\n"), -1);
	CHECK(strstr(err, "known: name, net, block, libs, mem, forward, files") != NULL);
}
