/* git_person.c: "Name <email> 1700000000 +0100", the author, committer and
 * tagger lines, by the rules of git's fsck.c fsck_ident(). */
#include <kiln/git.h>

#include <stdio.h>
#include <string.h>

static size_t span_not(struct view v, size_t i, const char *stop)
{
	while (i < v.len && !strchr(stop, v.data[i]))
		i++;
	return i;
}

int git_person_parse(struct view v, struct git_person *out)
{
	size_t lt = span_not(v, 0, "<>\n");
	if (lt == v.len || v.data[lt] != '<' || lt < 2 || v.data[lt - 1] != ' ')
		return GIT_EINVAL;
	size_t gt = span_not(v, lt + 1, "<>\n");
	if (gt == v.len || v.data[gt] != '>')
		return GIT_EINVAL;
	size_t p = gt + 1;
	if (p >= v.len || v.data[p] != ' ')
		return GIT_EINVAL;
	p++;
	size_t d0 = p;
	uint64_t when = 0;
	while (p < v.len && v.data[p] >= '0' && v.data[p] <= '9') {
		if (when > (UINT64_C(1) << 62) / 10)
			return GIT_EINVAL;
		when = when * 10 + (uint64_t)(v.data[p] - '0');
		p++;
	}
	if (p == d0 || (v.data[d0] == '0' && p - d0 > 1))
		return GIT_EINVAL;
	if (p >= v.len || v.data[p] != ' ')
		return GIT_EINVAL;
	p++;
	if (v.len - p != 5 || (v.data[p] != '+' && v.data[p] != '-'))
		return GIT_EINVAL;
	for (size_t i = 1; i < 5; i++)
		if (v.data[p + i] < '0' || v.data[p + i] > '9')
			return GIT_EINVAL;
	out->name = view_make(v.data, lt - 1);
	out->email = view_make(v.data + lt + 1, gt - lt - 1);
	out->when = (int64_t)when;
	memcpy(out->tz, v.data + p, 5);
	out->tz[5] = 0;
	return GIT_OK;
}

static bool clean(struct view v)
{
	for (size_t i = 0; i < v.len; i++)
		if (v.data[i] == '<' || v.data[i] == '>' || v.data[i] == '\n' || v.data[i] == 0)
			return false;
	return true;
}

bool git_person_write(const struct git_person *p, struct writer *w)
{
	if (p->name.len == 0 || !clean(p->name) || !clean(p->email) || p->when < 0 ||
	    strlen(p->tz) != 5 || (p->tz[0] != '+' && p->tz[0] != '-'))
		return false;
	char num[24];
	int n = snprintf(num, sizeof num, " %lld ", (long long)p->when);
	writer_bytes(w, p->name.data, p->name.len);
	writer_bytes(w, " <", 2);
	writer_bytes(w, p->email.data, p->email.len);
	writer_u8(w, '>');
	writer_bytes(w, num, (size_t)n);
	writer_bytes(w, p->tz, 5);
	return writer_ok(w);
}
