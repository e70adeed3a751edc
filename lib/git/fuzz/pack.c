/* fuzz/pack.c: indexing a pack built from arbitrary bytes (with a valid
 * header and checksum, so the fuzzer reaches the entries), and every delta
 * op on an arbitrary base. */
#include <kiln/git.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte splits the rest into a base and a delta. */
	if (size > 0) {
		size_t cut = size > 1 ? data[0] % size : 0;
		static uint8_t out[1 << 16];
		(void)git_delta_apply(view_make(data + 1, cut ? cut - 1 : 0),
				      view_make(data + cut, size - cut), out, sizeof out);
	}
	if (size > 1 << 20)
		return 0;
	uint8_t *pack = malloc(12 + size + GIT_OID_RAW);
	if (!pack)
		return 0;
	memcpy(pack, "PACK\0\0\0\2", 8);
	uint32_t n = size ? data[0] : 0; /* at most 255 objects */
	store_be32(pack + 8, n);
	if (size)
		memcpy(pack + 12, data + 1, size - 1);
	size_t len = 12 + (size ? size - 1 : 0);
	if (git_sha1(view_make(pack, len), pack + len) == GIT_OK) {
		struct view v = view_make(pack, len + GIT_OID_RAW);
		struct git_pack_src src = git_pack_src_view(&v);
		struct git_pack_entry *e;
		size_t count;
		uint8_t sum[GIT_OID_RAW];
		if (git_pack_index(&src, &e, &count, sum) == GIT_OK)
			free(e);
	}
	free(pack);
	return 0;
}
