/* wscheck-mock: writing HTTP responses with libwebsockets. */
#include "http_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "header_limit.h"
#include "jsonout.h"

/* Body bytes per writeable callback: lws buffers what the socket does not
 * take, so chunks keep that buffer small for big client lists. */
#define CHUNK 16384

void http_reply_free(struct http_reply *r)
{
    free(r->buf);
    memset(r, 0, sizeof(*r));
}

/* Keeps headers and flags already set on r: only the body is replaced. */
int http_reply_set(struct http_reply *r, int status, const char *content_type,
                   const char *body, size_t len)
{
    free(r->buf);
    r->buf = malloc(LWS_PRE + len + 1);
    if (!r->buf)
        return -1;
    if (len)
        memcpy(r->buf + LWS_PRE, body, len);
    r->status = status;
    r->content_type = content_type;
    r->len = len;
    return 0;
}

int http_reply_json(struct http_reply *r, int status, json_object *obj)
{
    const char *text;
    size_t len;

    if (!obj)
        return -1;
    text = json_object_to_json_string_length(obj, MOCK_JSON_FLAGS, &len);
    if (!text)
        return -1;
    return http_reply_set(r, status, "application/json", text, len);
}

int http_reply_send_fresh_json(struct lws *wsi, struct http_reply *r, json_object *obj)
{
    int rc = http_reply_json(r, HTTP_STATUS_OK, obj);

    json_object_put(obj);
    if (rc)
        return -1;
    http_reply_header(r, "cache-control:", "no-store");
    http_reply_start(wsi, r);
    return 0;
}

int http_reply_error(struct http_reply *r, int status, const char *message)
{
    json_object *o = json_object_new_object();
    int rc;

    if (!o)
        return -1;
    mock_json_add(o, "error", json_object_new_string(message));
    rc = http_reply_json(r, status, o);
    json_object_put(o);
    return rc;
}

void http_reply_header(struct http_reply *r, const char *name, const char *value)
{
    if (r->n_headers >= HTTP_REPLY_MAX_HEADERS)
        return;
    r->headers[r->n_headers].name = name;
    snprintf(r->headers[r->n_headers].value, sizeof(r->headers[r->n_headers].value), "%s",
             value);
    r->n_headers++;
}

void http_reply_start(struct lws *wsi, struct http_reply *r)
{
    r->ready = true;
    r->headers_sent = false;
    r->off = 0;
    lws_callback_on_writable(wsi);
}

static int write_headers(struct lws *wsi, struct http_reply *r)
{
    unsigned char hdr[LWS_PRE + 1024];
    unsigned char *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof(hdr) - 1;

    if (lws_add_http_common_headers(wsi, (unsigned int)r->status, r->content_type, r->len,
                                    &p, end))
        return -1;
    if (r->close_after &&
        lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
                                     (const unsigned char *)"close", 5, &p, end))
        return -1;
    for (int i = 0; i < r->n_headers; i++) {
        const char *v = r->headers[i].value;

        if (lws_add_http_header_by_name(wsi, (const unsigned char *)r->headers[i].name,
                                        (const unsigned char *)v, (int)strlen(v), &p,
                                        end))
            return -1;
    }
    if (lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    r->headers_sent = true;
    return 0;
}

/* Ends the transaction: lws then reads the next request on the connection,
 * unless it or we decided to close it. */
static int finish(struct lws *wsi, struct http_reply *r)
{
    bool close_after = r->close_after;

    http_reply_free(r);
    if (close_after || lws_http_transaction_completed(wsi))
        return -1;
    header_limit_awaiting(wsi); /* the next request's head */
    return 0;
}

int http_reply_writeable(struct lws *wsi, struct http_reply *r)
{
    size_t chunk;
    int final;

    if (!r->ready)
        return 0;
    if (!r->headers_sent) {
        if (write_headers(wsi, r))
            return -1;
        if (r->len == 0 || r->head_only)
            return finish(wsi, r);
        lws_callback_on_writable(wsi);
        return 0;
    }
    chunk = r->len - r->off;
    if (chunk > CHUNK)
        chunk = CHUNK;
    final = r->off + chunk == r->len;
    /* The LWS_PRE bytes lws may use in front of a chunk are already
     * sent body bytes (or the reserved head room for the first). */
    if (lws_write(wsi, r->buf + LWS_PRE + r->off, chunk,
                  final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < (int)chunk)
        return -1;
    r->off += chunk;
    if (final)
        return finish(wsi, r);
    lws_callback_on_writable(wsi);
    return 0;
}

/* Written by hand: at this stage lws would answer as HTTP/1.0, which
 * WebSocket clients refuse to read. Returns 1: "answered, carry on". */
static const char *refusal_text(int status)
{
    switch (status) {
    case MOCK_HTTP_UPGRADE_REQUIRED:
        return "Upgrade Required";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 503:
        return "Service Unavailable";
    default:
        return "Bad Request";
    }
}

int http_refuse_upgrade(struct lws *wsi, int status, const char *message)
{
    unsigned char buf[LWS_PRE + 640];
    char *p = (char *)buf + LWS_PRE;
    bool version = status == MOCK_HTTP_UPGRADE_REQUIRED;
    int n = snprintf(p, sizeof(buf) - LWS_PRE,
                     "HTTP/1.1 %d %s\r\n"
                     "%s"
                     "content-type: text/plain\r\n"
                     "content-length: %zu\r\n"
                     "connection: close\r\n"
                     "\r\n%s\n",
                     status, refusal_text(status),
                     version ? "upgrade: websocket\r\nsec-websocket-version: 13\r\n"
                     : status == 401 ? "www-authenticate: Bearer\r\n"
                                     : "",
                     strlen(message) + 1, message);

    if (n < 0 || (size_t)n >= sizeof(buf) - LWS_PRE)
        return -1;
    if (lws_write(wsi, buf + LWS_PRE, (size_t)n, LWS_WRITE_HTTP_HEADERS) != n)
        return -1;
    header_limit_awaiting(wsi); /* lws reads on: the next request's head */
    return 1;
}
