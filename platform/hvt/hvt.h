/* hvt.h: what the files of platform/hvt share; private to it (docs/hvt-guest.md). */
#ifndef KILN_PLATFORM_HVT_H
#define KILN_PLATFORM_HVT_H

#include <stdbool.h>
#include <stdint.h>

#include <kiln/hvt_abi.h>
#include <kiln/platform.h>
#include <kiln_libc.h>

/* The main stack: from the top of RAM down, below it the heap. kiln's
 * engines are event-driven and fibers get their own stacks from the heap, so
 * the main stack holds kiln_main, the loop and a handler at a time; 256 KiB
 * leaves room for recursive parsers and crypto (BearSSL needs < 8 KiB) at
 * 0.05% of the default 512 MiB. Nothing guards its bottom: an overflow runs
 * into the top of the heap (there are no 4 KiB pages up there to unmap). */
#define HVT_STACK_SIZE (256u << 10)

/* Boot info, set by hvt_boot() before anything else runs. */
extern const struct hvt_boot_info *hvt_bi;

/* A hypercall: the low 32 bits of arg's address to port 0x500 + nr
 * (hvt-abi.md section 5). The monitor reads and writes *arg in place. */
static inline void hvt_hypercall(enum hvt_hypercall nr, volatile void *arg)
{
	__asm__ volatile("outl %0, %1"
			 :
			 : "a"((uint32_t)(uintptr_t)arg), "Nd"((uint16_t)(HVT_HYPERCALL_PIO_BASE + nr))
			 : "memory");
}

/* The TSC. Emulated here (15-20 us a read): read it only when asked. */
static inline uint64_t hvt_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Sends what the console's buffer holds (console.c) in one PUTS. Inline so
 * that kiln_exit() costs a dozen instructions fewer (each ~1 us here). */
static inline __attribute__((always_inline)) void hvt_console_flush(void)
{
	struct hvt_hc_puts p = {(uint64_t)(uintptr_t)klibc_console.buf, klibc_console.len};

	if (p.len == 0)
		return;
	hvt_hypercall(HVT_HYPERCALL_PUTS, &p);
	klibc_console.len = 0;
}

/* A hypercall's ret as a kiln_result (the values are equal, hvt-abi.md 5);
 * anything else the monitor wrote counts as a host failure. */
static inline enum kiln_result hvt_result(int32_t ret)
{
	return ret >= HVT_OK && ret <= HVT_EUNSPEC ? (enum kiln_result)ret : KILN_EUNSPEC;
}

/* RDRAND; false if the CPU has none or it failed 10 times (Intel's advice). */
bool hvt_rdrand64(uint64_t *v);

/* Ends the guest with status, without flushing the console (exit.c). */
void hvt_halt(int status) __attribute__((noreturn));
/* Abort (status 255) naming a trap frame in Solo5's layout (cr2, error code,
 * rip, cs, rflags, rsp, ss) as the HALT cookie, for a monitor's core file. */
void hvt_abort_trap(const uint64_t frame[7]) __attribute__((noreturn));

/* Console output for the fault paths, without printf, which may be what
 * broke (console.c): a string, and a number as that many hex digits. */
void hvt_print(const char *s);
void hvt_print_hex(uint64_t v, int digits);

/* The manifest the monitor filled in, and the entry of a handle if it is an
 * attached device of type; NULL otherwise (devices.c). */
const struct mft_entry *hvt_device(uint64_t handle, enum mft_type type);
/* The handle of the attached device name of type, or -1. */
int hvt_device_find(const char *name, enum mft_type type);

#endif
