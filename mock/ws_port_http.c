/* wscheck-mock: /health, /status and refusals on the WebSocket port. */
#include "ws_port_http.h"

#include <string.h>

#include "http_request.h"
#include "metrics.h"
#include "server.h"
#include "server_status.h"

static bool path_is(const char *uri, int len, const char *path)
{
    return (size_t)len == strlen(path) && memcmp(uri, path, (size_t)len) == 0;
}

/* Only a request with a body (POST, PUT, PATCH with Content-Length) makes
 * lws read on; we answer once it has, so the peer is not reset while
 * still sending. */
static bool body_follows(int method, enum http_length cl, unsigned long long length)
{
    if (method != LWSHUMETH_POST && method != LWSHUMETH_PUT && method != LWSHUMETH_PATCH)
        return false;
    return cl == HTTP_LENGTH_OK && length > 0;
}

static int refuse_method(struct lws *wsi, struct ws_port_http_pss *pss)
{
    if (http_reply_error(
            &pss->reply, HTTP_STATUS_METHOD_NOT_ALLOWED,
            "Method not allowed: use GET /health, GET /status, GET /metrics or a WebSocket upgrade"))
        return -1;
    http_reply_header(&pss->reply, "allow:", "GET, HEAD");
    http_reply_start(wsi, &pss->reply);
    return 0;
}

/* An unframed body: where the next request would start is unknown, so
 * the connection ends after the answer. */
static int refuse_length(struct lws *wsi, struct ws_port_http_pss *pss)
{
    pss->reply.close_after = true;
    if (http_reply_error(&pss->reply, HTTP_STATUS_BAD_REQUEST,
                         "Bad Request: invalid Content-Length"))
        return -1;
    http_reply_start(wsi, &pss->reply);
    return 0;
}

int ws_port_http_request(struct mock_server *srv, struct lws *wsi,
                         struct ws_port_http_pss *pss)
{
    char *uri = NULL;
    int len = 0, method = lws_http_get_uri_and_method(wsi, &uri, &len);
    unsigned long long length;
    enum http_length cl = http_content_length(wsi, &length);

    memset(&pss->reply, 0, sizeof(pss->reply));
    if (cl == HTTP_LENGTH_INVALID)
        return refuse_length(wsi, pss);
    if (method != LWSHUMETH_GET && method != LWSHUMETH_HEAD) {
        if (body_follows(method, cl, length))
            return 0; /* answered at body completion */
        return refuse_method(wsi, pss);
    }
    pss->reply.head_only = method == LWSHUMETH_HEAD;
    if (path_is(uri, len, "/health"))
        return http_reply_send_fresh_json(wsi, &pss->reply, status_health(srv));
    if (metrics_path(uri, len))
        return metrics_http_reply(srv, wsi, &pss->reply);
    if (path_is(uri, len, "/status"))
        return http_reply_send_fresh_json(wsi, &pss->reply, status_server(srv));
    if (http_reply_error(&pss->reply, MOCK_HTTP_UPGRADE_REQUIRED,
                         "This is a WebSocket endpoint: connect with a WebSocket client"))
        return -1;
    http_reply_header(&pss->reply, "upgrade:", "websocket");
    http_reply_header(&pss->reply, "sec-websocket-version:", "13");
    http_reply_start(wsi, &pss->reply);
    return 0;
}

int ws_port_http_body_done(struct lws *wsi, struct ws_port_http_pss *pss)
{
    if (pss->reply.ready)
        return 0; /* answered with the head (an empty or unframed body) */
    return refuse_method(wsi, pss);
}
