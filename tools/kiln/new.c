/* new.c: `kiln new NAME`: a skeleton appliance that builds and runs at once
 * (docs/kiln-tool.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kiln.h"

static const char new_usage[] =
	"usage: kiln new [--template plain|http|udp] DIR\n"
	"Creates directory DIR holding an appliance named after DIR's last\n"
	"component (letters, digits, '-' and '_'): kiln.conf, main.c and README.\n"
	"  plain  (the default) prints its name and boot arguments, and exits\n"
	"  http   an HTTP service: GET / answers a greeting; kiln.conf forwards\n"
	"         127.0.0.1:8080 to its port 80\n"
	"  udp    a UDP echo service on port 7; kiln.conf forwards 127.0.0.1:7007\n"
	"Then: kiln run DIR\n";

/* The templates' main.c; %1$s is the appliance's name. */
static const char http_main[] =
	"/* main.c: appliance %1$s: an HTTP service on port 80 (kiln's TCP and\n"
	" * HTTP server, include/kiln/httpd.h): GET / answers a greeting. */\n"
	"#include <stdio.h>\n"
	"#include <string.h>\n"
	"\n"
	"#include <kiln/dhcp.h>\n"
	"#include <kiln/fiber.h>\n"
	"#include <kiln/http.h>\n"
	"#include <kiln/httpd.h>\n"
	"#include <kiln/net.h>\n"
	"#include <kiln/nettcp.h>\n"
	"#include <kiln/platform.h>\n"
	"\n"
	"static const char greeting[] = \"Hello from %1$s!\\n\";\n"
	"\n"
	"static int hello(struct http_request *req, struct http_response *resp)\n"
	"{\n"
	"\t(void)req;\n"
	"\thttp_response_field(resp, \"Content-Type\", \"text/plain\");\n"
	"\thttp_response_body(resp, view_make(greeting, strlen(greeting)));\n"
	"\treturn 0;\n"
	"}\n"
	"\n"
	"/* Routes: method, path prefix, handler, argument (include/kiln/http.h). */\n"
	"static const struct http_route routes[] = {{\"GET\", \"/\", hello, NULL}};\n"
	"static struct http_server server = {.routes = routes, .nroutes = 1,\n"
	"\t\t\t\t    .name = \"%1$s\", .now = kiln_clock_wall};\n"
	"static struct net net;\n"
	"static struct dhcp_net dhcp;\n"
	"\n"
	"int kiln_main(int argc, char **argv)\n"
	"{\n"
	"\tstruct httpd_config hc = {.port = 80};\n"
	"\tstruct tcp_stack *tcp;\n"
	"\tint err = 0;\n"
	"\n"
	"\tif (dhcp_net_up(&net, &dhcp, \"service\", argc, argv) < 0)\n"
	"\t\treturn 1;\n"
	"\tif ((tcp = net_tcp_open(&net, NULL)) == NULL)\n"
	"\t\treturn 1;\n"
	"\tif (httpd_start(tcp, &server, &hc, &err) == NULL) {\n"
	"\t\tprintf(\"%1$s: cannot serve port 80 (error %%d)\\n\", err);\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\tprintf(\"%1$s: serving HTTP on port 80\\n\");\n"
	"\tfiber_run(); /* serves for ever */\n"
	"\treturn 0;\n"
	"}\n";

static const char udp_main[] =
	"/* main.c: appliance %1$s: a UDP echo service on port 7 (include/kiln/udp.h). */\n"
	"#include <stdio.h>\n"
	"\n"
	"#include <kiln/dhcp.h>\n"
	"#include <kiln/net.h>\n"
	"#include <kiln/platform.h>\n"
	"\n"
	"static struct net net;\n"
	"static struct dhcp_net dhcp;\n"
	"static uint8_t buf[UDP_MAX_PAYLOAD];\n"
	"\n"
	"int kiln_main(int argc, char **argv)\n"
	"{\n"
	"\tuint32_t from;\n"
	"\tuint16_t port;\n"
	"\n"
	"\tif (dhcp_net_up(&net, &dhcp, \"service\", argc, argv) < 0)\n"
	"\t\treturn 1;\n"
	"\tstruct udp_socket *s = udp_open(&net.udp, 7);\n"
	"\tif (s == NULL) {\n"
	"\t\tprintf(\"%1$s: cannot open udp port 7\\n\");\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\tprintf(\"%1$s: echoing udp port 7\\n\");\n"
	"\tfor (;;) {\n"
	"\t\tlong n = udp_recv(s, buf, sizeof buf, &from, &port, KILN_TIME_NEVER);\n"
	"\t\tif (n >= 0)\n"
	"\t\t\tudp_send(s, from, port, buf, (size_t)n);\n"
	"\t}\n"
	"}\n";

/* How the user can type kiln: "kiln" when the kiln found on PATH is this
 * program, else the path this one was invoked by. */
static void kiln_command(char *buf, size_t len)
{
	char self[PATH_MAX], found[PATH_MAX], cand[PATH_MAX], argv0[1024] = "kiln";
	const char *path = getenv("PATH");
	/* argv[0] as this program was started: the first string of cmdline. */
	FILE *f = fopen("/proc/self/cmdline", "r");

	if (f) {
		size_t n = fread(argv0, 1, sizeof argv0 - 1, f);
		argv0[n] = '\0';
		fclose(f);
		if (argv0[0] == '\0')
			snprintf(argv0, sizeof argv0, "kiln");
	}
	snprintf(buf, len, "%s", argv0);
	if (strchr(argv0, '/') == NULL || realpath("/proc/self/exe", self) == NULL || !path)
		return;
	while (*path) {
		size_t l = strcspn(path, ":");
		if (l > 0 && snprintf(cand, sizeof cand, "%.*s/kiln", (int)l, path) < (int)sizeof cand &&
		    access(cand, X_OK) == 0) {
			if (realpath(cand, found) && strcmp(found, self) == 0)
				snprintf(buf, len, "kiln");
			return; /* the first kiln on PATH decides */
		}
		path += l + (path[l] == ':');
	}
}

