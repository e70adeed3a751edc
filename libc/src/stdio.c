/* stdio.c: printf and friends over the console, snprintf into memory (C11 7.21).
 * Both stdout and stderr are the console; see libc/include/stdio.h. */
#include <stdio.h>
#include <string.h>

#include <kiln/platform.h>

#include "format.h"

struct klibc_file {
	int unused; /* both streams are the console */
};

static struct klibc_file console_out, console_err;
FILE *const stdout = &console_out;
FILE *const stderr = &console_err;

/* printf formats into a stack buffer, handed to the console (which batches
 * again) when full and at the end: one call for a typical line. */
static void console_flush(struct klibc_out *o)
{
	kiln_console_write(o->buf, o->len);
	o->len = 0;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	char buf[256];
	struct klibc_out o = {buf, 0, sizeof(buf), 0, console_flush};
	int n;

	(void)f;
	n = klibc_format(&o, fmt, ap);
	console_flush(&o);
	return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
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
	struct klibc_out o = {buf, 0, size > 0 ? size - 1 : 0, 0, NULL};
	int n = klibc_format(&o, fmt, ap);

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
