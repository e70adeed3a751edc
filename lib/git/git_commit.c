/* git_commit.c: commit and tag objects: the header order fsck --strict
 * requires (fsck.c fsck_commit, fsck_tag), parsed and written byte for byte. */
#include <kiln/git.h>

#include <string.h>

/* The next line of v from *pos (without its '\n'); false at the end or if
 * the line has no '\n' or is over GIT_MAX_HEADER. */
static bool next_line(struct view v, size_t *pos, struct view *line)
{
	size_t i = *pos;
	while (i < v.len && v.data[i] != '\n') {
		if (i - *pos > GIT_MAX_HEADER)
			return false;
		i++;
	}
	if (i == v.len)
		return false;
	*line = view_make(v.data + *pos, i - *pos);
	*pos = i + 1;
	return true;
}

/* If line is "<key> <value>", the value. */
static bool keyed(struct view line, const char *key, struct view *value)
{
	size_t n = strlen(key);
	if (line.len < n + 1 || memcmp(line.data, key, n) || line.data[n] != ' ')
		return false;
	*value = view_make(line.data + n + 1, line.len - n - 1);
	return true;
}

/* Extra headers up to the blank line, and the message after it. */
static int rest(struct view data, size_t pos, struct view *extra, struct view *message)
{
	size_t start = pos;
	struct view line;
	for (;;) {
		size_t at = pos;
		if (!next_line(data, &pos, &line))
			return GIT_EINVAL;
		if (line.len == 0) {
			*extra = view_make(data.data + start, at - start);
			*message = view_make(data.data + pos, data.len - pos);
			return GIT_OK;
		}
		/* A header is "key value" or a continuation " ...". */
		if (line.data[0] != ' ' && !memchr(line.data, ' ', line.len))
			return GIT_EINVAL;
	}
}

int git_commit_parse(struct view data, struct git_commit *out)
{
	size_t pos = 0;
	struct view line, v;
	if (data.len > GIT_MAX_OBJECT)
		return GIT_ELIMIT;
	if (!next_line(data, &pos, &line) || !keyed(line, "tree", &v) ||
	    !git_oid_parse(v, &out->tree))
		return GIT_EINVAL;
	out->nparents = 0;
	for (;;) {
		if (!next_line(data, &pos, &line))
			return GIT_EINVAL;
		if (!keyed(line, "parent", &v))
			break;
		if (out->nparents == GIT_MAX_PARENTS)
			return GIT_ELIMIT;
		if (!git_oid_parse(v, &out->parents[out->nparents++]))
			return GIT_EINVAL;
	}
	if (!keyed(line, "author", &v) || git_person_parse(v, &out->author))
		return GIT_EINVAL;
	if (!next_line(data, &pos, &line) || !keyed(line, "committer", &v) ||
	    git_person_parse(v, &out->committer))
		return GIT_EINVAL;
	return rest(data, pos, &out->extra, &out->message);
}

static void oid_line(struct writer *w, const char *key, const struct git_oid *oid)
{
	char hex[GIT_OID_HEX + 1];
	git_oid_hex(oid, hex);
	writer_bytes(w, key, strlen(key));
	writer_u8(w, ' ');
	writer_bytes(w, hex, GIT_OID_HEX);
	writer_u8(w, '\n');
}

static bool person_line(struct writer *w, const char *key, const struct git_person *p)
{
	writer_bytes(w, key, strlen(key));
	writer_u8(w, ' ');
	if (!git_person_write(p, w))
		return false;
	writer_u8(w, '\n');
	return true;
}

/* Extra headers must end in '\n' (or be empty) so the blank line follows. */
static bool extra_ok(struct view extra)
{
	return extra.len == 0 || extra.data[extra.len - 1] == '\n';
}

static long finish(struct writer *w, struct view extra, struct view message)
{
	writer_bytes(w, extra.data, extra.len);
	writer_u8(w, '\n');
	writer_bytes(w, message.data, message.len);
	return writer_ok(w) ? (long)w->len : GIT_ENOSPC;
}

long git_commit_write(const struct git_commit *c, uint8_t *out, size_t cap)
{
	struct writer w = writer_make(out, cap);
	if (c->nparents > GIT_MAX_PARENTS || !extra_ok(c->extra))
		return GIT_EINVAL;
	oid_line(&w, "tree", &c->tree);
	for (size_t i = 0; i < c->nparents; i++)
		oid_line(&w, "parent", &c->parents[i]);
	if (!person_line(&w, "author", &c->author) ||
	    !person_line(&w, "committer", &c->committer))
		return writer_ok(&w) ? GIT_EINVAL : GIT_ENOSPC;
	return finish(&w, c->extra, c->message);
}

/* A tag's name: what git check-ref-format would take as the last component
 * is more than fsck asks; fsck wants it non-empty and free of newlines,
 * which next_line already ensures. */
int git_tag_parse(struct view data, struct git_tag *out)
{
	size_t pos = 0;
	struct view line, v;
	if (data.len > GIT_MAX_OBJECT)
		return GIT_ELIMIT;
	if (!next_line(data, &pos, &line) || !keyed(line, "object", &v) ||
	    !git_oid_parse(v, &out->object))
		return GIT_EINVAL;
	if (!next_line(data, &pos, &line) || !keyed(line, "type", &v) ||
	    (out->type = git_type_parse(v)) == GIT_OBJ_NONE)
		return GIT_EINVAL;
	if (!next_line(data, &pos, &line) || !keyed(line, "tag", &out->name) ||
	    out->name.len == 0)
		return GIT_EINVAL;
	size_t at = pos;
	out->has_tagger = false;
	if (next_line(data, &pos, &line) && keyed(line, "tagger", &v)) {
		if (git_person_parse(v, &out->tagger))
			return GIT_EINVAL;
		out->has_tagger = true;
	} else {
		pos = at;
	}
	return rest(data, pos, &out->extra, &out->message);
}

long git_tag_write(const struct git_tag *t, uint8_t *out, size_t cap)
{
	struct writer w = writer_make(out, cap);
	const char *type = git_type_name(t->type);
	if (!type || t->name.len == 0 || memchr(t->name.data, '\n', t->name.len) ||
	    !extra_ok(t->extra))
		return GIT_EINVAL;
	oid_line(&w, "object", &t->object);
	writer_bytes(&w, "type ", 5);
	writer_bytes(&w, type, strlen(type));
	writer_bytes(&w, "\ntag ", 5);
	writer_bytes(&w, t->name.data, t->name.len);
	writer_u8(&w, '\n');
	if (t->has_tagger && !person_line(&w, "tagger", &t->tagger))
		return writer_ok(&w) ? GIT_EINVAL : GIT_ENOSPC;
	return finish(&w, t->extra, t->message);
}
