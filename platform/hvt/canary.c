/* canary.c: the stack protector's guard and failure path (-fstack-protector-strong
 * -mstack-protector-guard=global, mk/flags.mk), and RDRAND (docs/hvt-guest.md).
 * The guard's value is chosen in _start (start.S). */
#include <cpuid.h>

#include <kiln/platform.h>

#include "hvt.h"

/* Set by _start (start.S) from RDRAND or the TSC before any C runs. */
uintptr_t __stack_chk_guard;

static int has_rdrand = -1; /* -1 until the CPUID below */

bool hvt_rdrand64(uint64_t *v)
{
	if (has_rdrand < 0) {
		unsigned a, b, c, d;
		has_rdrand = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_RDRND);
	}
	if (!has_rdrand)
		return false;
	for (int i = 0; i < 10; i++) {
		unsigned char ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

__attribute__((noreturn, no_stack_protector)) void __stack_chk_fail(void)
{
	/* The return address lies in the function whose canary died. */
	hvt_print("\nkiln: stack smashing detected: a stack buffer overflowed in the function "
		  "containing 0x");
	hvt_print_hex((uint64_t)(uintptr_t)__builtin_return_address(0), 16);
	hvt_print("; stopping\n");
	kiln_abort();
}
