/* MCP over WebSocket: the subprotocol "mcp" offered and required in the
 * answer, one JSON-RPC message per text frame, on libwscheck's WebSocket
 * client (which traces the frames and bounds every wait).
 *
 * The upgrade never blocks the session: it is driven by the session's
 * pollfds/timeout/perform like any other I/O, and messages sent before it
 * completes wait in a queue, in order, until it does. wsc_mcp_open() waits
 * for it; wsc_mcp_start() does not. */
#include <stdlib.h>
#include <string.h>

#include "wscheck/ws.h"
#include "mcp_internal.h"

#define SUBPROTOCOL "mcp"

/* A message sent while the upgrade was still in progress. */
struct queued {
    struct queued *next;
    size_t len;
    char text[];
};

struct mcp_ws {
    struct wsc_ws *ws;
    int connecting;
    struct queued *head, **tail;
};

static struct mcp_ws *st(struct wsc_mcp *m)
{
    return m->tp_state;
}

static struct wsc_ws *conn(struct wsc_mcp *m)
{
    return st(m)->ws;
}

static int enqueue(struct wsc_mcp *m, const char *text, size_t len)
{
    struct queued *q = malloc(sizeof *q + len);
    if (!q)
        return mcp_fail(m, "out of memory");
    q->next = NULL;
    q->len = len;
    memcpy(q->text, text, len);
    *st(m)->tail = q;
    st(m)->tail = &q->next;
    return 0;
}

static void drop_queue(struct mcp_ws *s)
{
    while (s->head) {
        struct queued *q = s->head;
        s->head = q->next;
        free(q);
    }
    s->tail = &s->head;
}

static int ws_send(struct wsc_mcp *m, const char *text, size_t len, int64_t req_id)
{
    (void)req_id;
    if (st(m)->connecting)
        return enqueue(m, text, len);
    if (wsc_ws_send_text(conn(m), text, len) != WSC_WS_OK)
        return mcp_fail(m, "%s", wsc_ws_error(conn(m)));
    return 0;
}

/* The upgrade is over: the same verdicts whether the caller waited for it
 * or not. 0 when the session is open, else -1 (the session failed). */
static int opened(struct wsc_mcp *m)
{
    struct wsc_ws *ws = conn(m);
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

/* Sends what was queued during the upgrade, in order. */
static int flush_queue(struct wsc_mcp *m)
{
    struct mcp_ws *s = st(m);
    while (s->head) {
        struct queued *q = s->head;
        s->head = q->next;
        if (!s->head)
            s->tail = &s->head;
        int rc = ws_send(m, q->text, q->len, -1);
        free(q);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static size_t ws_pollfds(struct wsc_mcp *m, struct pollfd *fds, size_t max)
{
    if (st(m)->connecting)
        return wsc_ws_connect_pollfds(conn(m), fds, max);
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
    return st(m)->connecting ? wsc_ws_connect_timeout_ms(conn(m)) : -1;
}

/* Moves the upgrade on; 1 while it is in progress, 0 once the session is
 * open (the queue sent), -1 when it failed. */
static int connect_step(struct wsc_mcp *m)
{
    if (wsc_ws_connect_perform(conn(m)) == WSC_WS_PENDING)
        return 1;
    st(m)->connecting = 0;
    if (opened(m) != 0) {
        drop_queue(st(m));
        return -1;
    }
    return flush_queue(m);
}

/* Drains every message libcurl has, without waiting. */
static int ws_perform(struct wsc_mcp *m)
{
    if (st(m)->connecting) {
        int c = connect_step(m);
        if (c != 0)
            return c > 0 ? 0 : -1;
        /* frames that came with the 101 are in libcurl's buffer already */
    }
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
    /* an upgrade still in progress is simply abandoned (wsc_mcp_free) */
    if (!st(m)->connecting && !wsc_ws_is_closed(conn(m)))
        wsc_ws_close(conn(m), 1000, "", deadline);
}

static void ws_free(struct wsc_mcp *m)
{
    wsc_ws_free(conn(m));
    drop_queue(st(m));
    free(st(m));
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

int mcp_ws_connecting(struct wsc_mcp *m)
{
    return m->tp == &ws_transport && st(m)->connecting;
}

int mcp_ws_open(struct wsc_mcp *m)
{
    struct wsc_ws_options o;
    wsc_ws_options_init(&o);
    struct mcp_ws *s = calloc(1, sizeof *s);
    if (!s || ws_options(m, &o) != 0) {
        free(s);
        wsc_ws_options_free(&o);
        return mcp_fail(m, "out of memory");
    }
    s->tail = &s->head;
    s->ws = wsc_ws_connect_start(m->ctx, &o, m->deadline, WSC_WS_ALLOW_REJECT);
    wsc_ws_options_free(&o);
    if (!s->ws) {
        free(s);
        return mcp_fail(m, "out of memory");
    }
    m->tp = &ws_transport;
    m->tp_state = s;
    s->connecting = wsc_ws_status(s->ws) == WSC_WS_PENDING;
    return s->connecting ? 0 : opened(m);
}
