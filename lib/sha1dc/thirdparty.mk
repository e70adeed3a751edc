# lib/sha1dc: SHA-1 with collision detection (Stevens and Shumow's
# sha1collisiondetection, MIT), the implementation git itself uses, compiled
# from the copy in Debian's `git` source package (scripts/thirdparty).
# SHA1DC_NO_STANDARD_INCLUDES: kiln's libc has no <memory.h> or
# <sys/types.h>; <string.h> and <stdint.h> are all it needs. Aligned loads:
# its unaligned fast path is undefined behaviour in C (UBSan stops on it).
tp_sha1dc_srcs := $(addprefix $(TP)/sha1dc/sha1dc/,sha1.c ubc_check.c)
tp_sha1dc_cflags := -DSHA1DC_NO_STANDARD_INCLUDES -include string.h -include stdint.h \
	-DSHA1DC_INIT_SAFE_HASH_DEFAULT=0 -DSHA1DC_FORCE_ALIGNED_ACCESS -I$(TP)/sha1dc/sha1dc
tp_sha1dc_include := -I$(TP)/sha1dc/sha1dc
