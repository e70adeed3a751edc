/* yield.c: kiln_yield (include/kiln/platform.h) over the POLL hypercall. */
#include <kiln/platform.h>

#include "hvt.h"

void kiln_yield(kiln_time_t deadline, kiln_handle_set_t *ready_set)
{
	kiln_time_t now;
	struct hvt_hc_poll p = {0};

	/* Output waits at most until the appliance has nothing to do. */
	kiln_console_flush();
	now = kiln_clock_monotonic();
	p.timeout_nsecs = deadline > now ? deadline - now : 0;
	hvt_hypercall(HVT_HYPERCALL_POLL, &p);
	if (ready_set != NULL)
		*ready_set = p.ret > 0 ? p.ready_set : 0;
}
