/* main.c: the kiln tool's command line (docs/kiln-tool.md). */
#include <stdio.h>
#include <string.h>

#include "kiln.h"
#include "version.h" /* KILN_VERSION: build/host/gen/version.h */

static const char usage[] =
	"usage: kiln COMMAND [OPTIONS]\n"
	"Builds and runs kiln appliances (docs/kiln-tool.md).\n"
	"\n"
	"  kiln new DIR                   a skeleton appliance in DIR\n"
	"  kiln build [-t unix|hvt] [DIR] build DIR's appliance; prints the image path\n"
	"  kiln run [-t unix|hvt] [--dry-run] [DIR] [-- ARGS...]\n"
	"                                 build, then start it with boot arguments ARGS\n"
	"  kiln store COMMAND DISK ...    a store's disk image: init, check, log, import, export\n"
	"  kiln help [COMMAND]            this text, or a command's\n"
	"  kiln --version                 the version of kiln\n"
	"\n"
	"kiln COMMAND --help tells more. The kiln tree is found from this program's\n"
	"place (build/bin/kiln in a tree, or PREFIX/bin/kiln installed by make install)\n"
	"or $KILN_ROOT.\n";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {{"new", cmd_new}, {"build", cmd_build}, {"run", cmd_run}, {"store", cmd_store}};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("kiln %s\n", KILN_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (strcmp(argv[1], "help") == 0 && argc > 2) {
			char *sub[] = {argv[2], "--help", NULL};
			for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
				if (strcmp(argv[2], commands[i].name) == 0)
					return commands[i].fn(2, sub);
			kiln_error("unknown command '%s' (commands: new, build, run, store)", argv[2]);
			return 2;
		}
		fputs(usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	kiln_error("unknown command '%s' (commands: new, build, run, store; see kiln --help)", argv[1]);
	return 2;
}
