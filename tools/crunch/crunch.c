/* crunch.c: kiln-crunch DIR OUT.c SYMBOL: bake a directory into a C file
 * defining a read-only kv store (kv.h, docs/kv.md). */
#include "crunch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int valid_symbol(const char *s)
{
	if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	struct crunch_list list;
	long long mtime = -1;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	int rc;
	if (argc != 4) {
		fprintf(stderr, "usage: kiln-crunch DIR OUT.c SYMBOL\n"
				"  writes OUT.c defining `const struct kv_store SYMBOL` with DIR's files\n");
		return 2;
	}
	if (!valid_symbol(argv[3]) || strlen(argv[3]) > 200) {
		fprintf(stderr, "kiln-crunch: %s: SYMBOL must be a C identifier\n", argv[3]);
		return 2;
	}
	if (sde && *sde) {
		char *end;
		mtime = strtoll(sde, &end, 10);
		if (*end || mtime < 0) {
			fprintf(stderr, "kiln-crunch: SOURCE_DATE_EPOCH=%s: not a number of seconds\n", sde);
			return 2;
		}
	}
	rc = crunch_walk(argv[1], mtime, &list);
	if (rc == 0)
		rc = crunch_emit(&list, argv[3], argv[2]);
	crunch_list_free(&list);
	return rc == 0 ? 0 : 1;
}
