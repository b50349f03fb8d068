/* wscheck-mock: MCP over Streamable HTTP. */
#include "mcp_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "header_limit.h"
#include "http_request.h"
#include "jsonout.h"
#include "log.h"
#include "mcp_runs.h"
#include "metrics.h"
#include "msg_queue.h"
#include "server_options.h"
#include "server.h"
#include "server_status.h"

/* Smallest body limit, so a tiny --max-message-size cannot break MCP. */
#define MIN_BODY_LIMIT 65536

bool mcp_origin_allowed(const struct mock_options *opt, const char *origin)
{
    static const char *const local[] = {"localhost", "127.0.0.1", "[::1]"};
    const char *host;
    size_t n;

    for (size_t i = 0; i < opt->n_origins; i++)
        if (strcmp(opt->origins[i], "*") == 0 || strcasecmp(opt->origins[i], origin) == 0)
            return true;
    if (strncasecmp(origin, "http://", 7) == 0)
        host = origin + 7;
    else if (strncasecmp(origin, "https://", 8) == 0)
        host = origin + 8;
    else
        return false;
    n = strcspn(host, "/");
    if (host[0] == '[') {
        const char *close = memchr(host, ']', n);

        n = close ? (size_t)(close - host) + 1 : n;
    } else {
        n = strcspn(host, ":/");
    }
    if (host[n] != '\0' && host[n] != ':' && host[n] != '/')
        return false;
    for (size_t i = 0; i < sizeof(local) / sizeof(*local); i++)
        if (n == strlen(local[i]) && strncasecmp(host, local[i], n) == 0)
            return true;
    return false;
}

/* ---- reading the request ---- */

static bool copy_custom(struct lws *wsi, const char *name, char *out, size_t outlen)
{
    int n = (int)strlen(name);

    out[0] = '\0';
    if (lws_hdr_custom_length(wsi, name, n) < 0)
        return false;
    return lws_hdr_custom_copy(wsi, out, (int)outlen, name, n) >= 0;
}

static bool copy_token(struct lws *wsi, enum lws_token_indexes t, char *out,
                       size_t outlen)
{
    out[0] = '\0';
    if (lws_hdr_total_length(wsi, t) <= 0)
        return false;
    return lws_hdr_copy(wsi, out, (int)outlen, t) >= 0;
}

static void read_headers(struct lws *wsi, struct mcp_pss *pss)
{
    pss->has_session =
        copy_custom(wsi, "mcp-session-id:", pss->session, sizeof(pss->session));
    pss->has_version =
        copy_custom(wsi, "mcp-protocol-version:", pss->version, sizeof(pss->version));
    pss->has_origin = copy_token(wsi, WSI_TOKEN_ORIGIN, pss->origin, sizeof(pss->origin));
}

static bool accepts_json(struct lws *wsi)
{
    char accept[256];

    if (!copy_token(wsi, WSI_TOKEN_HTTP_ACCEPT, accept, sizeof(accept)))
        return true; /* no Accept: anything goes */
    return strcasestr(accept, "application/json") || strstr(accept, "*/*") ||
           strcasestr(accept, "application/*");
}

static bool accepts_sse(struct lws *wsi)
{
    char accept[256];

    return copy_token(wsi, WSI_TOKEN_HTTP_ACCEPT, accept, sizeof(accept)) &&
           strcasestr(accept, "text/event-stream");
}

static bool is_json_body(struct lws *wsi)
{
    char ct[128];

    return copy_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, ct, sizeof(ct)) &&
           strncasecmp(ct, "application/json", 16) == 0;
}

/* ---- answering ---- */

static void add_cors(struct mcp_pss *pss)
{
    if (!pss->has_origin)
        return;
    http_reply_header(&pss->reply, "access-control-allow-origin:", pss->origin);
    http_reply_header(&pss->reply, "access-control-expose-headers:", "mcp-session-id");
}

static int send_error(struct lws *wsi, struct mcp_pss *pss, int status,
                      const char *message)
{
    if (http_reply_error(&pss->reply, status, message))
        return -1;
    add_cors(pss);
    http_reply_start(wsi, &pss->reply);
    return 0;
}

/* Refuses the request; with a body on its way, only once it has been read
 * (closing on unread data would reset the connection under the answer). */
static int refuse(struct lws *wsi, struct mcp_pss *pss, int status, const char *message)
{
    if (pss->expect_body) {
        pss->refusal = status;
        pss->refusal_msg = message;
        return 0;
    }
    return send_error(wsi, pss, status, message);
}

