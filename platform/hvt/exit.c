/* exit.c: kiln_exit and kiln_abort (include/kiln/platform.h) over the HALT hypercall. */
#include <kiln/platform.h>

#include "hvt.h"

/* HALT with status; the monitor does not resume a halted guest. Inline in
 * each caller: kiln_exit() is hello's last dozen instructions. */
static inline __attribute__((always_inline, noreturn)) void halt(int status)
{
	struct hvt_hc_halt h = {0, status};

	for (;;)
		hvt_hypercall(HVT_HYPERCALL_HALT, &h);
}

/* Abort with a cookie: the address of a trap frame in Solo5's layout (cr2,
 * error code, rip, cs, rflags, rsp, ss), which a monitor writing a core
 * file (tender --dumpcore) takes for the registers at the fault. */
__attribute__((no_stack_protector)) void hvt_abort_trap(const uint64_t frame[7])
{
	struct hvt_hc_halt h = {(uint64_t)(uintptr_t)frame, 255};

	for (;;)
		hvt_hypercall(HVT_HYPERCALL_HALT, &h);
}

/* No stack protector here: no arrays, only the hypercall structs whose
 * address the monitor reads. */
__attribute__((no_stack_protector)) void hvt_halt(int status)
{
	halt(status);
}

__attribute__((no_stack_protector)) void kiln_exit(int status)
{
	hvt_console_flush();
	halt(status & 255);
}

__attribute__((no_stack_protector)) void kiln_abort(void)
{
	hvt_console_flush();
	halt(255);
}
