/* wscheck-mock: one HTTP response on a libwebsockets connection.
 *
 * A reply is prepared first (status, headers, body) and written from the
 * connection's writeable callbacks: headers, then the body in chunks, then
 * the transaction is completed so keep-alive works. Preparing it outside a
 * callback is fine, which lets a reply wait for a timer (MCP stress test). */
#ifndef WSCHECK_MOCK_HTTP_REPLY_H
#define WSCHECK_MOCK_HTTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>
#include <libwebsockets.h>

#define HTTP_REPLY_MAX_HEADERS 6

/* Codes lws has no name for. */
#define MOCK_HTTP_ACCEPTED 202
#define MOCK_HTTP_UPGRADE_REQUIRED 426

struct http_reply {
    int status;
    const char *content_type; /* static string, or NULL */
    unsigned char *buf;       /* LWS_PRE + body */
    size_t len, off;
    struct {
        const char *name; /* static, lower case, ending in ':' */
        char value[96];
    } headers[HTTP_REPLY_MAX_HEADERS];
    int n_headers;
    bool ready; /* prepared, waiting to be written */
    bool headers_sent;
    bool close_after; /* do not keep the connection alive */
    bool head_only;   /* HEAD: headers (with the length) only */
};

/* Prepares a reply with body bytes (copied); headers and flags set before
 * are kept. Returns 0 or -1. */
int http_reply_set(struct http_reply *r, int status, const char *content_type,
                   const char *body, size_t len);

/* Prepares an application/json reply from obj (not taken). */
int http_reply_json(struct http_reply *r, int status, json_object *obj);

/* Answers 200 with obj (taken, may be NULL: -1), not to be cached
 * (status snapshots such as /health), and starts writing it. */
int http_reply_send_fresh_json(struct lws *wsi, struct http_reply *r, json_object *obj);

/* Prepares {"error": message} with the status. */
int http_reply_error(struct http_reply *r, int status, const char *message);

/* Adds a response header; value is copied (truncated if very long). */
void http_reply_header(struct http_reply *r, const char *name, const char *value);

/* Asks lws to start writing the prepared reply. */
void http_reply_start(struct lws *wsi, struct http_reply *r);

/* The HTTP_WRITEABLE handler: writes the next part. Returns the value the
 * lws callback must return (-1 closes the connection). */
int http_reply_writeable(struct lws *wsi, struct http_reply *r);

void http_reply_free(struct http_reply *r);

/* Answers a WebSocket upgrade request with status (400, 401, 403, 503, or 426 with
 * Sec-WebSocket-Version: 13) and message, from
 * LWS_CALLBACK_HTTP_CONFIRM_UPGRADE; returns what that callback returns. */
int http_refuse_upgrade(struct lws *wsi, int status, const char *message);

#endif
