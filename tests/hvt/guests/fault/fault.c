/* fault.c: an hvt test guest that takes the CPU exception named by its argument
 * (write0, ud2, div0), to show the exception report (tests/hvt/guest.sh). */
#include <stdio.h>
#include <string.h>

#include <kiln/platform.h>

static volatile int zero;

/* noinline: a frame of its own, so the stack walk has callers to show. */
__attribute__((noinline)) static int fault(const char *how)
{
	if (strcmp(how, "write0") == 0)
		*(volatile int *)(unsigned long)zero = 42;
	else if (strcmp(how, "ud2") == 0)
		__asm__ volatile("ud2");
	else if (strcmp(how, "div0") == 0)
		return 10 / zero;
	return 0;
}

int kiln_main(int argc, char **argv)
{
	printf("fault: about to %s\n", argc > 1 ? argv[1] : "(nothing)");
	int r = fault(argc > 1 ? argv[1] : "");
	printf("fault: still running (%d)\n", r);
	return 0;
}
