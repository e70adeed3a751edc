/* exit.c: kiln_exit and kiln_abort (include/kiln/platform.h) over the HALT hypercall. */
#include <kiln/platform.h>

#include "hvt.h"

/* No stack protector, as kiln_console_flush (console.c): no array. */
__attribute__((no_stack_protector)) void hvt_halt(int status)
{
	struct hvt_hc_halt h = {0, status};

	for (;;) /* the monitor does not resume a halted guest */
		hvt_hypercall(HVT_HYPERCALL_HALT, &h);
}

void kiln_exit(int status)
{
	kiln_console_flush();
	hvt_halt(status & 255);
}

void kiln_abort(void)
{
	kiln_console_flush();
	hvt_halt(255);
}
