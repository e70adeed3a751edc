/* regs_test.c: a switch preserves the callee-saved registers, MXCSR and the x87 control word (switch.S, SysV ABI 3.2.1). */
#include "harness.h"
#include "../../core/tests/fake_platform.h"

#include <kiln/fiber.h>

#include "fiber_impl.h" /* kiln_fiber_switch, for the direct test */

/* regs_roundtrip(fn, in, out): loads in[0..5] into rbx, rbp, r12-r15, calls
 * fn() (which switches fibers), then stores those six registers to
 * out[0..5]. Written in assembly so that the compiler cannot keep or reload
 * the values itself: what comes back is what the switch restored. */
__asm__(".text\n"
	".globl regs_roundtrip\n"
	".type regs_roundtrip, @function\n"
	"regs_roundtrip:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	pushq %rdx\n" /* out; also aligns rsp to 16 for the call */
	"	movq %rdi, %rax\n"
	"	movq 0(%rsi), %rbx\n"
	"	movq 8(%rsi), %rbp\n"
	"	movq 16(%rsi), %r12\n"
	"	movq 24(%rsi), %r13\n"
	"	movq 32(%rsi), %r14\n"
	"	movq 40(%rsi), %r15\n"
	"	callq *%rax\n"
	"	popq %rdx\n"
	"	movq %rbx, 0(%rdx)\n"
	"	movq %rbp, 8(%rdx)\n"
	"	movq %r12, 16(%rdx)\n"
	"	movq %r13, 24(%rdx)\n"
	"	movq %r14, 32(%rdx)\n"
	"	movq %r15, 40(%rdx)\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size regs_roundtrip, .-regs_roundtrip\n");
void regs_roundtrip(void (*fn)(void), const uint64_t *in, uint64_t *out);

/* The direct test of kiln_fiber_switch alone (no C frame in between that
 * might save a register itself): direct_roundtrip loads in[] into the six
 * registers, switches to a hand-built context, and stores what it has after
 * the switch back into out[]. The context (ctx_entry) records the registers
 * and MXCSR it was started with, clobbers all six and MXCSR, and switches
 * back. */
__asm__(".text\n"
	".globl direct_roundtrip\n"
	"direct_roundtrip:\n" /* (in, out, save, to) */
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	pushq %rsi\n"
	"	movq 0(%rdi), %rbx\n"
	"	movq 8(%rdi), %rbp\n"
	"	movq 16(%rdi), %r12\n"
	"	movq 24(%rdi), %r13\n"
	"	movq 32(%rdi), %r14\n"
	"	movq 40(%rdi), %r15\n"
	"	movq %rdx, %rdi\n"
	"	movq %rcx, %rsi\n"
	"	callq kiln_fiber_switch\n"
	"	popq %rsi\n"
	"	movq %rbx, 0(%rsi)\n"
	"	movq %rbp, 8(%rsi)\n"
	"	movq %r12, 16(%rsi)\n"
	"	movq %r13, 24(%rsi)\n"
	"	movq %r14, 32(%rsi)\n"
	"	movq %r15, 40(%rsi)\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".globl ctx_entry\n"
	"ctx_entry:\n"
	"	movq %rbx, ctx_seen+0(%rip)\n"
	"	movq %rbp, ctx_seen+8(%rip)\n"
	"	movq %r12, ctx_seen+16(%rip)\n"
	"	movq %r13, ctx_seen+24(%rip)\n"
	"	movq %r14, ctx_seen+32(%rip)\n"
	"	movq %r15, ctx_seen+40(%rip)\n"
	"	stmxcsr ctx_mxcsr(%rip)\n"
	"	movq $-1, %rbx\n"
	"	movq $-2, %rbp\n"
	"	movq $-3, %r12\n"
	"	movq $-4, %r13\n"
	"	movq $-5, %r14\n"
	"	movq $-6, %r15\n"
	"	ldmxcsr ctx_clobber_mxcsr(%rip)\n"
	"	leaq ctx_sp(%rip), %rdi\n"
	"	movq main_sp(%rip), %rsi\n"
	"	callq kiln_fiber_switch\n"
	"	ud2\n");
void direct_roundtrip(const uint64_t *in, uint64_t *out, void **save, void *to);
void ctx_entry(void);
uint64_t ctx_seen[6];
uint32_t ctx_mxcsr, ctx_clobber_mxcsr = 0x3f80;
void *ctx_sp, *main_sp;
static uint64_t ctx_stack[512] __attribute__((aligned(16)));

static uint32_t get_mxcsr(void);
static void set_mxcsr(uint32_t v);

