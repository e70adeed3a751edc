/* fault.c: an hvt test guest that takes the CPU exception named by its argument
 * (write0, ud2, div0, gp, badstack), to show the exception report (tests/hvt/guest.sh),
 * or writes to its own code or read-only data (writetext, writerodata), which
 * the tender maps read-only, or runs code in its data (execdata), which the
 * tender's page tables make NX (tests/tender/wx.sh). */
#include <stdio.h>
#include <string.h>

#include <kiln/platform.h>

static volatile int zero;
static const char greeting[8192] = "read-only";
static unsigned char ret_insn[16] = {0xc3}; /* ret, in .data */

/* noinline: a frame of its own, so the stack walk has callers to show. */
__attribute__((noinline)) static int fault(const char *how)
{
	if (strcmp(how, "write0") == 0)
		*(volatile int *)(unsigned long)zero = 42;
	else if (strcmp(how, "ud2") == 0)
		__asm__ volatile("ud2");
	else if (strcmp(how, "div0") == 0)
		return 10 / zero;
	else if (strcmp(how, "gp") == 0) /* a non-canonical address */
		return *(volatile int *)(0x8000000000000000ul + (unsigned long)zero);
	else if (strcmp(how, "writetext") == 0) /* W^X: its own code */
		*(volatile unsigned char *)(unsigned long)&fault = 0xcc;
	else if (strcmp(how, "writerodata") == 0)
		*(volatile char *)(unsigned long)&greeting[4096 + zero] = 'x';
	else if (strcmp(how, "execdata") == 0)
		((void (*)(void))(unsigned long)(ret_insn + zero))();
	else if (strcmp(how, "badstack") == 0)
		/* An exception with no usable stack (0x0-0xffff is not mapped):
		 * the CPU cannot push the #UD frame, which makes a double fault,
		 * which must run on its own IST stack rather than triple-fault. */
		__asm__ volatile("mov $0x8000, %%rsp; ud2" ::: "memory");
	return 0;
}

int kiln_main(int argc, char **argv)
{
	printf("fault: about to %s\n", argc > 1 ? argv[1] : "(nothing)");
	int r = fault(argc > 1 ? argv[1] : "");
	printf("fault: still running (%d)\n", r);
	return 0;
}
