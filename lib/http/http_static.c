/* http_static.c: files from a kv store (kv.h) over HTTP, with validators
 * (RFC 9110 8.8.2 Last-Modified, 8.8.3 ETag, 15.4.2 301). */
#include "http_private.h"

#include <string.h>

int http_static_handler(struct http_request *req, struct http_response *resp)
{
	const struct http_static *st = req->arg;
	const char *index = st->index ? st->index : "index.html";
	const char *prefix = req->route ? req->route->prefix : "/";
	char key[HTTP_MAX_PATH + 64], date[30];
	size_t plen = strlen(prefix), klen, ilen = strlen(index);
	struct view value;
	struct kv_meta meta;
	int rc;
	/* The key: the path after the route's prefix, without a leading '/'. */
	const char *rest = req->path + (strncmp(req->path, prefix, plen) == 0 ? plen : 0);
	while (*rest == '/')
		rest++;
	klen = strlen(rest);
	if (klen + ilen + 2 > sizeof(key))
		return 404;
	memcpy(key, rest, klen + 1);
	if (klen == 0 || key[klen - 1] == '/') {
		memcpy(key + klen, index, ilen + 1);
		klen += ilen;
	}
	rc = kv_get(st->store, view_make(key, klen), &value, &meta);
	if (rc == KV_ENOENT && key[klen - 1] != '/') {
		/* A directory named without its slash: send the client to the
		 * slashed URL so relative links inside resolve (as nginx does). */
		struct view probe;
		size_t pl = strlen(req->path);
		key[klen] = '/';
		memcpy(key + klen + 1, index, ilen);
		if (kv_get(st->store, view_make(key, klen + 1 + ilen), &probe, NULL) == KV_OK &&
		    pl + 2 <= sizeof(key)) {
			/* The decoded path goes back out only if it needs no
			 * encoding (a Location is a URI reference). */
			for (size_t i = 0; i < pl; i++)
				if ((uint8_t)req->path[i] <= 0x20 || (uint8_t)req->path[i] >= 0x7f ||
				    req->path[i] == '%' || req->path[i] == '?' || req->path[i] == '#')
					return 404;
			memcpy(key, req->path, pl); /* key is done with: reuse it */
			key[pl] = '/';
			key[pl + 1] = 0;
			http_response_status(resp, 301);
			if (http_response_field(resp, "Location", key) < 0)
				return 500;
			http_response_body(resp, view_make(NULL, 0));
			return 0;
		}
		return 404;
	}
	if (rc == KV_EINVAL || rc == KV_ENOENT)
		return 404;
	if (rc != KV_OK)
		return 500;
	key[klen] = 0;
	if (http_response_field(resp, "Content-Type", http_mime_type(key)) < 0)
		return 500;
	if (meta.mtime) {
		http_date_format(meta.mtime / 1000000000ull, date);
		http_response_field(resp, "Last-Modified", date);
	}
	if (meta.etag[0])
		http_response_etag(resp, meta.etag);
	http_response_field(resp, "Accept-Ranges", "bytes");
	http_response_body(resp, value);
	return 0;
}
