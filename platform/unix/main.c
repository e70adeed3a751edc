/* main.c: the unix target's process entry; alone in its file so that unit
 * tests, which have their own main(), can link the platform archive. */
#include "unix.h"

int main(int argc, char **argv)
{
	return kiln_unix_start(argc, argv);
}
