/* http_conn_private.h: the server connection's output path, shared by the
 * connection loop and the response calls (not public). */
#ifndef KILN_HTTP_CONN_PRIVATE_H
#define KILN_HTTP_CONN_PRIVATE_H

#include "http_private.h"

/* Buffered output: 0, or -1 after an I/O error (c->failed set). Data larger
 * than what the buffer holds goes straight to the transport. */
int http_conn_out(struct http_conn *c, const void *data, size_t len);
int http_conn_flush(struct http_conn *c);

/* Write a response head: status line, Server, Date, ETag (if etag is not
 * NULL or empty), fields (ready "Name: value\r\n" lines), the framing
 * field and Connection. framing: HTTP_BODY_LENGTH (with length),
 * HTTP_BODY_CHUNKED, HTTP_BODY_CLOSE or HTTP_BODY_NONE (no length field:
 * 1xx/204/304). */
int http_conn_head(struct http_conn *c, int status, const char *etag, const char *fields,
		   size_t fields_len, int framing, uint64_t length);

/* Preconditions and Range for a complete 200 response r to req (RFC 9110
 * 13.2.2): r may become 304, 206 (body narrowed, Content-Range added) or
 * 416; returns 0, or 412 (or 500) for the caller's error response. The
 * response's ETag and its Last-Modified field are the validators. */
int http_conditions(const struct http_request *req, struct http_response *r);

#endif