TEST(the_switch_alone_restores_what_it_saved)
{
	uint64_t in[6], out[6] = {0}, frame_regs[6];
	uint64_t *frame = &ctx_stack[512 - 2 - 8];
	uint32_t saved = get_mxcsr();

	/* the frame layout of switch.S: control words, r15..r12, rbx, rbp, ret */
	for (int r = 0; r < 6; r++) {
		in[r] = 0xa5a5000000000000ull | (uint64_t)(r + 1) << 8;
		frame_regs[r] = 0x5a5a000000000000ull | (uint64_t)(r + 1);
	}
	frame[0] = 0x0000037f00007f80ull; /* MXCSR: round toward zero */
	frame[1] = frame_regs[5];         /* r15 */
	frame[2] = frame_regs[4];         /* r14 */
	frame[3] = frame_regs[3];         /* r13 */
	frame[4] = frame_regs[2];         /* r12 */
	frame[5] = frame_regs[0];         /* rbx */
	frame[6] = frame_regs[1];         /* rbp */
	frame[7] = (uint64_t)(uintptr_t)ctx_entry;
	set_mxcsr(0x5f80);
	direct_roundtrip(in, out, &main_sp, frame);
	uint32_t after = get_mxcsr();
	set_mxcsr(saved);
	CHECK_MEM(in, out, sizeof(in));                    /* switching back restored */
	CHECK_MEM(frame_regs, ctx_seen, sizeof(ctx_seen)); /* switching in loaded */
	CHECK_EQ(ctx_mxcsr, 0x7f80);
	CHECK_EQ(after, 0x5f80);
}

struct regs_job {
	uint64_t in[6], out[6];
};

static void yield_twice(void)
{
	fiber_yield();
	fiber_yield();
}

static void regs_fiber(void *arg)
{
	struct regs_job *j = arg;
	regs_roundtrip(yield_twice, j->in, j->out);
}

TEST(callee_saved_registers_survive_switches)
{
	struct regs_job j[3];

	fake_reset();
	for (int k = 0; k < 3; k++) {
		for (int r = 0; r < 6; r++) {
			j[k].in[r] = 0x1111111111111111ull * (uint64_t)(r + 1) ^ ((uint64_t)k << 56);
			j[k].out[r] = 0;
		}
		CHECK(fiber_spawn(regs_fiber, &j[k], 0));
	}
	fiber_run();
	for (int k = 0; k < 3; k++)
		CHECK_MEM(j[k].in, j[k].out, sizeof(j[k].in));
}

static uint32_t get_mxcsr(void)
{
	uint32_t v;
	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}
static void set_mxcsr(uint32_t v)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(v));
}
static uint16_t get_fpucw(void)
{
	uint16_t v;
	__asm__ volatile("fnstcw %0" : "=m"(v));
	return v;
}
static void set_fpucw(uint16_t v)
{
	__asm__ volatile("fldcw %0" : : "m"(v));
}

struct fp_job {
	uint32_t mxcsr, mxcsr_at_start, mxcsr_after;
	uint16_t cw, cw_after;
};

static void fp_fiber(void *arg)
{
	struct fp_job *j = arg;
	j->mxcsr_at_start = get_mxcsr();
	set_mxcsr(j->mxcsr);
	set_fpucw(j->cw);
	fiber_yield();
	fiber_yield();
	j->mxcsr_after = get_mxcsr();
	j->cw_after = get_fpucw();
	set_mxcsr(0x1f80);
	set_fpucw(0x037f);
}

TEST(floating_point_control_words_are_per_fiber_on_unix)
{
	/* round toward zero / round down; x87 precision 24 / 53 bits */
	struct fp_job a = {.mxcsr = 0x7f80, .cw = 0x007f};
	struct fp_job b = {.mxcsr = 0x3f80, .cw = 0x027f};
	uint32_t main_mxcsr = get_mxcsr();
	uint16_t main_cw = get_fpucw();

	fake_reset();
	set_mxcsr(0x5f80); /* the main flow's own mode: round up */
	CHECK(fiber_spawn(fp_fiber, &a, 0));
	CHECK(fiber_spawn(fp_fiber, &b, 0));
	fiber_run();
	uint32_t after = get_mxcsr();
	set_mxcsr(main_mxcsr);
	set_fpucw(main_cw);
	CHECK_EQ(after, 0x5f80);
	CHECK_EQ(a.mxcsr_at_start, 0x1f80); /* a new fiber starts at the defaults */
	CHECK_EQ(a.mxcsr_after, 0x7f80);
	CHECK_EQ(b.mxcsr_after, 0x3f80);
	CHECK_EQ(a.cw_after, 0x007f);
	CHECK_EQ(b.cw_after, 0x027f);
}
