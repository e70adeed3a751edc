# lib/zlib: zlib (inflate and deflate) compiled from Debian's `zlib` source
# package (scripts/thirdparty) with kiln's flags for each target; nothing of
# it is in the tree. Z_SOLO: no libc use inside zlib (no stdio, no malloc):
# the caller passes its allocator in z_stream's zalloc/zfree, which is how
# lib/git bounds its memory. gz* (file I/O) and the convenience wrappers
# (compress.c, uncompr.c) are left out.
tp_zlib_srcs := $(addprefix $(TP)/zlib/,adler32.c crc32.c deflate.c inflate.c \
	inffast.c inftrees.c trees.c zutil.c)
tp_zlib_cflags := -DZ_SOLO -I$(TP)/zlib
# Libraries that include <zlib.h>: the header from the same source.
tp_zlib_include := -DZ_SOLO -I$(TP)/zlib
