/* fuzz/objects.c: the object parsers (tree, commit, tag, person) and the
 * loose-object decoder on arbitrary bytes; what parses must write back to
 * the same bytes. */
#include <kiln/git.h>

#include <stdlib.h>
#include <string.h>

static uint8_t back[1 << 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct view v = view_make(data, size);
	struct git_tree_iter it;
	struct git_tree_entry e[64];
	size_t n = 0;
	int rc;
	git_tree_iter_start(&it, v);
	while ((rc = git_tree_next(&it, &e[n % 64])) == 1)
		n++;
	if (rc == 0 && n <= 64) {
		long len = git_tree_write(e, n, back, sizeof back);
		if (len != (long)size || memcmp(back, data, size))
			abort();
	}
	static struct git_commit c;
	if (git_commit_parse(v, &c) == GIT_OK) {
		long len = git_commit_write(&c, back, sizeof back);
		if (size < sizeof back && (len != (long)size || memcmp(back, data, size)))
			abort();
	}
	struct git_tag t;
	if (git_tag_parse(v, &t) == GIT_OK) {
		long len = git_tag_write(&t, back, sizeof back);
		if (size < sizeof back && (len != (long)size || memcmp(back, data, size)))
			abort();
	}
	enum git_type type;
	uint8_t *content;
	size_t clen;
	struct git_oid oid;
	if (git_loose_decode(v, &type, &content, &clen, &oid) == GIT_OK)
		free(content);
	return 0;
}
