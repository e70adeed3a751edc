/* crash.c: the unix appliance's crash report (unix.h: unix_crash_init).
 *
 * A fault in the appliance (SIGSEGV, SIGBUS, SIGILL, SIGFPE, or SIGABRT from
 * abort() or a failed assert) runs a handler on an alternate stack (the
 * fault may be a stack overflow, or on a fiber's small stack) that writes to
 * stderr: the signal, the faulting address, and a backtrace, each frame as
 * the binary and its offset, which addr2line turns into a function and a
 * line; the handler runs addr2line itself when it is installed, so the
 * report names functions and lines. It then flushes the console and exits
 * with status 255, as the tender does for a guest that faults.
 *
 * Not installed in a sanitizer build (kiln build --sanitize): ASan's own
 * report is better. The handler uses only write(2), fork/exec and the
 * glibc backtrace(), which is loaded once at install time so that it does
 * not allocate in the handler.
 */
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "unix.h"

#if defined(__SANITIZE_ADDRESS__)
#define CRASH_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CRASH_SANITIZED 1
#endif
#endif

#ifdef CRASH_SANITIZED
void unix_crash_init(void)
{
}
#else
#define CRASH_FRAMES 32

static uint8_t alt_stack[64 * 1024] __attribute__((aligned(16)));

static void put(const char *s) { (void)!write(2, s, strlen(s)); }

static void put_hex(uintptr_t v)
{
	char b[2 + 2 * sizeof v + 1], *p = b + sizeof b - 1;
	*p = '\0';
	do {
		*--p = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	put(p);
}

static void put_dec(unsigned v)
{
	char b[12], *p = b + sizeof b - 1;
	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(p);
}

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV (invalid memory access)";
	case SIGBUS: return "SIGBUS (bus error)";
	case SIGILL: return "SIGILL (illegal instruction)";
	case SIGFPE: return "SIGFPE (arithmetic error, e.g. division by zero)";
	case SIGABRT: return "SIGABRT (abort() or a failed assertion)";
	default: return "a fatal signal";
	}
}

/* addr2line -f -i -p -e EXE OFFSET...: function and file:line per frame,
 * on stderr. False if it could not be run. */
static int symbolize(const char *exe, char offs[][2 + 2 * sizeof(uintptr_t) + 1], int n)
{
	char *argv[6 + CRASH_FRAMES + 1];
	int k = 0;
	argv[k++] = "addr2line";
	argv[k++] = "-f";
	argv[k++] = "-i";
	argv[k++] = "-p";
	argv[k++] = "-e";
	argv[k++] = (char *)exe;
	for (int i = 0; i < n; i++)
		argv[k++] = offs[i];
	argv[k] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		dup2(2, 1);
		execvp("addr2line", argv);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void put_frame(int i, uintptr_t pc, bool ret, const char *exe_name,
		      char offs[][2 + 2 * sizeof(uintptr_t) + 1], int *noff)
{
	Dl_info info;
	put("  #");
	put_dec((unsigned)i);
	put(" ");
	put_hex(pc);
	/* A return address points after its call: one byte back is the call. */
	if (dladdr((void *)pc, &info) && info.dli_fname) {
		uintptr_t off = pc - (uintptr_t)info.dli_fbase - (ret ? 1 : 0);
		if (info.dli_sname) {
			put(" ");
			put(info.dli_sname);
		}
		put(" (");
		put(info.dli_fname);
		put(" +");
		put_hex(off);
		put(")");
		if (exe_name && strcmp(info.dli_fname, exe_name) == 0 && *noff < CRASH_FRAMES) {
			char tmp[sizeof offs[0]], *q = tmp + sizeof tmp - 1;
			*q = '\0';
			do {
				*--q = "0123456789abcdef"[off & 15];
				off >>= 4;
			} while (off);
			*--q = 'x';
			*--q = '0';
			memcpy(offs[(*noff)++], q, (size_t)(tmp + sizeof tmp - q));
		}
	}
	put("\n");
}

static void on_crash(int sig, siginfo_t *si, void *uctx)
{
	void *frames[CRASH_FRAMES];
	char offs[CRASH_FRAMES][2 + 2 * sizeof(uintptr_t) + 1];
	const char *exe_name = NULL;
	uintptr_t fault_pc = 0;
	Dl_info self_info;
	int n, noff = 0, first = 0, shown = 0;

	fflush(stdout); /* the console: the last printf before the fault */
	put("\n");
	put(unix_program);
	put(": crashed: ");
	put(sig_name(sig));
	if (sig == SIGSEGV || sig == SIGBUS) {
		put(" at address ");
		put_hex((uintptr_t)si->si_addr);
	} else if (sig == SIGILL || sig == SIGFPE) {
		put(" at instruction ");
		put_hex((uintptr_t)si->si_addr);
	}
#if defined(__x86_64__)
	fault_pc = (uintptr_t)((ucontext_t *)uctx)->uc_mcontext.gregs[REG_RIP];
#else
	(void)uctx;
#endif
	if (dladdr((void *)on_crash, &self_info))
		exe_name = self_info.dli_fname;
	put("\nbacktrace (innermost first):\n");
	n = backtrace(frames, CRASH_FRAMES);
	/* Skip this handler and the signal trampoline: start at the fault. */
	for (int i = 0; fault_pc && i < n; i++)
		if ((uintptr_t)frames[i] == fault_pc) {
			first = i;
			break;
		}
	for (int i = first; i < n; i++, shown++)
		put_frame(shown, (uintptr_t)frames[i], i != first || !fault_pc, exe_name, offs,
			  &noff);
	if (noff) {
		char self[4096];
		ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
		const char *exe = exe_name;
		if (len > 0) { /* frames name argv[0]; the file is /proc/self/exe */
			self[len] = '\0';
			exe = self;
		}
		put("in the source (addr2line -f -i -p -e ");
		put(exe);
		put(" OFFSET...):\n");
		if (!symbolize(exe, offs, noff))
			put("  (addr2line could not be run: install binutils)\n");
	}
	_exit(255);
}

void unix_crash_init(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
	stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack};
	struct sigaction sa;
	void *warm[1];

	backtrace(warm, 1); /* loads libgcc's unwinder now, not in the handler */
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}
#endif
