/* exception.c: the report of a CPU exception, then status 255 (docs/hvt-guest.md).
 * start.S's stubs save the registers and call hvt_exception(); it never
 * returns. Everything here avoids printf and the heap, which may be what
 * broke, and reads memory only after checking it lies in RAM. */
#include <kiln/platform.h>

#include "hvt.h"

/* The frame start.S builds: the pushed registers, then what the stub and
 * the CPU pushed. */
struct hvt_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define HVT_WALK_FRAMES 8 /* a short walk: enough to name the caller's caller */

static const char *const names[32] = {
	"divide error (#DE)", "debug (#DB)", "NMI", "breakpoint (#BP)",
	"overflow (#OF)", "bound range (#BR)", "invalid opcode (#UD)",
	"device not available (#NM)", "double fault (#DF)", "coprocessor overrun",
	"invalid TSS (#TS)", "segment not present (#NP)", "stack fault (#SS)",
	"general protection (#GP)", "page fault (#PF)", "reserved 15",
	"x87 FPU error (#MF)", "alignment check (#AC)", "machine check (#MC)",
	"SIMD error (#XM)", "virtualization (#VE)", "control protection (#CP)",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26",
	"reserved 27", "reserved 28", "VMM communication (#VC)", "security (#SX)",
	"reserved 31",
};

static void reg(const char *name, uint64_t v)
{
	hvt_print(name);
	hvt_print("=");
	hvt_print_hex(v, 16);
}

static void dec(uint64_t v)
{
	char b[20];
	int i = sizeof(b);

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	kiln_console_write(b + i, sizeof(b) - (size_t)i);
}

/* Whether [addr, addr + len) is guest RAM that is mapped (0-0xffff is not). */
static bool in_ram(uint64_t addr, uint64_t len)
{
	return hvt_bi != NULL && addr >= 0x10000 && addr + len > addr && addr + len <= hvt_bi->mem_size;
}

static void walk(uint64_t rbp)
{
	hvt_print("stack (frame pointers):\n");
	for (int i = 0; i < HVT_WALK_FRAMES && rbp != 0; i++) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;

		if ((rbp & 7) != 0 || !in_ram(rbp, 16)) {
			hvt_print("  (frame pointer 0x");
			hvt_print_hex(rbp, 16);
			hvt_print(" is not in RAM; walk stops)\n");
			return;
		}
		hvt_print("  #");
		dec((uint64_t)i);
		hvt_print(" 0x");
		hvt_print_hex(frame[1], 16);
		hvt_print("\n");
		if (frame[0] <= rbp) /* stacks grow down: callers are above */
			return;
		rbp = frame[0];
	}
}

void hvt_exception(struct hvt_regs *r) __attribute__((noreturn));
void hvt_exception(struct hvt_regs *r)
{
	static bool busy;
	uint64_t cr2;

	/* A fault while reporting a fault: stop at once. */
	if (busy)
		hvt_halt(255);
	busy = true;
	kiln_console_flush();
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));

	hvt_print("\nkiln: CPU exception ");
	dec(r->vector);
	hvt_print(": ");
	hvt_print(names[r->vector & 31]);
	hvt_print(", error code 0x");
	hvt_print_hex(r->error, 4);
	hvt_print("\n");
	reg("rip", r->rip);
	reg(" rsp", r->rsp);
	reg(" rflags", r->rflags);
	if (r->vector == 14) {
		reg(" cr2", cr2);
		hvt_print(r->error & 2 ? " (write" : " (read");
		hvt_print(r->error & 1 ? ", page present)" : ", page not present)");
	}
	hvt_print("\n");
	reg("rax", r->rax); reg(" rbx", r->rbx); reg(" rcx", r->rcx); reg(" rdx", r->rdx);
	hvt_print("\n");
	reg("rsi", r->rsi); reg(" rdi", r->rdi); reg(" rbp", r->rbp); reg(" r8 ", r->r8);
	hvt_print("\n");
	reg("r9 ", r->r9); reg(" r10", r->r10); reg(" r11", r->r11); reg(" r12", r->r12);
	hvt_print("\n");
	reg("r13", r->r13); reg(" r14", r->r14); reg(" r15", r->r15);
	hvt_print("\n");
	walk(r->rbp);
	hvt_print("kiln: stopping with status 255 (`addr2line -f -e IMAGE ADDRESS` names a place)\n");
	/* The fault's registers for a core file (tender --dumpcore). */
	static uint64_t frame[7];
	frame[0] = cr2, frame[1] = r->error, frame[2] = r->rip, frame[3] = r->cs;
	frame[4] = r->rflags, frame[5] = r->rsp, frame[6] = r->ss;
	kiln_console_flush();
	hvt_abort_trap(frame);
}
