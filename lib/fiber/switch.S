/* switch.S: the fiber context switch for x86_64 (System V ABI, section 3.2.1:
 * rbx, rbp, r12-r15 and rsp are callee-saved; so are MXCSR's control bits and
 * the x87 control word). See include/kiln/fiber.h and docs/fibers.md.
 *
 * Only what a called function must preserve is saved: the switch is an
 * ordinary call, so the compiler has already spilled everything else. No
 * SSE/x87 data registers: kiln's guest code is -mgeneral-regs-only, and
 * across a call their contents are dead anyway.
 *
 * The frame kiln_fiber_switch leaves on a suspended stack, from its saved
 * stack pointer up (fiber_initial_frame in fiber_stack.c builds the same):
 *   +0  MXCSR (4 bytes), x87 control word (2 bytes), 2 bytes unused
 *   +8  r15, +16 r14, +24 r13, +32 r12, +40 rbx, +48 rbp
 *   +56 return address
 * The unix target saves and restores the two control words, so an
 * application that changes rounding modes or exception masks keeps them per
 * fiber. The hvt target keeps the slot but does not touch it: its guests
 * have no floating point, and this machine's software hypervisor cannot run
 * stmxcsr/ldmxcsr/fnstcw/fldcw (hvt-abi.md section 7).
 */
	.text

/* void kiln_fiber_switch(void **save, void *to) */
	.globl	kiln_fiber_switch
	.type	kiln_fiber_switch, @function
	.p2align 4
kiln_fiber_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
#ifdef KILN_TARGET_UNIX
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
#endif
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
#ifdef KILN_TARGET_UNIX
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
#endif
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	kiln_fiber_switch, .-kiln_fiber_switch

/* A new fiber's first switch returns here with rsp 16-byte aligned. rbp = 0
 * ends frame-pointer stack walks (debuggers, the hvt exception handler). */
	.globl	kiln_fiber_trampoline
	.type	kiln_fiber_trampoline, @function
	.p2align 4
kiln_fiber_trampoline:
	xorl	%ebp, %ebp
	call	fiber_entry
	ud2
	.size	kiln_fiber_trampoline, .-kiln_fiber_trampoline

	.section .note.GNU-stack,"",@progbits