static int send_answer(struct lws *wsi, struct mcp_pss *pss, struct mcp_answer *ans)
{
    int rc = ans->body ? http_reply_json(&pss->reply, ans->status, ans->body)
                       : http_reply_set(&pss->reply, ans->status, NULL, "", 0);

    json_object_put(ans->body);
    ans->body = NULL;
    if (rc)
        return -1;
    if (ans->session_id[0])
        http_reply_header(&pss->reply, "mcp-session-id:", ans->session_id);
    add_cors(pss);
    http_reply_start(wsi, &pss->reply);
    return 0;
}

static void async_finished(struct mcp_async *a, json_object *response)
{
    struct mcp_pss *pss = lws_container_of(a, struct mcp_pss, async);
    struct mcp_answer ans;

    memset(&ans, 0, sizeof(ans));
    ans.status = 200;
    ans.body = response;
    if (send_answer(pss->wsi, pss, &ans))
        lws_set_timeout(pss->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* ---- SSE: a POST's streamed answer, or the GET stream ---- */

static void sse_start(struct lws *wsi, struct mcp_pss *pss)
{
    if (pss->streaming)
        return;
    pss->streaming = true;
    /* A stream may be quiet for long: lws' idle timeouts must not end it. */
    lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
    lws_callback_on_writable(wsi);
}

static int sse_head(struct lws *wsi, struct mcp_pss *pss)
{
    unsigned char hdr[LWS_PRE + 1024];
    unsigned char *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof(hdr) - 1;
    static const struct {
        const char *name, *value;
    } fixed[] = {{"cache-control:", "no-cache"}, {"connection:", "close"}};

    if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, "text/event-stream",
                                    LWS_ILLEGAL_HTTP_CONTENT_LEN, &p, end))
        return -1;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)fixed[i].name,
                                        (const unsigned char *)fixed[i].value,
                                        (int)strlen(fixed[i].value), &p, end))
            return -1;
    if (pss->has_origin &&
        lws_add_http_header_by_name(
            wsi, (const unsigned char *)"access-control-allow-origin:",
            (const unsigned char *)pss->origin, (int)strlen(pss->origin), &p, end))
        return -1;
    if (lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    pss->sse_head_sent = true;
    return 0;
}

/* Headers, then the queued events; the stream ends with the connection
 * (no Content-Length: the body is delimited by the close). */
static int sse_writeable(struct lws *wsi, struct mcp_pss *pss)
{
    if (!pss->sse_head_sent && sse_head(wsi, pss))
        return -1;
    if (msg_queue_write(wsi, &pss->sse_out, 32, LWS_WRITE_HTTP) < 0)
        return -1;
    if (pss->sse_out.head || lws_partial_buffered(wsi)) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    return pss->sse_end ? -1 : 0;
}

static bool is_response(json_object *msg)
{
    json_object *v;

    return !json_object_object_get_ex(msg, "method", &v) &&
           json_object_object_get_ex(msg, "id", &v);
}

/* SSE: every message as an event. JSON: the response only (notifications
 * have nowhere to go). */
static int sink_send(struct mcp_sink *s, json_object *msg)
{
    struct mcp_pss *pss = lws_container_of(s, struct mcp_pss, sink);
    struct mcp_answer ans;
    char *event;
    size_t len;
    const char *text = json_object_to_json_string_length(msg, MOCK_JSON_FLAGS, &len);
    int rc;

    if (!text || pss->sse_end)
        return -1;
    if (!pss->sse_ok) {
        if (!is_response(msg) || pss->reply.ready)
            return 0;
        memset(&ans, 0, sizeof(ans));
        ans.status = 200;
        ans.body = json_object_get(msg);
        return send_answer(pss->wsi, pss, &ans);
    }
    event = malloc(len + 32);
    if (!event)
        return -1;
    len = (size_t)snprintf(event, len + 32, "event: message\ndata: %s\n\n", text);
    rc = msg_queue_push(&pss->sse_out, event, len);
    free(event);
    if (rc == 0) {
        sse_start(pss->wsi, pss);
        lws_callback_on_writable(pss->wsi);
    }
    return rc;
}

/* The streamed call is over. A JSON answer that never came (cancelled)
 * leaves nothing to say: the connection closes. */
