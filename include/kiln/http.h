/* http.h: HTTP/1.1 (RFC 9110 semantics, RFC 9112 messages): an incremental
 * message parser, a server engine with a small handler API, a static-file
 * handler over a kv store, and a client. docs/http.md has the tour.
 *
 * Layers, each usable alone:
 *
 *   struct http_parser   BearSSL-style engine: the caller pushes bytes in and
 *                        gets events out (head complete, body bytes, message
 *                        end, error). No malloc; every limit below is fixed;
 *                        the head is copied into the parser, body bytes are
 *                        handed back as views of the caller's own input.
 *   struct http_conn     one server connection: reads bytes through a
 *                        struct http_io, parses, dispatches to routes,
 *                        writes responses (keep-alive, pipelining, chunked,
 *                        HEAD, 304, Date, Server, error responses).
 *   http_static_handler  files from a struct kv_store (kv.h), with ETags
 *                        and Content-Type from the extension.
 *   struct http_client   one request and its response over a struct http_io.
 *
 * Transport: struct http_io is two blocking calls. Over TCP with fibers they
 * suspend the calling fiber; in tests they read from and write to memory.
 * Nothing here knows which.
 *
 * Strictness (where RFC 9112 leaves a choice, kiln takes the safe one, as
 * request smuggling lives in the differences between lenient parsers):
 *   - lines end in CRLF. A bare LF or a bare CR anywhere in a head, a chunk
 *     line or a trailer is 400 (RFC 9112 2.2 allows rejecting bare CR and
 *     permits but does not require accepting bare LF);
 *   - up to HTTP_MAX_EMPTY_LINES empty lines before a request line are
 *     skipped (RFC 9112 2.2: clients send CRLF after a POST body);
 *   - Transfer-Encoding with Content-Length, Transfer-Encoding in an
 *     HTTP/1.0 request, chunked not last or twice: 400; any coding other
 *     than chunked (gzip, identity, ...): 501; Content-Length values that
 *     differ or hold anything but digits: 400 (identical repeats, "5, 5",
 *     are accepted, RFC 9110 8.6); every such error closes the connection;
 *   - field names are tokens; whitespace before the colon, obs-fold (a line
 *     starting with SP/HTAB) and control characters in values are 400;
 *   - an HTTP/1.1 request needs exactly one Host field, HTTP/1.0 at most one;
 *   - HTTP/1.x with x > 1 is answered as HTTP/1.1; other majors are 505.
 */
#ifndef KILN_HTTP_H
#define KILN_HTTP_H

#include <kiln/kv.h>
#include <kiln/view.h>

/* --- Limits (each with its reason) ------------------------------------- */

/* The whole head (request line, fields, CRLFs): 8 KiB is what nginx and
 * Apache accept by default, so no real client is refused; beyond: 431. */
#define HTTP_MAX_HEAD 8192
/* One line of the head. The request line beyond it is 414 (the target is
 * what grows); a field line beyond it is 431. */
#define HTTP_MAX_LINE 4096
/* Field lines per message: browsers send ~15; beyond: 431. */
#define HTTP_MAX_FIELDS 64
/* Empty lines skipped before a request line; more is 400 (a client
 * streaming CRLFs would otherwise be served forever). */
#define HTTP_MAX_EMPTY_LINES 4
/* A chunk-size line including extensions: sizes need 16 hex digits, and
 * kiln ignores extensions, so 256 bytes is generous; beyond: 400. */
#define HTTP_MAX_CHUNK_LINE 256
/* A chunked body's trailer section (discarded): beyond it, 431. */
#define HTTP_MAX_TRAILER 4096
/* Response fields a handler may add (bytes of "Name: value\r\n" lines). */
#define HTTP_MAX_RESPONSE_FIELDS 1024
/* A server connection's read and write buffers. 4 KiB reads take a whole
 * typical browser request at once; the write buffer coalesces the heads and
 * small bodies of pipelined responses into one write. */
#define HTTP_READ_BUF 4096
#define HTTP_WRITE_BUF 4096
/* The normalised path (decoded): a kv key plus its leading '/' and an
 * index file name. */
#define HTTP_MAX_PATH (KV_MAX_KEY + 32)

/* --- Transport ---------------------------------------------------------- */

