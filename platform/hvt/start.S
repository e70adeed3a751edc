/* start.S: hvt guest entry: own GDT, TSS and IDT first, then C (docs/hvt-guest.md;
 * the entry state is hvt-abi.md section 3). Also the ABI1 note (section 1). */

#define HVT_EXC_STUB_SIZE 16

/* --- Entry ------------------------------------------------------------------
 * RDI = boot info, RSP = top of RAM - 8, interrupts off. No instruction before
 * lidt may fault: until then a fault is a silent triple fault. We keep the
 * selectors the monitor used (code 0x08, data 0x10) with identical
 * descriptors in our GDT, so the segment registers need no reload. */
	.section .text.boot, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	lgdt hvt_gdt_desc
	lidt hvt_idt_desc
	movw $0x18, %ax
	ltr %ax
	/* The stack protector's guard, before any function with a protected
	 * frame: RDRAND where CPUID offers it (leaf 1, ECX bit 30), else the TSC
	 * mixed by a multiply; its low byte zeroed, so a strcpy overflow stops at
	 * the canary's NUL. Here, not in C: a dozen instructions instead of ~50,
	 * each ~1 us on this machine (docs/hvt-guest.md, "Boot"). One RDRAND
	 * try: it fails only when the DRNG is drained, and the TSC then serves.
	 * CPUID, RDRAND and RDTSC leave RDI (the boot info) alone. */
	movl $1, %eax
	cpuid
	btl $30, %ecx
	jnc 1f
	rdrand %rax
	jc 2f
1:	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movabsq $0x9e3779b97f4a7c15, %rdx
	imulq %rdx, %rax
2:	xorb %al, %al
	movq %rax, __stack_chk_guard
	xorl %ebp, %ebp             /* ends the frame-pointer chain for stack walks */
	andq $-16, %rsp             /* the SysV ABI's alignment at a call */
	call hvt_boot               /* does not return */
	ud2
	.size _start, . - _start

/* --- Exception stubs: one per vector, HVT_EXC_STUB_SIZE bytes apart, so the
 * static IDT below can point at them (hvt.ld computes their address halves).
 * Each pushes an error code (0 where the CPU pushes none) and its number. */
.macro stub n, has_error
	.balign HVT_EXC_STUB_SIZE
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\n
	jmp hvt_exc_common
.endm
	.balign HVT_EXC_STUB_SIZE
	.globl hvt_exc_stubs
hvt_exc_stubs:
	stub 0, 0
	stub 1, 0
	stub 2, 0
	stub 3, 0
	stub 4, 0
	stub 5, 0
	stub 6, 0
	stub 7, 0
	stub 8, 1
	stub 9, 0
	stub 10, 1
	stub 11, 1
	stub 12, 1
	stub 13, 1
	stub 14, 1
	stub 15, 0
	stub 16, 0
	stub 17, 1
	stub 18, 0
	stub 19, 0
	stub 20, 0
	stub 21, 1
	stub 22, 0
	stub 23, 0
	stub 24, 0
	stub 25, 0
	stub 26, 0
	stub 27, 0
	stub 28, 0
	stub 29, 1
	stub 30, 1
	stub 31, 0
	.balign HVT_EXC_STUB_SIZE
hvt_exc_stubs_end:

/* Saves the general registers as struct hvt_regs (exception.c) and reports.
 * The handler never returns: the appliance ends with status 255. */
hvt_exc_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	andq $-16, %rsp
	cld
	call hvt_exception
	ud2

/* --- Descriptor tables --------------------------------------------------- */
	.section .rodata.hvt_idt, "a", @progbits
	.balign 16
/* A 64-bit interrupt gate to stub n on the kernel code selector; ist 1 for
 * the vectors whose stack may be unusable (NMI, double fault, machine check). */
.macro gate n, ist
	.word hvt_exc_stubs_lo + \n * HVT_EXC_STUB_SIZE
	.word 0x08
	.byte \ist
	.byte 0x8e
	.word hvt_exc_stubs_hi
	.long 0
	.long 0
.endm
hvt_idt:
	gate 0, 0
	gate 1, 0
	gate 2, 1
	gate 3, 0
	gate 4, 0
	gate 5, 0
	gate 6, 0
	gate 7, 0
	gate 8, 1
	gate 9, 0
	gate 10, 0
	gate 11, 0
	gate 12, 0
	gate 13, 0
	gate 14, 0
	gate 15, 0
	gate 16, 0
	gate 17, 0
	gate 18, 1
	gate 19, 0
	gate 20, 0
	gate 21, 0
	gate 22, 0
	gate 23, 0
	gate 24, 0
	gate 25, 0
	gate 26, 0
	gate 27, 0
	gate 28, 0
	gate 29, 0
	gate 30, 0
	gate 31, 0
hvt_idt_end:
hvt_idt_desc:
	.word hvt_idt_end - hvt_idt - 1
	.quad hvt_idt
hvt_gdt_desc:
	.word hvt_gdt_end - hvt_gdt - 1
	.quad hvt_gdt

/* The GDT is writable: ltr sets the TSS descriptor's busy bit. The code and
 * data descriptors have their accessed bit set, so the CPU never writes them. */
	.section .data.hvt_gdt, "aw", @progbits
	.balign 16
hvt_gdt:
	.quad 0
	.quad 0x00af9b000000ffff    /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf93000000ffff    /* 0x10: data */
	.word hvt_tss_end - hvt_tss - 1  /* 0x18: the 64-bit TSS (16 bytes) */
	.word hvt_tss_b0
	.byte hvt_tss_b2
	.byte 0x89
	.byte 0
	.byte hvt_tss_b3
	.long 0
	.long 0
hvt_gdt_end:

/* The TSS only supplies IST1, a known-good stack for double faults. */
	.balign 16
	.globl hvt_tss
hvt_tss:
	.long 0
	.quad 0, 0, 0               /* rsp0-2: never used, no ring change */
	.quad 0
	.quad hvt_ist1_stack + 8192 /* ist1 */
	.quad 0, 0, 0, 0, 0, 0      /* ist2-7 */
	.quad 0
	.word 0
	.word hvt_tss_end - hvt_tss /* I/O bitmap beyond the limit: none */
hvt_tss_end:

	.section .bss.hvt_ist1, "aw", @nobits
	.balign 16
hvt_ist1_stack:
	.skip 8192

/* --- ELF notes (hvt-abi.md section 1) --------------------------------------- */
	.section .note.solo5.abi, "a", @note
	.balign 4
	.long 6                     /* namesz: "Solo5\0" */
	.long 16                    /* descsz */
	.long 0x31494241            /* "ABI1" */
	.asciz "Solo5"
	.balign 4
	.long 1                     /* abi_target: hvt */
	.long 2                     /* abi_version */
	.long 0, 0

/* A PT_INTERP that names no file keeps Linux from executing the image. */
	.section .interp, "a", @progbits
	.asciz "/nonexistent/kiln/hvt"

	.section .note.GNU-stack, "", @progbits
