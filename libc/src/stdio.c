/* stdio.c: printf and friends over the console, snprintf into memory (C11 7.21).
 * Both stdout and stderr are the console; see libc/include/stdio.h. */
#include <stdio.h>
#include <string.h>

#include <kiln/platform.h>
#include <kiln_libc.h>

#include "format.h"

struct klibc_file {
	int unused; /* both streams are the console */
};

static struct klibc_file console_out, console_err;
FILE *const stdout = &console_out;
FILE *const stderr = &console_err;

/* printf formats straight into the console's buffer (kiln_libc.h), which
 * the platform sends when it fills, when the appliance yields and at exit:
 * hello's whole output is one PUTS. */
static void console_full(struct klibc_out *o)
{
	klibc_console.len = o->len;
	kiln_console_flush();
	o->len = klibc_console.len;
}

/* ap: a va_list of the caller's own (format.h). */
static inline int console_format(const char *fmt, va_list *ap)
{
	struct klibc_console *c = &klibc_console;
	struct klibc_out o = {c->buf, c->len, c->cap, 0, console_full, c->buf + c->cap - 7};
	int n = klibc_format(&o, fmt, ap);

	c->len = o.len;
	return n;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	va_list aq;
	int n;

	(void)f;
	va_copy(aq, ap);
	n = console_format(fmt, &aq);
	va_end(aq);
	return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

/* No stack protector: its frame holds the va_list and printf's state, no
 * byte buffer, and the guard's check is ~5 instructions (~1 us each on
 * this machine's hypervisor) on every call. */
__attribute__((no_stack_protector)) int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = console_format(fmt, &ap);
	va_end(ap);
	return n;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	/* Room for all but the NUL; what does not fit is counted, not stored. */
	struct klibc_out o = {buf, 0, size > 0 ? size - 1 : 0, 0, NULL, NULL};
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = klibc_format(&o, fmt, &aq);
	va_end(aq);
	if (size > 0)
		buf[o.len] = '\0';
	return n;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int fputc(int c, FILE *f)
{
	char ch = (char)c;

	(void)f;
	kiln_console_write(&ch, 1);
	return (unsigned char)c;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fputs(const char *restrict s, FILE *restrict f)
{
	(void)f;
	kiln_console_write(s, strlen(s));
	return 0;
}

int puts(const char *s)
{
	kiln_console_write(s, strlen(s));
	kiln_console_write("\n", 1);
	return 0;
}

size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	(void)f;
	if (size == 0 || n == 0)
		return 0;
	if (n > (size_t)-1 / size)
		return 0;
	kiln_console_write(p, size * n);
	return n;
}

int fflush(FILE *f)
{
	(void)f;
	kiln_console_flush();
	return 0;
}
