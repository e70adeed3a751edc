/* wiki.h: the wiki appliance's parts (docs/wiki.md). */
#ifndef WIKI_H
#define WIKI_H

#include <kiln/http.h>
#include <kiln/kvgit.h>
#include <kiln/markdown.h>

extern struct kvgit wiki_kv;

/* Routes (pages.c). */
int wiki_root(struct http_request *req, struct http_response *resp);
int wiki_view(struct http_request *req, struct http_response *resp);
int wiki_raw(struct http_request *req, struct http_response *resp);
int wiki_edit(struct http_request *req, struct http_response *resp);
int wiki_save(struct http_request *req, struct http_response *resp);
int wiki_history(struct http_request *req, struct http_response *resp);
int wiki_diff(struct http_request *req, struct http_response *resp);
int wiki_index(struct http_request *req, struct http_response *resp);
int wiki_file(struct http_request *req, struct http_response *resp);

/* form.c: the value of field name in an application/x-www-form-urlencoded
 * body or query, decoded into out (NUL-terminated); false if absent or too
 * long for cap. */
bool wiki_form_field(struct view form, const char *name, char *out, size_t cap, size_t *len);

/* diff.c: a line diff of a and b as HTML rows into o; -1 if either has more
 * than WIKI_DIFF_LINES lines. */
#define WIKI_DIFF_LINES 4000
int wiki_diff_html(struct view a, struct view b, struct md_out *o);

#endif
