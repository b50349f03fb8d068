/* MCP over WebSocket: the subprotocol "mcp" offered and required in the
 * answer, one JSON-RPC message per text frame, on libwscheck's WebSocket
 * client (which traces the frames and bounds every wait). */
#include <stdlib.h>
#include <string.h>

#include "wscheck/ws.h"
#include "mcp_internal.h"

#define SUBPROTOCOL "mcp"

static struct wsc_ws *conn(struct wsc_mcp *m)
{
    return m->tp_state;
}

static int ws_send(struct wsc_mcp *m, const char *text, size_t len, int64_t req_id)
{
    (void)req_id;
    if (wsc_ws_send_text(conn(m), text, len) != WSC_WS_OK)
        return mcp_fail(m, "%s", wsc_ws_error(conn(m)));
    return 0;
}

static size_t ws_pollfds(struct wsc_mcp *m, struct pollfd *fds, size_t max)
{
    int fd = wsc_ws_socket(conn(m));
    if (fd < 0)
        return 0;
    if (max > 0) {
        fds[0].fd = fd;
        fds[0].events = POLLIN;
        fds[0].revents = 0;
    }
    return 1;
}

static long ws_timeout_ms(struct wsc_mcp *m)
{
    (void)m;
    return -1;
}

/* Drains every message libcurl has, without waiting. */
static int ws_perform(struct wsc_mcp *m)
{
    struct wsc_ws_msg msg;
    for (;;) {
        enum wsc_ws_result r = wsc_ws_recv(conn(m), &msg, WSC_WS_DATA, wsc_now());
        if (r == WSC_WS_TIMEOUT)
            return 0;
        if (r != WSC_WS_OK)
            return mcp_fail(m, "%s", wsc_ws_error(conn(m)));
        if (msg.kind == WSC_WS_CLOSE)
            return mcp_fail(m, "the server closed the WebSocket (code %d%s%s)",
                            msg.close_code, msg.len ? ": " : "", msg.len ? msg.data : "");
        if (msg.kind == WSC_WS_BINARY) {
            struct mcp_violation v;
            mcp_violation_set(
                &v, "ws-text-frames", "",
                "a binary message of %zu bytes; MCP messages are text frames", msg.len);
            mcp_violate(m, &v);
            return -1;
        }
        if (msg.len > m->opt.max_message_size)
            return mcp_fail(m, "message larger than max_message_size %zu",
                            m->opt.max_message_size);
        mcp_receive(m, msg.data, msg.len);
        if (m->status == WSC_MCP_PROTOCOL || m->status == WSC_MCP_ERROR)
            return -1;
    }
}

static void ws_close(struct wsc_mcp *m, double deadline)
{
    if (!wsc_ws_is_closed(conn(m)))
        wsc_ws_close(conn(m), 1000, "", deadline);
}

static void ws_free(struct wsc_mcp *m)
{
    wsc_ws_free(conn(m));
    m->tp_state = NULL;
}

static const struct mcp_transport ws_transport = {
    ws_send, ws_pollfds, ws_timeout_ms, ws_perform, ws_close, ws_free,
};

static int ws_options(const struct wsc_mcp *m, struct wsc_ws_options *o)
{
    wsc_ws_options_init(o);
    o->url = strdup(m->opt.url);
    o->insecure = m->opt.insecure;
    o->max_message_size = m->opt.max_message_size;
    if (!o->url || (m->opt.origin && !(o->origin = strdup(m->opt.origin))) ||
        (m->opt.ca_file && !(o->ca_file = strdup(m->opt.ca_file))) ||
        wsc_strv_push(&o->subprotocols, &o->n_subprotocols, SUBPROTOCOL) != 0)
        return -1;
    for (size_t i = 0; i < m->opt.n_headers; i++)
        if (wsc_strv_push(&o->headers, &o->n_headers, m->opt.headers[i]) != 0)
            return -1;
    return 0;
}

int mcp_ws_open(struct wsc_mcp *m)
{
    struct wsc_ws_options o;
    if (ws_options(m, &o) != 0) {
        wsc_ws_options_free(&o);
        return mcp_fail(m, "out of memory");
    }
    struct wsc_ws *ws = wsc_ws_connect(m->ctx, &o, m->deadline, WSC_WS_ALLOW_REJECT);
    wsc_ws_options_free(&o);
    if (!ws)
        return mcp_fail(m, "out of memory");
    m->tp = &ws_transport;
    m->tp_state = ws;
    m->http_status = wsc_ws_http_status(ws);
    if (wsc_ws_status(ws) == WSC_WS_REJECTED) {
        const char *auth = wsc_ws_response_header(ws, "www-authenticate");
        if (m->http_status == 401 && auth)
            return mcp_fail(m,
                            "the server requires authorization: HTTP 401, "
                            "WWW-Authenticate: %s",
                            auth);
        return mcp_fail(m, "the server refused the WebSocket upgrade with HTTP %ld",
                        m->http_status);
    }
    if (wsc_ws_status(ws) != WSC_WS_OK)
        return mcp_fail(m, "%s", wsc_ws_error(ws));
    const char *proto = wsc_ws_subprotocol(ws);
    if (!proto || strcmp(proto, SUBPROTOCOL) != 0) {
        struct mcp_violation v;
        mcp_violation_set(&v, "ws-subprotocol", "Sec-WebSocket-Protocol",
                          "the server did not echo the subprotocol 'mcp' (%s%s%s)",
                          proto ? "it chose '" : "no subprotocol", proto ? proto : "",
                          proto ? "'" : "");
        mcp_violate(m, &v);
        return -1;
    }
    return 0;
}
