/* fuzz/render.c: any page renders without a memory error, and the output
 * holds only the markup the renderer writes (md_check.h). */
#include <kiln/markdown.h>

#include <stdlib.h>

#include "../md_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_out o = {0};
	if (md_render(view_make(data, size), &o, NULL, NULL) == 0 && o.data &&
	    !md_output_safe(o.data, o.len))
		abort();
	free(o.data);
	return 0;
}