struct http_io {
	/* Read up to len bytes into buf: returns the count (> 0), 0 at end of
	 * stream, < 0 on error. Blocks (suspends the caller) until one of
	 * those. */
	long (*read)(void *ctx, void *buf, size_t len);
	/* Write up to len bytes: returns the count written (> 0; may be less
	 * than len) or < 0 on error. */
	long (*write)(void *ctx, const void *buf, size_t len);
	/* Optional (NULL: none): a lingering close (RFC 9112 9.6). Called
	 * after an error response has been written on a connection whose
	 * request was not read to its end, just before the engine returns to
	 * close it: half-close the sending side, then read and discard what
	 * the peer still sends, for a bounded time and size, so closing with
	 * unread data does not reset the connection and destroy the response
	 * before the client has read it. */
	void (*linger)(void *ctx);
};

/* --- Messages and the parser -------------------------------------------- */

enum http_method {
	HTTP_M_OTHER = 0, /* a token kiln does not know: 501 from the server */
	HTTP_M_GET, HTTP_M_HEAD, HTTP_M_POST, HTTP_M_PUT, HTTP_M_DELETE,
	HTTP_M_CONNECT, HTTP_M_OPTIONS, HTTP_M_TRACE, HTTP_M_PATCH
};

enum http_framing {
	HTTP_BODY_NONE,    /* no body */
	HTTP_BODY_LENGTH,  /* Content-Length bytes */
	HTTP_BODY_CHUNKED, /* chunked transfer coding */
	HTTP_BODY_CLOSE    /* until the connection closes (responses only) */
};

struct http_field {
	struct view name, value; /* value without surrounding whitespace */
};

/* A parsed head. All views point into the parser's own buffer and stay
 * valid until the parser is pushed past this message's end. */
struct http_message {
	/* Requests. */
	struct view method, target; /* as received */
	struct view path, query;    /* target split at '?', path still encoded;
	                               for absolute-form the path part only */
	enum http_method method_id;
	/* Responses. */
	int status;
	struct view reason;
	/* Both. */
	int version; /* 10 or 11 */
	struct http_field fields[HTTP_MAX_FIELDS];
	size_t nfields;
	enum http_framing framing;
	uint64_t content_length; /* with HTTP_BODY_LENGTH */
	int keep_alive;          /* the connection persists after this message */
	int expect_continue;     /* request had Expect: 100-continue */
};

enum http_kind { HTTP_REQUEST, HTTP_RESPONSE };

enum http_event {
	HTTP_EV_MORE,  /* all input consumed; push more */
	HTTP_EV_HEAD,  /* the head is parsed: parser.msg */
	HTTP_EV_BODY,  /* *body holds the next decoded body bytes */
	HTTP_EV_END,   /* the message is complete; the next push begins the next */
	HTTP_EV_ERROR  /* parser.error holds the status; sticky */
};

struct http_parser {
	/* Public, read-only. */
	struct http_message msg;
	int error;          /* 0, or the status to answer: 400 413 414 417 431
	                       501 505 (responses being parsed: 400 502) */
	uint64_t body_len;  /* body bytes decoded so far in this message */
	/* Private. */
	enum http_kind kind;
	uint64_t max_body;
	int state, sub;
	int no_body;        /* client: the request was HEAD */
	size_t head_len, line_len, lines, empty_lines, trailer_len;
	uint64_t remaining;
	uint8_t head[HTTP_MAX_HEAD];
};

/* Start a parser for requests (a server) or responses (a client). Bodies
 * longer than max_body are refused with 413 (requests) or 502 (responses)
 * as soon as their length is known. */
void http_parser_init(struct http_parser *p, enum http_kind kind, uint64_t max_body);

/* Push input. Consumes bytes from in up to and including the first event and
 * returns how many; *ev says which event. With HTTP_EV_BODY, *body views the
 * decoded bytes inside in (nothing is copied). Call again with the rest of
 * the input (possibly empty: a message with no body ends without more
 * input, see http_parser_needs_input) until HTTP_EV_MORE. After HTTP_EV_END
 * the parser is ready for the next message on the same stream (pipelining).
 * After HTTP_EV_ERROR nothing more is parsed: close the connection. */
size_t http_parser_push(struct http_parser *p, struct view in, enum http_event *ev,
			struct view *body);

