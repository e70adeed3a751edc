/* start.c: the unix appliance's start: options, devices, kiln_main(), exit
 * (platform.h; options in docs/config.md, "Running a unix appliance"). */
#include <stdio.h>
#include <string.h>

#include "unix.h"

int kiln_unix_start(int argc, char **argv)
{
	const struct kiln_manifest *m = &kiln_manifest;
	static struct unix_options opts;
	char err[512];

	unix_clock_base(); /* monotonic time starts here */
	unix_program = kiln_appliance_name;
	if (m->count > UNIX_MAX_HANDLE) {
		fprintf(stderr, "%s: the manifest declares %u devices, more than %d\n",
			kiln_appliance_name, m->count, UNIX_MAX_HANDLE);
		return 1;
	}
	if (unix_options_parse(argc, argv, m, &opts, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s (see --help)\n", kiln_appliance_name, err);
		return 1;
	}
	if (opts.help) {
		printf("usage: %s [PLATFORM OPTIONS] [--] [BOOT ARGUMENTS]\n%s",
		       argv[0], unix_options_help);
		if (m->count == 0)
			printf("This appliance declares no devices.\n");
		for (unsigned k = 0; k < m->count; k++)
			printf("This appliance declares: --%s:%s=%s\n",
			       m->dev[k].type == KILN_DEVICE_NET ? "net" : "block",
			       m->dev[k].name,
			       m->dev[k].type == KILN_DEVICE_NET ? "TAPDEV|user" : "FILE");
		return 0;
	}
	unix_opts = &opts;
	unix_crash_init();
	/* The console: each line out at once, so a crash loses none (crash.c
	 * flushes the rest). */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned k = 0; k < m->count; k++) {
		const struct kiln_device *md = &m->dev[k];
		const char *value = NULL;
		for (unsigned j = 0; j < opts.ndev; j++)
			if (strlen(md->name) == opts.dev[j].name_len &&
			    memcmp(md->name, opts.dev[j].name, opts.dev[j].name_len) == 0)
				value = opts.dev[j].value;
		/* unix_options_parse() checked that every device is given. */
		if (md->attach(md, k + 1, value, err, sizeof err) < 0) {
			fprintf(stderr, "%s: %s\n", kiln_appliance_name, err);
			return 1;
		}
	}
	/* The boot arguments, with the appliance's name in front. */
	int first = opts.first_arg - 1;
	argv[first] = (char *)kiln_appliance_name;
	kiln_exit(kiln_main(argc - first, argv + first));
}
