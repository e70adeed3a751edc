/* console.c: the console (include/kiln/platform.h) over the PUTS hypercall, batched:
 * every PUTS is a VM exit (~8 us here), so output waits in a buffer until it
 * fills, the appliance yields, or it ends. printf formats straight into the
 * same buffer (klibc_console, libc/include/kiln_libc.h). */
#include <string.h>

#include <kiln/platform.h>
#include <kiln_libc.h>

#include "hvt.h"

/* 4 KiB: a page of log lines per exit; larger gains little. */
#define HVT_CONSOLE_BUF 4096

static char console_buf[HVT_CONSOLE_BUF];
struct klibc_console klibc_console = {console_buf, 0, sizeof(console_buf)};

/* No stack protector: no array here, only the PUTS struct whose address
 * the monitor reads, and the guard's check would be ~5 more instructions
 * (each ~1 us here) on every flush. */
__attribute__((no_stack_protector)) void kiln_console_flush(void)
{
	hvt_console_flush();
}

void kiln_console_write(const char *buf, size_t len)
{
	struct klibc_console *c = &klibc_console;

	while (len > 0) {
		size_t room = sizeof(console_buf) - c->len;
		size_t n = len < room ? len : room;

		memcpy(console_buf + c->len, buf, n);
		c->len += n;
		buf += n;
		len -= n;
		if (c->len == sizeof(console_buf))
			kiln_console_flush();
	}
}

void hvt_print(const char *s)
{
	kiln_console_write(s, strlen(s));
}

void hvt_print_hex(uint64_t v, int digits)
{
	char b[16];

	if (digits < 1 || digits > 16)
		digits = 16;
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		b[i] = "0123456789abcdef"[v & 15];
	kiln_console_write(b, (size_t)digits);
}
