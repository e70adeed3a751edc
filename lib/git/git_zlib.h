/* git_zlib.h: zlib streams with kiln's allocator (zlib is built Z_SOLO:
 * it takes its memory only from the zalloc/zfree given here). Internal. */
#ifndef KILN_GIT_ZLIB_H
#define KILN_GIT_ZLIB_H

#include <zlib.h>

/* Set a fresh stream's allocator; then inflateInit/deflateInit as usual. */
void git_zlib_prepare(z_stream *s);

#endif
