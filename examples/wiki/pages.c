/* pages.c: the wiki's pages: view (Markdown), raw text, edit form and save
 * (one commit each), history, diffs between versions, the page index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/platform.h>

#include "wiki.h"

#define NAME_MAX_LEN 100
#define TEXT_MAX (256u << 10)

/* The page name after prefix in the path: letters, digits, '_', '-', '.'
 * (not first), 1..100 bytes; false otherwise. */
static bool page_name(const struct http_request *req, const char *prefix, char *out)
{
	const char *p = req->path + strlen(prefix);
	size_t n = strlen(p);
	if (n == 0 || n > NAME_MAX_LEN || p[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= '0' && p[i] <= '9') || p[i] == '_' || p[i] == '-' || p[i] == '.'))
			return false;
	memcpy(out, p, n + 1);
	return true;
}

static void key_of(const char *name, char *key)
{
	snprintf(key, NAME_MAX_LEN + 16, "pages/%s.md", name);
}

static const char style[] =
	"<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;padding:0 1em}"
	"nav a{margin-right:1em}textarea{width:100%;height:24em}.del{background:#fdd}"
	".add{background:#dfd}.del,.add,.same{font-family:monospace;white-space:pre-wrap}"
	"</style>";

/* Send o as the body of a page titled title (escaped); frees o. */
static int send_page(struct http_response *resp, const char *title, struct md_out *o)
{
	struct md_out page = {0};
	md_puts(&page, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>");
	md_escape(&page, title, strlen(title));
	md_puts(&page, "</title>");
	md_puts(&page, style);
	md_puts(&page, "</head><body><nav><a href=\"/wiki/Home\">Home</a><a href=\"/pages\">All pages</a>"
		       "</nav>\n");
	md_append(&page, o->data ? o->data : "", o->len);
	md_puts(&page, "</body></html>\n");
	free(o->data);
	if (page.failed) {
		free(page.data);
		return 500;
	}
	http_response_field(resp, "Content-Type", "text/html; charset=utf-8");
	http_response_field(resp, "Cache-Control", "no-store");
	http_response_length(resp, page.len);
	int rc = http_response_write(resp, page.data, page.len);
	free(page.data);
	return rc < 0 ? -1 : 0;
}

static int redirect(struct http_response *resp, const char *to)
{
	http_response_status(resp, 303);
	http_response_field(resp, "Location", to);
	http_response_length(resp, 0);
	return 0;
}

int wiki_root(struct http_request *req, struct http_response *resp)
{
	if (strcmp(req->path, "/"))
		return 404;
	return redirect(resp, "/wiki/Home");
}

int wiki_view(struct http_request *req, struct http_response *resp)
{
	char name[NAME_MAX_LEN + 1], key[NAME_MAX_LEN + 16], link[NAME_MAX_LEN + 32];
	if (!page_name(req, "/wiki/", name))
		return 404;
	key_of(name, key);
	struct md_out o = {0};
	uint8_t *text;
	size_t len;
	int err = kvgit_get(&wiki_kv, key, &text, &len);
	md_puts(&o, "<h1>");
	md_escape(&o, name, strlen(name));
	md_puts(&o, "</h1>\n");
	snprintf(link, sizeof link, "%s", name);
	if (err == KVGIT_ENOENT) {
		http_response_status(resp, 404);
		md_puts(&o, "<p>There is no page by that name yet. <a href=\"/edit/");
		md_escape(&o, link, strlen(link));
		md_puts(&o, "\">Create it</a>.</p>\n");
		return send_page(resp, name, &o);
	}
	if (err) {
		free(o.data);
		return 500;
	}
	if (md_render(view_make(text, len), &o, NULL, NULL)) {
		free(text);
		free(o.data);
		return 500;
	}
	free(text);
	md_puts(&o, "<p><a href=\"/edit/");
	md_escape(&o, link, strlen(link));
	md_puts(&o, "\">Edit</a> <a href=\"/history/");
	md_escape(&o, link, strlen(link));
	md_puts(&o, "\">History</a></p>\n");
	return send_page(resp, name, &o);
}

int wiki_raw(struct http_request *req, struct http_response *resp)
{
	char name[NAME_MAX_LEN + 1], key[NAME_MAX_LEN + 16];
	if (!page_name(req, "/raw/", name))
		return 404;
	key_of(name, key);
	uint8_t *text;
	size_t len;
	int err = kvgit_get(&wiki_kv, key, &text, &len);
	if (err)
		return err == KVGIT_ENOENT ? 404 : 500;
	http_response_field(resp, "Content-Type", "text/plain; charset=utf-8");
	http_response_field(resp, "Cache-Control", "no-store");
	http_response_length(resp, len);
	int rc = http_response_write(resp, text, len);
	free(text);
	return rc < 0 ? -1 : 0;
}

int wiki_edit(struct http_request *req, struct http_response *resp)
{
	char name[NAME_MAX_LEN + 1], key[NAME_MAX_LEN + 16];
	if (!page_name(req, "/edit/", name))
		return 404;
	key_of(name, key);
	uint8_t *text = NULL;
	size_t len = 0;
	int err = kvgit_get(&wiki_kv, key, &text, &len);
	if (err && err != KVGIT_ENOENT)
		return 500;
	struct md_out o = {0};
	md_puts(&o, "<h1>Edit ");
	md_escape(&o, name, strlen(name));
	md_puts(&o, "</h1>\n<form method=\"post\" action=\"/edit/");
	md_escape(&o, name, strlen(name));
	md_puts(&o, "\"><textarea name=\"text\">");
	md_escape(&o, text ? (const char *)text : "", len);
	md_puts(&o, "</textarea><p>Your name <input name=\"author\"> Summary <input name=\"message\">"
		    " <button>Save</button></p></form>\n");
	free(text);
	return send_page(resp, name, &o);
}

/* A person's name or summary as git may store it: no '<', '>' or control
 * characters; empty becomes dflt. */
static void clean(char *s, const char *dflt, size_t cap)
{
	size_t j = 0;
	for (size_t i = 0; s[i]; i++)
		if ((unsigned char)s[i] >= ' ' && s[i] != '<' && s[i] != '>' && s[i] != 0x7f)
			s[j++] = s[i];
	s[j] = 0;
	while (j && s[j - 1] == ' ')
		s[--j] = 0;
	if (!j)
		snprintf(s, cap, "%s", dflt);
}

int wiki_save(struct http_request *req, struct http_response *resp)
{
	char name[NAME_MAX_LEN + 1], key[NAME_MAX_LEN + 16], author[80], email[100], msg[200];
	static char text[TEXT_MAX + 1];
	size_t tlen;
	if (!page_name(req, "/edit/", name))
		return 404;
	if (!wiki_form_field(req->body, "text", text, sizeof text, &tlen))
		return 400;
	if (!wiki_form_field(req->body, "author", author, sizeof author, NULL))
		author[0] = 0;
	if (!wiki_form_field(req->body, "message", msg, sizeof msg - 2, NULL))
		msg[0] = 0;
	clean(author, "anonymous", sizeof author);
	char dflt[NAME_MAX_LEN + 8];
	snprintf(dflt, sizeof dflt, "edit %s", name);
	clean(msg, dflt, sizeof msg - 2);
	strcat(msg, "\n");
	snprintf(email, sizeof email, "%s@wiki", author);
	for (char *p = email; *p; p++)
		if (*p == ' ')
			*p = '.';
	key_of(name, key);
	struct git_person who = {view_make(author, strlen(author)), view_make(email, strlen(email)),
				 (int64_t)(kiln_clock_wall() / 1000000000ull), "+0000"};
	/* Another writer between our read and our commit: read again, retry. */
	int err = KVGIT_ECONFLICT;
	for (int tries = 0; tries < 3 && err == KVGIT_ECONFLICT; tries++) {
		struct kvgit_txn *t = malloc(sizeof *t);
		if (!t)
			return 500;
		kvgit_txn_begin(&wiki_kv, t);
		kvgit_txn_set(t, key, view_make(text, tlen));
		err = kvgit_txn_commit(t, &who, msg, NULL);
		free(t);
		if (err == KVGIT_ECONFLICT)
			kvgit_refresh(&wiki_kv);
	}
	if (err) {
		printf("wiki: saving %s: %s\n", name, kvgit_strerror(err));
		return 503;
	}
	char to[NAME_MAX_LEN + 8];
	snprintf(to, sizeof to, "/wiki/%s", name);
	return redirect(resp, to);
}

struct hist_ctx {
	struct md_out *o;
	const char *name;
};

static int hist_row(void *arg, const struct git_oid *id, const struct git_commit *c, bool removed)
{
	struct hist_ctx *h = arg;
	char hex[GIT_OID_HEX + 1], when[32];
	git_oid_hex(id, hex);
	snprintf(when, sizeof when, "%lld", (long long)c->author.when);
	md_puts(h->o, "<li><a href=\"/diff/");
	md_puts(h->o, h->name);
	md_puts(h->o, "?to=");
	md_puts(h->o, hex);
	md_puts(h->o, "\">");
	md_append(h->o, hex, 12);
	md_puts(h->o, "</a> ");
	md_escape(h->o, (const char *)c->author.name.data, c->author.name.len);
	md_puts(h->o, " <span class=\"when\" data-unix=\"");
	md_puts(h->o, when);
	md_puts(h->o, "\"></span>: ");
	size_t l = 0;
	while (l < c->message.len && c->message.data[l] != '\n')
		l++;
	md_escape(h->o, (const char *)c->message.data, l);
	if (removed)
		md_puts(h->o, " (removed)");
	md_puts(h->o, "</li>\n");
	return 0;
}

int wiki_history(struct http_request *req, struct http_response *resp)
{
	char name[NAME_MAX_LEN + 1], key[NAME_MAX_LEN + 16];
	if (!page_name(req, "/history/", name))
		return 404;
	key_of(name, key);
	struct md_out o = {0};
	md_puts(&o, "<h1>History of ");
	md_escape(&o, name, strlen(name));
	md_puts(&o, "</h1>\n<ul>\n");
	struct hist_ctx h = {&o, name};
	int err = kvgit_history(&wiki_kv, key, 200, hist_row, &h);
	md_puts(&o, "</ul>\n");
	if (err) {
		free(o.data);
		return 500;
	}
	return send_page(resp, name, &o);
}

/* The version of key in commit (empty if absent there); a new buffer. */
static int version_at(const struct git_oid *commit, const char *key, uint8_t **text, size_t *len)
{
	int err = kvgit_get_at(wiki_kv.s, commit, key, text, len, NULL);
	if (err == KVGIT_ENOENT) {
		*text = NULL;
		*len = 0;
		return 0;
	}
	return err;
}

/* /diff/NAME?to=COMMIT[&from=COMMIT]: from defaults to to's first parent. */
int wiki_diff(struct http_request *req, struct http_response *resp)
{
	char name[NAME_MAX_LEN + 1], key[NAME_MAX_LEN + 16], hex[GIT_OID_HEX + 1];
	struct git_oid to, from;
	bool has_from = false;
	if (!page_name(req, "/diff/", name))
		return 404;
	key_of(name, key);
	if (!wiki_form_field(req->query, "to", hex, sizeof hex, NULL) ||
	    !git_oid_parse(view_make(hex, strlen(hex)), &to))
		return 400;
	if (wiki_form_field(req->query, "from", hex, sizeof hex, NULL)) {
		if (!git_oid_parse(view_make(hex, strlen(hex)), &from))
			return 400;
		has_from = true;
	}
	enum git_type t;
	uint8_t *data;
	size_t len;
	if (!has_from) {
		if (store_get(wiki_kv.s, &to, &t, &data, &len))
			return 404;
		struct git_commit *c = malloc(sizeof *c);
		int bad = !c || t != GIT_OBJ_COMMIT || git_commit_parse(view_make(data, len), c);
		if (!bad && c->nparents) {
			from = c->parents[0];
			has_from = true;
		}
		free(c);
		free(data);
		if (bad)
			return 404;
	}
	uint8_t *a = NULL, *b = NULL;
	size_t al = 0, bl = 0;
	if ((has_from && version_at(&from, key, &a, &al)) || version_at(&to, key, &b, &bl)) {
		free(a);
		return 404;
	}
	struct md_out o = {0};
	md_puts(&o, "<h1>Changes to ");
	md_escape(&o, name, strlen(name));
	md_puts(&o, "</h1>\n");
	int rc = wiki_diff_html(view_make(a, al), view_make(b, bl), &o);
	free(a);
	free(b);
	if (rc) {
		free(o.data);
		return 413;
	}
	return send_page(resp, name, &o);
}

static int list_row(void *arg, const char *file, bool is_dir)
{
	struct md_out *o = arg;
	size_t n = strlen(file);
	if (is_dir || n < 4 || strcmp(file + n - 3, ".md"))
		return 0;
	md_puts(o, "<li><a href=\"/wiki/");
	md_escape(o, file, n - 3);
	md_puts(o, "\">");
	md_escape(o, file, n - 3);
	md_puts(o, "</a></li>\n");
	return 0;
}

int wiki_index(struct http_request *req, struct http_response *resp)
{
	(void)req;
	struct md_out o = {0};
	md_puts(&o, "<h1>All pages</h1>\n<ul>\n");
	int err = kvgit_list(&wiki_kv, "pages", list_row, &o);
	md_puts(&o, "</ul>\n");
	if (err && err != KVGIT_ENOENT) {
		free(o.data);
		return 500;
	}
	return send_page(resp, "All pages", &o);
}

/* /files/PATH: any file of the branch, as octets (the path rules are
 * kvgit's: a bad one is 404 like a missing one). */
int wiki_file(struct http_request *req, struct http_response *resp)
{
	uint8_t *data;
	size_t len;
	int err = kvgit_get(&wiki_kv, req->path + strlen("/files/"), &data, &len);
	if (err)
		return err == KVGIT_ENOENT || err == KVGIT_EINVAL ? 404 : 500;
	http_response_field(resp, "Content-Type", "application/octet-stream");
	http_response_length(resp, len);
	int rc = http_response_write(resp, data, len);
	free(data);
	return rc < 0 ? -1 : 0;
}