/* False when the next push would produce an event without any input (the
 * end of a bodiless message, a sticky error). A driver reads from its
 * transport only when this is true and its input is used up. */
int http_parser_needs_input(const struct http_parser *p);

/* True between messages: nothing of a next message has arrived. An end of
 * stream here is a clean close. */
int http_parser_idle(const struct http_parser *p);

/* True while a request head is being collected: its first byte is in and
 * the head is not complete (a transport times the head as a whole, against
 * slowloris; see httpd.h). */
int http_parser_in_head(const struct http_parser *p);

/* The end of the stream: HTTP_EV_END if it completes a close-delimited
 * response body, HTTP_EV_ERROR (error 400) if a message was cut short,
 * HTTP_EV_MORE if the parser was idle. */
enum http_event http_parser_eof(struct http_parser *p);

/* The first field named name (case-insensitive) in m: true and *value set,
 * or false. */
int http_message_field(const struct http_message *m, const char *name, struct view *value);

/* --- Server ------------------------------------------------------------- */

struct http_request;
struct http_response;

/* A handler fills resp and returns 0; or returns an HTTP status >= 400 for
 * the server's standard error response (nothing written yet); or returns < 0
 * to close the connection (after an I/O error from http_response_write). */
typedef int (*http_handler_fn)(struct http_request *req, struct http_response *resp);

/* A route: requests whose method is method (NULL: any; "GET" also takes
 * HEAD, whose body the server drops) and whose normalised path is under
 * prefix. A prefix ending in '/' matches every path starting with it; any
 * other prefix matches itself and paths continuing with '/' ("/api" takes
 * "/api" and "/api/x", not "/apix"). Routes are tried in order; a path
 * under some route whose method differs is 405 with Allow. */
struct http_route {
	const char *method;
	const char *prefix;
	http_handler_fn fn;
	void *arg; /* handed to the handler as req->arg */
};

struct http_stats {
	uint64_t connections, requests, responses_2xx, responses_3xx, responses_4xx,
		responses_5xx, bad_requests /* parse errors of any status */,
		io_errors;
};

/* One per appliance; shared by its connections (single-threaded). */
struct http_server {
	const struct http_route *routes;
	size_t nroutes;
	const char *name;            /* Server field value, or NULL for none */
	/* Wall clock for the Date field (ns since the epoch): kiln_clock_wall
	 * in an appliance; NULL sends no Date (RFC 9110 6.6.1: only servers
	 * without a clock may omit it). */
	uint64_t (*now)(void);
	struct http_stats stats;
	/* Private: the Date field, formatted once per second. */
	uint64_t date_sec;
	char date[30];
};

/* The request a handler sees. */
struct http_request {
	const struct http_message *msg; /* head: method, target, fields */
	enum http_method method;
	int head_only;        /* a HEAD request */
	const char *path;     /* normalised and percent-decoded, NUL-terminated,
	                         starts with '/' (http_path_normalize) */
	struct view query;    /* after '?', still encoded */
	struct view body;     /* the whole request body (chunked decoded) */
	void *arg;            /* the route's arg */
	const struct http_route *route;
};

/* The first request field named name: true and *value set, or false. */
int http_request_field(const struct http_request *req, const char *name, struct view *value);

/* The response a handler fills. Status defaults to 200. */
struct http_response {
	int status;
	/* Private. */
	struct http_conn *conn;
	size_t fields_len;
	int fields_overflow;
	struct view body;
	int has_body;
	char etag[KV_ETAG_MAX];
	uint64_t length;     /* http_response_length, with has_length */
	int has_length;
	int started;         /* head written (streaming) */
	int chunked;         /* streaming with chunked coding */
	uint64_t written;
	char fields[HTTP_MAX_RESPONSE_FIELDS]; /* last: not cleared per request */
};

void http_response_status(struct http_response *r, int status);

/* Add a field. 0, or -1 if name is not a token, value holds CR, LF or
 * another control character, the field is one the server writes itself
 * (Content-Length, Transfer-Encoding, Connection, Date, Server, ETag), or
 * the fields no longer fit (HTTP_MAX_RESPONSE_FIELDS; the response then
 * becomes a 500). */
int http_response_field(struct http_response *r, const char *name, const char *value);

