/* fiber_guard.c: unix only: a fault on a fiber's guard page is reported naming the fiber (see include/kiln/fiber.h, docs/fibers.md). */
#include "fiber_impl.h"

#if defined(KILN_TARGET_UNIX)
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE 4096u
/* The handler runs on its own stack: the faulting fiber's is used up. */
#define ALTSTACK_BYTES (64u * 1024)

static struct sigaction old_segv;
static bool handler_installed;

static size_t append(char *buf, size_t at, size_t cap, const char *s)
{
	while (*s && at + 1 < cap)
		buf[at++] = *s++;
	buf[at] = 0;
	return at;
}

static size_t append_u64(char *buf, size_t at, size_t cap, uint64_t v, unsigned base)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	*--p = 0;
	do {
		*--p = "0123456789abcdef"[v % base];
		v /= base;
	} while (v && p > tmp + 2);
	if (base == 16)
		at = append(buf, at, cap, "0x");
	return append(buf, at, cap, p);
}

/* Only async-signal-safe calls here: formatting by hand, write(2). */
static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	struct fiber *f = fiber_sched.current;
	uintptr_t addr = (uintptr_t)si->si_addr, guard, sp;
	const ucontext_t *uc = ctx;
	char msg[256];
	size_t n = 0;

	(void)sig;
	if (f && f->guarded) {
		guard = (uintptr_t)f->alloc;
		sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
		/* The guard page itself, or a stack pointer already below the
		 * stack (a frame larger than the guard page jumped over it). */
		if ((addr >= guard && addr < guard + PAGE) ||
		    (sp < (uintptr_t)f->stack && sp + (1u << 20) > (uintptr_t)f->stack)) {
			n = append(msg, n, sizeof(msg), "kiln: fiber \"");
			n = append(msg, n, sizeof(msg), f->name);
			n = append(msg, n, sizeof(msg), "\" (#");
			n = append_u64(msg, n, sizeof(msg), f->id, 10);
			n = append(msg, n, sizeof(msg), ", fn ");
			n = append_u64(msg, n, sizeof(msg), (uint64_t)(uintptr_t)f->fn, 16);
			n = append(msg, n, sizeof(msg), ") overflowed its ");
			n = append_u64(msg, n, sizeof(msg), f->stack_size, 10);
			n = append(msg, n, sizeof(msg), "-byte stack: a fault at ");
			n = append_u64(msg, n, sizeof(msg), addr, 16);
			n = append(msg, n, sizeof(msg),
				   " below it (guard page); give fiber_spawn() a larger stack_size\n");
			if (write(2, msg, n) < 0)
				n = 0;
			kiln_abort();
		}
	}
	/* Not ours: put back what was there and let the fault happen again,
	 * now handled as it would have been without lib/fiber. */
	sigaction(SIGSEGV, &old_segv, NULL);
}

void fiber_guard_handler_install(void)
{
	struct sigaction sa;
	stack_t ss;

	if (handler_installed)
		return;
	handler_installed = true;
	/* Keep an alternate stack the application set up; else make one. */
	if (sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_DISABLE)) {
		ss.ss_sp = malloc(ALTSTACK_BYTES);
		ss.ss_size = ALTSTACK_BYTES;
		ss.ss_flags = 0;
		if (!ss.ss_sp || sigaltstack(&ss, NULL) != 0)
			return; /* no report by name then; the fault still stops it */
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
}
#endif