static int write_new(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX], err[KILN_ERR_MAX];
	struct stat st;

	if (path_join(path, sizeof path, dir, file) < 0) {
		kiln_error("%s: path too long", dir);
		return -1;
	}
	if (stat(path, &st) == 0) {
		kiln_error("%s exists; not overwriting it", path);
		return -1;
	}
	if (gen_write_if_changed(path, text, NULL, err, sizeof err) < 0) {
		kiln_error("%s", err);
		return -1;
	}
	return 0;
}

int cmd_new(int argc, char **argv)
{
	static char text[16384];
	char err[KILN_ERR_MAX], probe[256];
	struct kiln_conf conf;
	const char *dir, *name;
	struct stat st;

	const char *tmpl = "plain";
	char self_cmd[PATH_MAX];

	dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(new_usage, stdout);
			return 0;
		} else if (strcmp(argv[i], "--template") == 0 && i + 1 < argc) {
			tmpl = argv[++i];
		} else if (strncmp(argv[i], "--template=", 11) == 0) {
			tmpl = argv[i] + 11;
		} else if (argv[i][0] == '-' || dir) {
			fputs(new_usage, stderr);
			return 2;
		} else
			dir = argv[i];
	}
	if (dir == NULL) {
		fputs(new_usage, stderr);
		return 2;
	}
	if (strcmp(tmpl, "plain") && strcmp(tmpl, "http") && strcmp(tmpl, "udp")) {
		kiln_error("unknown template '%s' (templates: plain, http, udp)", tmpl);
		return 2;
	}
	kiln_command(self_cmd, sizeof self_cmd);
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	name = dir + len;
	while (name > dir && name[-1] != '/')
		name--;
	/* The name must pass the same check as a kiln.conf's name. */
	snprintf(probe, sizeof probe, "name = %.*s\n", (int)(dir + len - name), name);
	if (conf_parse(&conf, "(new)", probe, err, sizeof err) < 0) {
		kiln_error("'%.*s' cannot name an appliance: 1 to 67 letters, digits, '-' and '_'",
			   (int)(dir + len - name), name);
		return 1;
	}
	if (stat(dir, &st) == 0) {
		kiln_error("%s already exists", dir);
		return 1;
	}
	if (mkdir_p(dir, err, sizeof err) < 0) {
		kiln_error("%s", err);
		return 1;
	}
	if (strcmp(tmpl, "plain") == 0)
		snprintf(text, sizeof text,
			 "# kiln.conf: appliance %s (format: docs/config.md in the kiln tree)\n"
			 "name = %s\n"
			 "# net = service     # a network device named 'service'\n"
			 "# block = storage   # a block device named 'storage'\n"
			 "# libs = core       # kiln libraries used (lib/<name>/)\n"
			 "# mem = %d          # MiB of guest memory on hvt\n"
			 "# forward = udp:5353:53  # kiln run: 127.0.0.1:5353 reaches port 53\n"
			 "# files = site      # bake directory 'site' in: KV_BAKED_DECLARE(kiln_files)\n",
			 conf.name, conf.name, KILN_MEM_DEFAULT);
	else
		snprintf(text, sizeof text,
			 "# kiln.conf: appliance %s (format: docs/config.md in the kiln tree)\n"
			 "name = %s\n"
			 "net = service\n"
			 "libs = %s\n"
			 "# kiln run: 127.0.0.1:%s reaches the appliance's port %s\n"
			 "forward = %s\n",
			 conf.name, conf.name, tmpl[0] == 'h' ? "dhcp nettcp httpd" : "net dhcp",
			 tmpl[0] == 'h' ? "8080" : "7007", tmpl[0] == 'h' ? "80" : "7",
			 tmpl[0] == 'h' ? "tcp:8080:80" : "udp:7007:7");
	if (write_new(dir, "kiln.conf", text) < 0)
		return 1;
	if (strcmp(tmpl, "plain") != 0)
		snprintf(text, sizeof text, tmpl[0] == 'h' ? http_main : udp_main, conf.name);
	else
		snprintf(text, sizeof text,
			 "/* main.c: appliance %s. */\n"
			 "#include <stdio.h>\n"
			 "\n"
			 "#include <kiln/platform.h>\n"
			 "\n"
			 "int kiln_main(int argc, char **argv)\n"
			 "{\n"
			 "\tprintf(\"Hello from %%s!\\n\", argv[0]);\n"
			 "\tfor (int i = 1; i < argc; i++)\n"
			 "\t\tprintf(\"arg %%d: %%s\\n\", i, argv[i]);\n"
			 "\treturn 0;\n"
			 "}\n",
			 conf.name);
	if (write_new(dir, "main.c", text) < 0)
		return 1;
	snprintf(text, sizeof text,
		 "%s: a kiln appliance. Build and run it with `%s run %s`;\n"
		 "`%s run --watch %s` rebuilds and restarts it on every save.\n",
		 conf.name, self_cmd, dir, self_cmd, dir);
	if (write_new(dir, "README", text) < 0)
		return 1;
	printf("created %s: kiln.conf, main.c, README\nrun it: %s run %s\n", dir, self_cmd, dir);
	if (strcmp(tmpl, "http") == 0)
		printf("then: curl http://127.0.0.1:8080/\n");
	else if (strcmp(tmpl, "udp") == 0)
		printf("then: echo hi | nc -u -w1 127.0.0.1 7007\n");
	return 0;
}