static void sink_done(struct mcp_sink *s, bool responded)
{
    struct mcp_pss *pss = lws_container_of(s, struct mcp_pss, sink);

    if (pss->streaming) {
        pss->sse_end = true;
        lws_callback_on_writable(pss->wsi);
    } else if (!responded || !pss->reply.ready) {
        lws_set_timeout(pss->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
}

/* GET: the session's stream for server-initiated messages (status
 * updates); one per session, as the SDK allows. */
static int do_get(struct mock_server *srv, struct lws *wsi, struct mcp_pss *pss)
{
    struct mcp_answer ans;

    if (!pss->sse_ok)
        return send_error(wsi, pss, HTTP_STATUS_NOT_ACCEPTABLE,
                          "Not Acceptable: Accept must allow text/event-stream");
    if (!mcp_check_stream(srv, pss->has_session ? pss->session : NULL,
                          pss->has_version ? pss->version : NULL, &ans))
        return send_answer(wsi, pss, &ans);
    if (mcp_streams_has(srv, pss->session))
        return send_error(wsi, pss, HTTP_STATUS_CONFLICT,
                          "Conflict: the session already has a GET stream");
    if (mcp_streams_add(srv, pss->session, &pss->sink, NULL) != 0)
        return send_error(wsi, pss, HTTP_STATUS_SERVICE_UNAVAILABLE, "Too many streams");
    mock_log(MOCK_LOG_INFO, "MCP session %s: GET stream opened", pss->session);
    sse_start(wsi, pss);
    return 0;
}

static int preflight(struct lws *wsi, struct mcp_pss *pss)
{
    if (http_reply_set(&pss->reply, 204, NULL, "", 0))
        return -1;
    add_cors(pss);
    http_reply_header(&pss->reply,
                      "access-control-allow-methods:", "POST, GET, DELETE, OPTIONS");
    http_reply_header(
        &pss->reply, "access-control-allow-headers:",
        "content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id");
    http_reply_start(wsi, &pss->reply);
    return 0;
}

static int do_delete(struct mock_server *srv, struct lws *wsi, struct mcp_pss *pss)
{
    struct mcp_answer ans;

    mcp_handle_delete(srv, pss->has_session ? pss->session : NULL, &ans);
    return send_answer(wsi, pss, &ans);
}

static int do_post(struct mock_server *srv, struct lws *wsi, struct mcp_pss *pss)
{
    char client[MCP_CLIENT_LEN];
    struct mcp_request req = {
        client,
        pss->has_session ? pss->session : NULL,
        pss->has_version ? pss->version : NULL,
        pss->body ? pss->body : "",
        pss->body_len,
        &pss->sink,
    };
    struct mcp_answer ans;

    if (!lws_get_peer_simple(wsi, client, sizeof(client)))
        snprintf(client, sizeof(client), "unknown");
    if (pss->refusal)
        return send_error(wsi, pss, pss->refusal, pss->refusal_msg);
    if (pss->body_too_big)
        return send_error(wsi, pss, HTTP_STATUS_REQ_ENTITY_TOO_LARGE,
                          "Request body too large");
    pss->async.finished = async_finished;
    mcp_handle_post(srv, &req, &ans, &pss->async);
    free(pss->body);
    pss->body = NULL;
    pss->body_len = pss->body_cap = 0;
    if (ans.deferred) {
        lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0); /* a command may be slow */
        return 0;
    }
    return send_answer(wsi, pss, &ans);
}

/* Whether lws will read a body after the headers: a POST, PUT or PATCH
 * with a Content-Length above zero. */
static bool body_follows(int method, enum http_length cl, unsigned long long length)
{
    if (method != LWSHUMETH_POST && method != LWSHUMETH_PUT && method != LWSHUMETH_PATCH)
        return false;
    return cl == HTTP_LENGTH_OK && length > 0;
}

static int start_post(struct mock_server *srv, struct lws *wsi, struct mcp_pss *pss,
                      enum http_length cl, unsigned long long length)
{
    if (cl == HTTP_LENGTH_NONE) {
        pss->reply.close_after = true; /* a body we cannot frame */
        return send_error(wsi, pss, HTTP_STATUS_LENGTH_REQUIRED,
                          "Content-Length required");
    }
    if (length > srv->opt->max_message_size && length > MIN_BODY_LIMIT)
        pss->body_too_big = true;
    if (!pss->expect_body)
        return do_post(srv, wsi, pss);
    return 0; /* do_post() at body completion */
}

static int on_body(struct mock_server *srv, struct mcp_pss *pss, const char *in,
                   size_t len)
{
    size_t limit = srv->opt->max_message_size > MIN_BODY_LIMIT
                       ? srv->opt->max_message_size
                       : MIN_BODY_LIMIT;

    if (len == 0)
        return 0; /* Content-Length: 0 comes as (NULL, 0) */
    if (pss->refusal || pss->body_too_big || pss->body_len + len > limit) {
        pss->body_too_big = true;
        return 0; /* read on, keep nothing */
    }
    if (pss->body_len + len + 1 > pss->body_cap) {
        size_t cap = pss->body_cap ? pss->body_cap : 1024;
        char *b;

        while (cap < pss->body_len + len + 1)
            cap *= 2;
        b = realloc(pss->body, cap);
        if (!b)
            return -1;
        pss->body = b;
        pss->body_cap = cap;
    }
    if (len)
        memcpy(pss->body + pss->body_len, in, len);
    pss->body_len += len;
    pss->body[pss->body_len] = '\0';
    return 0;
}

static bool path_is(const char *uri, int len, const char *path)
{
    return (size_t)len == strlen(path) && memcmp(uri, path, (size_t)len) == 0;
}

/* Where the checks that do not need the body happen, in the order the
 * SDK makes them: Origin, path, method, media types. */
static int on_request(struct mock_server *srv, struct lws *wsi, struct mcp_pss *pss)
{
    char *uri = NULL;
    int len = 0, method = lws_http_get_uri_and_method(wsi, &uri, &len);
    unsigned long long length;
    enum http_length cl = http_content_length(wsi, &length);

    memset(pss, 0, sizeof(*pss));
    pss->wsi = wsi;
    pss->sink.send = sink_send;
    pss->sink.done = sink_done;
    pss->sse_ok = accepts_sse(wsi);
    pss->expect_body = body_follows(method, cl, length);
    read_headers(wsi, pss);
    if (cl == HTTP_LENGTH_INVALID) {
        pss->reply.close_after = true; /* where the next request starts is unknown */
        return send_error(wsi, pss, HTTP_STATUS_BAD_REQUEST,
                          "Bad Request: invalid Content-Length");
    }
    if (pss->has_origin && !mcp_origin_allowed(srv->opt, pss->origin)) {
        mock_log(MOCK_LOG_INFO, "MCP: refused Origin %s", pss->origin);
        pss->has_origin = false; /* no CORS for it */
        return refuse(wsi, pss, HTTP_STATUS_FORBIDDEN, "Forbidden: Origin not allowed");
    }
    if (uri && method == LWSHUMETH_GET && path_is(uri, len, "/health") &&
        srv->opt->profile != MOCK_PROFILE_DEFAULT)
        return http_reply_send_fresh_json(wsi, &pss->reply,
                                          status_health(srv)); /* the port's only one */
    if (method == LWSHUMETH_GET && metrics_path(uri, len) &&
        strcmp(srv->opt->mcp_path, "/metrics") != 0) /* the MCP path wins */
        return metrics_http_reply(srv, wsi, &pss->reply);
    if (!uri || !path_is(uri, len, srv->opt->mcp_path))
        return refuse(wsi, pss, HTTP_STATUS_NOT_FOUND, "Not found");
    switch (method) {
    case LWSHUMETH_POST:
        break;
    case LWSHUMETH_DELETE:
        return do_delete(srv, wsi, pss);
    case LWSHUMETH_GET:
        return do_get(srv, wsi, pss);
    case LWSHUMETH_OPTIONS:
        return preflight(wsi, pss);
    default:
        http_reply_header(&pss->reply, "allow:", "GET, POST, DELETE, OPTIONS");
        return refuse(wsi, pss, HTTP_STATUS_METHOD_NOT_ALLOWED,
                      "Method not allowed: POST JSON-RPC messages, GET a stream");
    }
    if (!accepts_json(wsi))
        return refuse(wsi, pss, HTTP_STATUS_NOT_ACCEPTABLE,
                      "Not Acceptable: Accept must allow application/json");
    if (!is_json_body(wsi))
        return refuse(wsi, pss, HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                      "Unsupported Media Type: Content-Type must be application/json");
    return start_post(srv, wsi, pss, cl, length);
}

static void on_closed(struct mock_server *srv, struct mcp_pss *pss)
{
    mcp_runs_detach(srv, &pss->sink);
    msg_queue_clear(&pss->sse_out);
    if (pss->async.active || pss->async.rpc_id)
        mcp_async_cancel(&pss->async);
    free(pss->body);
    pss->body = NULL;
    http_reply_free(&pss->reply);
}

int mcp_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                      void *in, size_t len)
{
    struct mock_server *srv = mock_server_of(wsi);
    struct mcp_pss *pss = user;

    if (!srv)
        return 0;
    header_limit_track(wsi, reason);
    if (!pss && reason != LWS_CALLBACK_HTTP &&
        reason != LWS_CALLBACK_HTTP_CONFIRM_UPGRADE)
        return 0;
    switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return http_refuse_upgrade(
            wsi, HTTP_STATUS_BAD_REQUEST,
            "This is the MCP endpoint: POST JSON-RPC messages, no WebSocket");
    case LWS_CALLBACK_HTTP:
        return pss ? on_request(srv, wsi, pss) : -1;
    case LWS_CALLBACK_HTTP_BODY:
        return on_body(srv, pss, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (pss->reply.ready)
            return 0;
        return do_post(srv, wsi, pss);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (pss->streaming)
            return sse_writeable(wsi, pss);
        return http_reply_writeable(wsi, &pss->reply);
    case LWS_CALLBACK_CLOSED_HTTP:
        on_closed(srv, pss);
        return 0;
    default:
        return 0;
    }
}
