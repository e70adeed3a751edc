/* date.c: libFuzzer harness for http_date_parse: any input parses or is
 * refused without reading past it, and an accepted date formats back to
 * an IMF-fixdate that parses to the same second. */
#include <kiln/http.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t secs, again;
	char out[30];
	uint8_t *copy = malloc(size ? size : 1); /* exact size: ASan sees overreads */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (http_date_parse(view_make(copy, size), &secs) == 0) {
		http_date_format(secs, out);
		if (http_date_parse(view_make(out, 29), &again) != 0 || again != secs)
			abort();
	}
	free(copy);
	return 0;
}
