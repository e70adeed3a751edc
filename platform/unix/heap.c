/* heap.c: kiln_heap_used() on Linux, from glibc's allocator statistics. */
#include <kiln/platform.h>

#include <malloc.h>

size_t kiln_heap_used(void)
{
	struct mallinfo2 m = mallinfo2();
	return m.uordblks + m.hblkhd;
}
