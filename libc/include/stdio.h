/* stdio.h: formatted output to the console and into strings (C11 7.21, a subset).
 * See docs/libc.md.
 *
 * There are no files: stdout and stderr both write to the appliance's console
 * (kiln_console_write(), which batches output), and fflush() pushes it out.
 * Formats: %d %i %u %x %X %o %c %s %p %% (%n is shown, not executed); flags - + space
 * # 0; width and precision (numbers or *); length hh h l ll j z t. There is no
 * floating point in a kiln guest: %f %e %g %a print "<float?>" and consume NO
 * argument (a double cannot even be passed under -mgeneral-regs-only).
 * Results follow C: snprintf returns the length the full output would have.
 */
#ifndef KLIBC_STDIO_H
#define KLIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

typedef struct klibc_file FILE;
extern FILE *const stdout;
extern FILE *const stderr;

#define EOF (-1)
#define BUFSIZ 4096

int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *restrict f, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vprintf(const char *restrict fmt, va_list ap);
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);

int putchar(int c);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int puts(const char *s);
int fputs(const char *restrict s, FILE *restrict f);
size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f);
int fflush(FILE *f);

#endif
