/* new.c: `kiln new NAME`: a skeleton appliance that builds and runs at once
 * (docs/kiln-tool.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kiln.h"

static const char new_usage[] =
	"usage: kiln new DIR\n"
	"Creates directory DIR holding a skeleton appliance named after DIR's last\n"
	"component (1 to 67 letters and digits): kiln.conf, main.c and README.\n"
	"Then: kiln run DIR\n";

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
	static char text[8192];
	char err[KILN_ERR_MAX], probe[256];
	struct kiln_conf conf;
	const char *dir, *name;
	struct stat st;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(new_usage, stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fputs(new_usage, stderr);
		return 2;
	}
	dir = argv[1];
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	name = dir + len;
	while (name > dir && name[-1] != '/')
		name--;
	/* The name must pass the same check as a kiln.conf's name. */
	snprintf(probe, sizeof probe, "name = %.*s\n", (int)(dir + len - name), name);
	if (conf_parse(&conf, "(new)", probe, err, sizeof err) < 0) {
		kiln_error("'%.*s' cannot name an appliance: 1 to 67 letters and digits",
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
	if (write_new(dir, "kiln.conf", text) < 0)
		return 1;
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
		 "%s: a kiln appliance. Build and run it with `kiln run %s`.\n", conf.name, dir);
	if (write_new(dir, "README", text) < 0)
		return 1;
	printf("created %s: kiln.conf, main.c, README\nrun it: kiln run %s\n", dir, dir);
	return 0;
}
