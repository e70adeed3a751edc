/* range.c: libFuzzer harness for http_range_parse: the first 8 bytes are
 * the representation's length, the rest the Range value; a satisfiable
 * answer always lies inside the representation. */
#include <kiln/http.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t len = 0, first, last;
	uint8_t *copy;
	int rc;
	if (size < 8)
		return 0;
	memcpy(&len, data, 8);
	len &= 0xffffffffffull; /* up to 1 TiB: lengths that exist */
	data += 8, size -= 8;
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	rc = http_range_parse(view_make(copy, size), len, &first, &last);
	if (rc < -1 || rc > 1 || (rc == 1 && (first > last || last >= len)))
		abort();
	free(copy);
	return 0;
}
