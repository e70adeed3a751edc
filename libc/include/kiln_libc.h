/* kiln_libc.h: what kiln's C library needs from the platform that runs it.
 *
 * The libc writes through kiln_console_write() and ends through kiln_exit()
 * and kiln_abort() (include/kiln/platform.h). Its heap is one region the
 * platform hands over once at boot, before kiln_main(): on hvt from the
 * image's end symbol to below the stack (docs/hvt-guest.md). Until then
 * malloc() returns NULL.
 */
#ifndef KLIBC_KILN_LIBC_H
#define KLIBC_KILN_LIBC_H

#include <stddef.h>

/* Give the allocator [start, start + len) (rounded inwards to 16 bytes).
 * It writes only two headers here: no pass over the memory at boot. Only the
 * first call counts. */
void klibc_heap_init(void *start, size_t len);

/* Bytes the allocator has handed out and not had back (payload plus
 * headers), and the free bytes left; for statistics and tests. */
size_t klibc_heap_used(void);
size_t klibc_heap_free(void);

#endif
