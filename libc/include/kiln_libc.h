/* kiln_libc.h: what kiln's C library needs from the platform that runs it.
 *
 * The libc writes through kiln_console_write() (printf straight into the
 * console's buffer, below) and ends through kiln_exit() and kiln_abort()
 * (include/kiln/platform.h). Its heap is one region the platform hands
 * over with klibc_heap_init() or gives when first asked (klibc_heap_region):
 * on hvt from the image's end symbol to below the stack (docs/hvt-guest.md).
 * Without either, malloc() returns NULL.
 */
#ifndef KLIBC_KILN_LIBC_H
#define KLIBC_KILN_LIBC_H

#include <stdbool.h>
#include <stddef.h>

/* The console's output buffer, owned by the platform (on hvt
 * platform/hvt/console.c). printf formats straight into buf at len, one copy
 * fewer than formatting elsewhere and handing the text to
 * kiln_console_write(): every guest instruction costs ~1 us on this
 * machine's hypervisor. When the buffer fills, printf sets len = cap and
 * calls kiln_console_flush(), which must send buf[0, len) and set len to 0.
 * printf may store scratch bytes in buf[len, cap) (it copies 8 bytes a
 * step); only buf[0, len) is output. */
struct klibc_console {
	char *buf;
	size_t len; /* bytes waiting to be sent */
	size_t cap; /* size of buf; at least 64 */
};
extern struct klibc_console klibc_console;

/* Give the allocator [start, start + len) (rounded inwards to 16 bytes).
 * It only records the region: the allocator writes its two headers there on
 * the first malloc(), so an appliance that never allocates never touches
 * it. Only the first call counts. */
void klibc_heap_init(void *start, size_t len);

/* Or the platform defines this, and the allocator asks it for the region
 * on the first malloc() if klibc_heap_init() was never called: then boot
 * spends nothing at all on the heap (on hvt, platform/hvt/boot.c). Returns
 * false if there is no heap. A weak reference: platforms without it (the
 * host tests) hand the region over with klibc_heap_init(). */
bool klibc_heap_region(void **start, size_t *len) __attribute__((weak));

/* Bytes the allocator has handed out and not had back (payload plus
 * headers), and the free bytes left; for statistics and tests. */
size_t klibc_heap_used(void);
size_t klibc_heap_free(void);

#endif
