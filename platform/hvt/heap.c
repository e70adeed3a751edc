/* heap.c: kiln_heap_used() in an hvt guest, from kiln's own allocator. */
#include <kiln/platform.h>
#include <kiln_libc.h>

size_t kiln_heap_used(void) { return klibc_heap_used(); }
