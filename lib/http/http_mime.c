/* http_mime.c: Content-Type from a file extension (RFC 9110 8.3; types as
 * registered with IANA; text types declare UTF-8). */
#include "http_private.h"

#include <string.h>

static const struct {
	const char *ext, *type;
} types[] = {
	{"html", "text/html; charset=utf-8"},
	{"htm", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"txt", "text/plain; charset=utf-8"},
	{"json", "application/json"},
	{"xml", "application/xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"gif", "image/gif"},
	{"svg", "image/svg+xml"},
	{"ico", "image/vnd.microsoft.icon"},
	{"wasm", "application/wasm"},
	{"woff2", "font/woff2"},
	{"pdf", "application/pdf"},
};

const char *http_mime_type(const char *name)
{
	const char *dot = NULL;
	for (const char *p = name; *p; p++) {
		if (*p == '.')
			dot = p;
		else if (*p == '/')
			dot = NULL; /* a dot in a directory name is no extension */
	}
	if (dot && dot[1]) {
		struct view ext = view_make(dot + 1, strlen(dot + 1));
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (http_ieq(ext, types[i].ext))
				return types[i].type;
	}
	return "application/octet-stream";
}
