/* git_zlib.c: zlib's allocator for a Z_SOLO build: malloc and free. */
#include "git_zlib.h"

#include <stdlib.h>
#include <string.h>

static voidpf zalloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	if (size && items > (uInt)-1 / size)
		return Z_NULL;
	return malloc((size_t)items * size);
}

static void zfree(voidpf opaque, voidpf p)
{
	(void)opaque;
	free(p);
}

void git_zlib_prepare(z_stream *s)
{
	memset(s, 0, sizeof *s);
	s->zalloc = zalloc;
	s->zfree = zfree;
}
