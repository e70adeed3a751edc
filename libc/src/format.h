/* format.h: the printf engine inside kiln libc (format.c); private. */
#ifndef KLIBC_FORMAT_H
#define KLIBC_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives the output of klibc_format in pieces. */
typedef void (*klibc_sink)(void *ctx, const char *s, size_t n);

/* Formats fmt with ap into sink; returns the number of bytes produced, or -1
 * (errno EOVERFLOW) past INT_MAX. */
int klibc_format(klibc_sink sink, void *ctx, const char *fmt, va_list ap);

#endif
