/* format.h: the printf engine inside kiln libc (format.c); private.
 *
 * Output goes straight into a buffer: the caller's for snprintf, a stack
 * buffer flushed to the console for printf. A call per piece through a
 * function pointer cost more guest instructions (each ~1 us here) than the
 * formatting itself. */
#ifndef KLIBC_FORMAT_H
#define KLIBC_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

struct klibc_out {
	char *buf;
	size_t len;   /* bytes in buf */
	size_t cap;   /* room in buf */
	size_t total; /* bytes flushed or dropped: all produced = total + len - len at start */
	/* Empties buf (len = 0) when it is full; NULL: drop what does not fit. */
	void (*flush)(struct klibc_out *o);
	/* Where buf[len, cap) is scratch (the console's buffer), literal text
	 * and %s strings are copied 8 bytes a step, each store of 8 bytes
	 * starting below wend (buf + cap - 7). NULL: only the bytes of the
	 * output are ever written (snprintf, whose caller's buffer beyond the
	 * NUL must stay as it was): no address is below it. */
	char *wend;
};

/* Formats fmt with ap into o; returns the number of bytes produced,
 * or -1 (errno EOVERFLOW) past INT_MAX. Does not flush the end of buf. It
 * takes the arguments from *ap, a va_list of the caller's own (va_start or
 * va_copy'd: a va_list parameter is not one), and leaves it used up; by
 * pointer so that printf hands over its own without a va_copy. */
int klibc_format(struct klibc_out *o, const char *fmt, va_list *ap);

#endif