/* The entity-tag (quotes included, e.g. "\"abc\"" or "W/\"abc\""). A 200
 * GET/HEAD response with one is turned into 304 Not Modified when the
 * request's If-None-Match matches it (RFC 9110 13.1.2, weak comparison). */
void http_response_etag(struct http_response *r, const char *etag);

/* The body, sent after the handler returns with Content-Length framing; the
 * bytes are not copied, so they must outlive the handler: static data, a kv
 * value, memory the route's arg owns. */
void http_response_body(struct http_response *r, struct view body);

/* Streaming, for bodies made on the fly. Optionally declare the length
 * first (http_response_length); otherwise the body goes chunked to
 * HTTP/1.1 clients and close-delimited to HTTP/1.0 ones. The first write
 * sends the head (status and fields are fixed from then on); bytes are
 * copied out before the call returns. 0, or -1 on an I/O error (return < 0
 * from the handler). A length-framed body of the wrong size closes the
 * connection after the response. */
void http_response_length(struct http_response *r, uint64_t length);
int http_response_write(struct http_response *r, const void *data, size_t len);

/* One connection. Large (~21 KiB: the parser's 8 KiB head buffer, the two
 * 4 KiB I/O buffers, the response being built and the decoded path): it is
 * what a connection costs while a request is in progress. Allocate it when
 * data arrives, free it when http_conn_serve returns. The engine keeps its
 * stack use small (hvt, -fstack-usage: http_conn_serve 400 B, the static
 * handler 1.4 KiB, the rest under 400 B: ~2 KiB deep plus the transport's
 * write), so it runs on 8 KiB fiber stacks. */
struct http_conn {
	struct http_server *srv;
	const struct http_io *io;
	void *io_ctx;
	struct http_parser parser;
	uint8_t *body;      /* request body storage: the caller's */
	size_t body_cap;
	size_t body_len;
	uint8_t rbuf[HTTP_READ_BUF];
	size_t rlen, roff;
	uint8_t wbuf[HTTP_WRITE_BUF];
	size_t wlen;
	int failed;         /* an I/O error: stop */
	int close_after;    /* close once this response is out */
	/* Set by the caller after http_conn_init: http_conn_serve returns
	 * HTTP_CONN_IDLE instead of blocking in read() when nothing of a next
	 * request has arrived and every response is written (never before its
	 * first read: the caller serves because the transport is readable). */
	int return_when_idle;
	struct http_response resp; /* the response being built */
	char path[HTTP_MAX_PATH];  /* the request's normalised path */
};

/* Prepare c. body/body_cap: where request bodies are collected; a request
 * with a longer body gets 413 (body_cap 0: only bodiless requests). */
void http_conn_init(struct http_conn *c, struct http_server *srv, const struct http_io *io,
		    void *io_ctx, void *body, size_t body_cap);

/* Serve requests until the peer closes, an error response closes the
 * connection, Connection: close, or an I/O error. Responses go out in
 * request order; pipelined responses are coalesced into few writes.
 * Returns 0 after a clean close, -1 after an I/O error (the caller then
 * closes the transport), or HTTP_CONN_IDLE (return_when_idle set) when the
 * connection is open and idle between requests.
 *
 * Idle connections (docs/fibers.md): between requests an http_conn holds
 * nothing that must survive: no bytes are buffered, the parser is at the
 * start of a message. So a caller may set return_when_idle, free the
 * http_conn on HTTP_CONN_IDLE, wait (a dormant fiber: no stack) until the
 * transport is readable, then init a fresh one and serve again. An idle
 * keep-alive connection then costs the transport's state only. */
#define HTTP_CONN_IDLE 1
int http_conn_serve(struct http_conn *c);

/* --- Static files from a kv store --------------------------------------- */

struct http_static {
	const struct kv_store *store;
	const char *index; /* file for a directory path; NULL: "index.html" */
};

/* A handler (route arg: a struct http_static) serving files: the key is the
 * request path after the route's prefix (with prefix "/", "/css/a.css" is
 * key "css/a.css"); a path ending in '/' gets the index file; a directory
 * path without the slash is redirected (301) to the one with it. Sets
 * Content-Type (http_mime_type), ETag (from the store's digest, so 304s
 * work) and Last-Modified. 404 if absent. */
