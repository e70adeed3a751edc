/* hello.c: the hello appliance: greets, prints its boot arguments one per
 * line, and exits with the status given as --exit=N (default 0). The same
 * source runs on every target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/platform.h>

int kiln_main(int argc, char **argv)
{
	int status = 0;

	printf("Hello from kiln! (appliance %s, %d boot argument%s)\n", argv[0], argc - 1,
	       argc == 2 ? "" : "s");
	for (int i = 1; i < argc; i++) {
		printf("  argv[%d] = %s\n", i, argv[i]);
		if (strncmp(argv[i], "--exit=", 7) == 0) {
			char *end;
			long v = strtol(argv[i] + 7, &end, 10);
			if (end == argv[i] + 7 || *end != '\0' || v < 0 || v > 255) {
				printf("hello: %s: the exit status is a number from 0 to 255\n",
				       argv[i]);
				return 2;
			}
			status = (int)v;
		}
	}
	return status;
}
