/* git_tree.c: tree objects: entries, git's sort order, and fsck --strict's
 * rules for names and modes (git's fsck.c fsck_tree, tree.c). */
#include <kiln/git.h>

#include <stdlib.h>
#include <string.h>

static bool mode_valid(uint32_t m)
{
	return m == GIT_MODE_TREE || m == GIT_MODE_BLOB || m == GIT_MODE_EXEC ||
	       m == GIT_MODE_LINK || m == GIT_MODE_GITLINK;
}

static bool ieq(struct view v, const char *s)
{
	size_t n = strlen(s);
	if (v.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = v.data[i];
		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		if (c != (uint8_t)s[i])
			return false;
	}
	return true;
}

/* The names fsck refuses in a tree: empty, ".", "..", ".git" in any case,
 * anything holding '/' or NUL, and over GIT_MAX_NAME. */
static bool name_valid(struct view n)
{
	if (n.len == 0 || n.len > GIT_MAX_NAME)
		return false;
	if (ieq(n, ".") || ieq(n, "..") || ieq(n, ".git"))
		return false;
	for (size_t i = 0; i < n.len; i++)
		if (n.data[i] == '/' || n.data[i] == 0)
			return false;
	return true;
}

/* git's base_name_compare(): names compare as bytes, a tree's as if it ended
 * in '/'. */
static int name_cmp(struct view a, uint32_t am, struct view b, uint32_t bm)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = memcmp(a.data, b.data, n);
	if (c)
		return c;
	unsigned ca = a.len > n ? a.data[n] : (am == GIT_MODE_TREE ? '/' : 0);
	unsigned cb = b.len > n ? b.data[n] : (bm == GIT_MODE_TREE ? '/' : 0);
	return ca < cb ? -1 : ca > cb;
}

int git_tree_entry_cmp(const struct git_tree_entry *a, const struct git_tree_entry *b)
{
	return name_cmp(a->name, a->mode, b->name, b->mode);
}

static int cmp_qsort(const void *a, const void *b)
{
	return git_tree_entry_cmp(a, b);
}

void git_tree_sort(struct git_tree_entry *e, size_t n)
{
	qsort(e, n, sizeof *e, cmp_qsort);
}

void git_tree_iter_start(struct git_tree_iter *it, struct view tree)
{
	memset(it, 0, sizeof *it);
	it->tree = tree;
}

static int fail(struct git_tree_iter *it, int err)
{
	it->err = err;
	return err;
}

int git_tree_next(struct git_tree_iter *it, struct git_tree_entry *e)
{
	if (it->err)
		return it->err;
	if (it->pos == it->tree.len)
		return 0;
	struct reader r = reader_make(it->tree);
	reader_seek(&r, it->pos);
	/* The mode: octal, no leading zero, at most 6 digits, then a space. */
	uint32_t mode = 0;
	size_t digits = 0;
	for (;;) {
		uint8_t c = reader_u8(&r);
		if (!reader_ok(&r))
			return fail(it, GIT_EINVAL);
		if (c == ' ')
			break;
		if (c < '0' || c > '7' || digits == 6 || (digits == 0 && c == '0'))
			return fail(it, GIT_EINVAL);
		mode = mode * 8 + (uint32_t)(c - '0');
		digits++;
	}
	if (!mode_valid(mode))
		return fail(it, GIT_EINVAL);
	size_t start = r.pos, end = start;
	while (end < it->tree.len && it->tree.data[end])
		end++;
	if (end == it->tree.len)
		return fail(it, GIT_EINVAL);
	struct view name = {it->tree.data + start, end - start};
	if (name.len > GIT_MAX_NAME)
		return fail(it, GIT_ELIMIT);
	if (!name_valid(name))
		return fail(it, GIT_EINVAL);
	reader_seek(&r, end + 1);
	struct git_oid oid;
	reader_copy(&r, oid.id, GIT_OID_RAW);
	if (!reader_ok(&r))
		return fail(it, GIT_EINVAL);
	/* Strictly ascending: a duplicate (even a file and a tree of the same
	 * name, which compare apart) is refused as fsck does. */
	if (it->last.data) {
		if (name_cmp(it->last, it->last_mode, name, mode) >= 0 ||
		    view_equal(it->last, name))
			return fail(it, GIT_EINVAL);
	}
	it->last = name;
	it->last_mode = mode;
	it->pos = r.pos;
	e->mode = mode;
	e->name = name;
	e->oid = oid;
	return 1;
}

int git_tree_check(struct view tree)
{
	struct git_tree_iter it;
	struct git_tree_entry e;
	int rc;
	git_tree_iter_start(&it, tree);
	while ((rc = git_tree_next(&it, &e)) == 1)
		;
	return rc;
}

long git_tree_write(const struct git_tree_entry *e, size_t n, uint8_t *out, size_t cap)
{
	struct writer w = writer_make(out, cap);
	for (size_t i = 0; i < n; i++) {
		if (!mode_valid(e[i].mode) || !name_valid(e[i].name))
			return GIT_EINVAL;
		if (i > 0 && (git_tree_entry_cmp(&e[i - 1], &e[i]) >= 0 ||
			      view_equal(e[i - 1].name, e[i].name)))
			return GIT_EINVAL;
		char digits[8];
		int nd = 0;
		for (uint32_t m = e[i].mode; m; m /= 8)
			digits[nd++] = (char)('0' + m % 8);
		while (nd)
			writer_u8(&w, (uint8_t)digits[--nd]);
		writer_u8(&w, ' ');
		writer_bytes(&w, e[i].name.data, e[i].name.len);
		writer_u8(&w, 0);
		writer_bytes(&w, e[i].oid.id, GIT_OID_RAW);
	}
	if (!writer_ok(&w))
		return GIT_ENOSPC;
	return (long)w.len;
}