int http_static_handler(struct http_request *req, struct http_response *resp);

/* --- Helpers (used by the above; public for handlers and tests) ---------- */

/* Normalise a request path: percent-decode (a '%' must have two hex digits;
 * decoded NUL, '/', '\\' and control characters are refused, as is a raw
 * '\\'), drop empty and "." segments, resolve ".." (refused if it would
 * climb above the root). out gets a NUL-terminated path starting with '/',
 * ending with '/' if the input named a directory. 0, or -1 (the caller
 * answers 400); -1 too if out (cap bytes) is too small. */
int http_path_normalize(struct view path, char *out, size_t cap);

/* The Content-Type for a file name's extension (case-insensitive): html
 * htm css js mjs png jpg jpeg gif svg ico txt json xml wasm woff2 pdf;
 * "application/octet-stream" for the rest. */
const char *http_mime_type(const char *name);

/* IMF-fixdate (RFC 9110 5.6.7) of secs since the epoch, e.g. "Sun, 06 Nov
 * 1994 08:49:37 GMT": 29 characters and a NUL into out. Years past 9999
 * print as 9999-12-31 23:59:59. Integer arithmetic only. */
void http_date_format(uint64_t secs, char out[30]);

/* An HTTP-date (RFC 9110 5.6.7) into seconds since the epoch: IMF-fixdate
 * ("Sun, 06 Nov 1994 08:49:37 GMT") and the two obsolete forms recipients
 * must accept, rfc850 ("Sunday, 06-Nov-94 08:49:37 GMT"; years 00-69 are
 * 20xx) and asctime ("Sun Nov  6 08:49:37 1994"). Case-sensitive, exact
 * spacing, dates before 1970 refused. 0, or -1 if v is none of those. */
int http_date_parse(struct view v, uint64_t *secs);

/* A Range field value (RFC 9110 14.1.2) against a representation of len
 * bytes: 1 with [*first, *last] for one satisfiable "bytes=" range (a
 * last-pos past the end is clamped, "-N" is the last N bytes); -1 when no
 * range is satisfiable (416); 0 when the field is to be ignored (another
 * unit, a syntax error, or more than one range: kiln then sends the whole
 * representation with 200, as 14.2 permits). */
int http_range_parse(struct view v, uint64_t len, uint64_t *first, uint64_t *last);

/* Does the If-None-Match/If-Match field value list match etag? "*" matches
 * any tag. weak: weak comparison (If-None-Match: W/ prefixes ignored);
 * otherwise strong (If-Match: both must be strong and equal). A malformed
 * list matches nothing after the fault. RFC 9110 8.8.3.2, 13.1.1-2. */
int http_etag_match(struct view list, struct view etag, int weak);

/* The reason phrase for a status ("Not Found"), "" if unknown. */
const char *http_reason(int status);

/* --- Client ------------------------------------------------------------- */

struct http_client_request {
	const char *method;  /* "GET" ... */
	const char *host;    /* Host field value */
	const char *target;  /* "/path?query" */
	const char *fields;  /* extra "Name: value\r\n" lines, or NULL */
	struct view body;    /* sent with Content-Length if method takes one or
	                        body.len > 0 */
	int close;           /* send Connection: close */
};

/* The response's body bytes, in order, as they arrive; return non-zero to
 * abort (the connection is then unusable). */
typedef int (*http_body_fn)(void *arg, struct view chunk);

struct http_client {
	const struct http_io *io;
	void *io_ctx;
	struct http_parser parser; /* parser.msg is the last response's head */
	uint8_t rbuf[HTTP_READ_BUF];
	size_t rlen, roff;
	int reusable;              /* the connection may carry another request */
};

void http_client_init(struct http_client *cl, const struct http_io *io, void *io_ctx,
		      uint64_t max_body);

/* Send one request and read its response (skipping 1xx interim responses):
 * 0 with cl->parser.msg (status, fields) valid until the next call, body
 * delivered through fn; -1 on an I/O error, a malformed or too large
 * response (cl->parser.error says which) or when fn aborted. Afterwards
 * cl->reusable says whether another request may follow on this transport. */
int http_client_exchange(struct http_client *cl, const struct http_client_request *rq,
			 http_body_fn fn, void *arg);

#endif
