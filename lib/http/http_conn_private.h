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

#endif
