/* markdown.h: a small Markdown subset rendered to HTML, for pages a user
 * writes (the wiki). Every byte of input is escaped unless it is markup
 * this renderer understands, so a page can never inject HTML or script:
 * the output holds no tag, attribute or entity the input spelled itself.
 *
 * The subset (docs/markdown.md):
 *   # .. ######  headings          a blank line   ends a paragraph
 *   - item / * item                unordered list
 *   1. item                        ordered list
 *   ```  fenced code block ```     (contents escaped, verbatim)
 *   *em* _em_  **strong**  `code`  [text](url)  [[Page Name]] (a wiki link)
 * A link's URL must be http:, https:, mailto:, a path or a fragment: any
 * other scheme (javascript:, data:) is written as text.
 */
#ifndef KILN_MARKDOWN_H
#define KILN_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include <kiln/view.h>

/* A growing output buffer (malloc'd; free(out.data) when done). A failed
 * allocation is sticky: failed is set and nothing more is appended. */
struct md_out {
	char *data;
	size_t len, cap;
	bool failed;
};

void md_append(struct md_out *o, const char *s, size_t n);
void md_puts(struct md_out *o, const char *s);
/* Append s with &, <, >, " and ' escaped. */
void md_escape(struct md_out *o, const char *s, size_t n);

/* How [[Page Name]] links are written: the href for a page name, escaped by
 * the renderer. NULL: "/wiki/" followed by the name with spaces as '_'. */
typedef void (*md_link_fn)(void *arg, struct md_out *o, struct view page);

/* Render src into o; 0, or -1 if memory ran out. Input longer than
 * MD_MAX_INPUT is refused (-1): a page is text a person wrote. */
#define MD_MAX_INPUT (4u << 20)
int md_render(struct view src, struct md_out *o, md_link_fn link, void *arg);

#endif
