/* args.c: an hvt test guest that prints its argv, one word per line between
 * brackets, to check the command-line split (tests/hvt/guest.sh). */
#include <stdio.h>

#include <kiln/platform.h>

int kiln_main(int argc, char **argv)
{
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] [%s]\n", i, argv[i]);
	return argv[argc] == NULL ? 0 : 1;
}
