/* main.c: the tender's phases in order, and its one-line messages
 * (docs/tender.md). */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "net.h"
#include "tender.h"

/* Formats into a stack buffer and writes once: no stdio buffering and no
 * allocation, so this works after seccomp and never interleaves. */
static void vmsg(const char *fmt, va_list ap)
{
	char buf[1024];
	size_t n = 8;
	__builtin_memcpy(buf, "tender: ", n);
	int r = vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
	if (r > 0)
		n += (size_t)r < sizeof buf - n - 1 ? (size_t)r : sizeof buf - n - 2;
	buf[n++] = '\n';
	ssize_t w = write(2, buf, n);
	(void)w;
}

void tender_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	_exit(TENDER_EXIT_USAGE);
}

void tender_guest_fault(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	tender_dumpcore(0);
	_exit(TENDER_EXIT_GUEST_FAULT);
}

void tender_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

#ifdef TENDER_PROFILE
#include <time.h>
void tender_phase(const char *name)
{
	static struct timespec last;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last.tv_sec)
		tender_warn("profile: %-22s %7.1f us", name,
			    (double)(now.tv_sec - last.tv_sec) * 1e6 +
				    (double)(now.tv_nsec - last.tv_nsec) / 1e3);
	last = now;
}
#endif

int main(int argc, char **argv)
{
	static struct tender_args args;
	static struct tender_image img;
	static struct tender_vm vm;

	TENDER_PHASE("start");
	/* A closed console (a pipe whose reader left) must not kill the
	 * tender with SIGPIPE: PUTS then just loses the text (hypercall.c). */
	signal(SIGPIPE, SIG_IGN);
	/* A user-mode device: the libslirp build of the tender takes over. */
	tender_net_reexec(argc, argv);
	char err[600];
	if (tender_args_parse(&args, argc, argv, err, sizeof err) < 0)
		tender_die("%s (see tender --help)", err);
	if (args.help) {
		fputs(tender_usage_text, stdout);
		return 0;
	}
	/* The image first: a bad image is reported without touching /dev/kvm. */
	tender_elf_open(&img, args.image);
	struct mft *m = (struct mft *)img.mft_buf;
	tender_mft_attach(m, &args);
	TENDER_PHASE("args, image, devices");

	tender_vm_create(&vm, args.mem_size);
	tender_elf_load(&img, vm.mem.base, vm.mem.size);
	close(img.fd);
	TENDER_PHASE("load image");
	tender_boot_setup(&vm, &img, m, img.mft_size, &args);
	tender_elf_protect(&img, &vm.mem);
	tender_dumpcore_setup(&args, &vm);
	TENDER_PHASE("boot setup");

	if (args.gdb_port)
		tender_gdb_start(&vm, &args);
	if (!args.seccomp_off)
		tender_seccomp(&vm, m);
	TENDER_PHASE("seccomp");
	tender_run(&vm, m);
}
