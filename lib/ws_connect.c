/* Connecting a WebSocket (see <wscheck/ws.h>) without blocking: the
 * upgrade runs as a CONNECT_ONLY=2 transfer on a libcurl multi handle of
 * the connection's own, driven by the caller's event loop. The transfer is
 * "done" once the answer's headers are in; ws_handshake.c then verifies
 * them. The easy handle stays in its multi handle for as long as the
 * connection lives: libcurl's curl_ws_send()/curl_ws_recv() on a
 * CONNECT_ONLY transfer of a multi handle stop working once it is removed.
 * The blocking wsc_ws_connect() is the same loop, so there is one handshake
 * path. */
#include <math.h>
#include <stdlib.h>

#include "ws_internal.h"

/* While connecting, the event loop comes back at least this often: before
 * libcurl reaches its socket (name resolution in a thread) there is no fd
 * to wait on. */
#define CONNECT_POLL_MS 100
/* libcurl ends the transfer itself at the connect deadline (its own
 * CURLOPT_TIMEOUT_MS, with its own message); this is only the bound should
 * it not. */
#define CONNECT_GRACE_S 0.5
#define WAITFDS_MAX 8

/* A new connection, not connecting yet: NULL only when out of memory; with
 * unusable options or URL it is returned failed. */
static struct wsc_ws *new_connection(struct wsc_ctx *ctx,
                                     const struct wsc_ws_options *opt, double deadline)
{
    struct wsc_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->ctx = ctx;
    ws->deadline = deadline;
    ws->sock = CURL_SOCKET_BAD;
    ws->state = ST_NEW;
    ws->headers = json_object_new_object();
    ws->chunk = malloc(CHUNK_SIZE);
    const char *unusable = ws_options_unusable(opt);
    if (unusable && ws->headers && ws->chunk) {
        ws_fail(ws, "%s", unusable);
        return ws;
    }
    if (!ws->headers || !ws->chunk || ws_options_copy(&ws->opt, opt) != 0) {
        wsc_ws_free(ws);
        return NULL;
    }
    if (!ws->opt.url || !ws_is_url(ws->opt.url)) {
        ws_fail(ws, "url: expected a ws:// or wss:// URL, got '%s'",
                ws->opt.url ? ws->opt.url : "");
        return ws;
    }
    if (!(ws->curl = curl_easy_init()) || !(ws->multi = curl_multi_init()))
        ws_fail(ws, "cannot initialise libcurl");
    return ws;
}

struct wsc_ws *wsc_ws_connect_start(struct wsc_ctx *ctx, const struct wsc_ws_options *opt,
                                    double deadline, int flags)
{
    struct wsc_ws *ws = new_connection(ctx, opt, deadline);
    if (!ws || ws->state == ST_FAILED)
        return ws;
    if (ws_handshake_begin(ws, flags) != 0)
        return ws;
    if (curl_multi_add_handle(ws->multi, ws->curl) != CURLM_OK) {
        ws_fail(ws, "cannot start the connection to %s (out of memory?)", ws->opt.url);
        return ws;
    }
    ws->state = ST_CONNECTING;
    ws_set_status(ws, WSC_WS_PENDING, "the WebSocket upgrade is still in progress");
    return ws;
}

size_t wsc_ws_connect_pollfds(struct wsc_ws *ws, struct pollfd *fds, size_t max)
{
    if (!ws || ws->state != ST_CONNECTING)
        return 0;
    struct curl_waitfd w[WAITFDS_MAX];
    unsigned int n = 0;
    if (curl_multi_waitfds(ws->multi, w, WAITFDS_MAX, &n) != CURLM_OK)
        return 0;
    size_t got = n < WAITFDS_MAX ? n : WAITFDS_MAX;
    for (size_t i = 0; i < got && i < max; i++) {
        fds[i].fd = w[i].fd;
        fds[i].events = (short)(((w[i].events & CURL_WAIT_POLLIN) ? POLLIN : 0) |
                                ((w[i].events & CURL_WAIT_POLLPRI) ? POLLPRI : 0) |
                                ((w[i].events & CURL_WAIT_POLLOUT) ? POLLOUT : 0));
        fds[i].revents = 0;
    }
    return got;
}

long wsc_ws_connect_timeout_ms(struct wsc_ws *ws)
{
    if (!ws || ws->state != ST_CONNECTING)
        return -1;
    long t = -1;
    if (curl_multi_timeout(ws->multi, &t) != CURLM_OK || t < 0 || t > CONNECT_POLL_MS)
        t = CONNECT_POLL_MS;
    double left = ws->connect_deadline + CONNECT_GRACE_S - wsc_now();
    long left_ms = left > 0 ? (long)ceil(left * 1000.0) : 0;
    return left_ms < t ? left_ms : t;
}

enum wsc_ws_result wsc_ws_connect_perform(struct wsc_ws *ws)
{
    if (!ws)
        return WSC_WS_ERROR;
    if (ws->state != ST_CONNECTING)
        return ws->status;
    int running = 0;
    ws->curl_err[0] = '\0';
    CURLMcode mc = curl_multi_perform(ws->multi, &running);
    if (mc != CURLM_OK)
        return ws_fail(ws, "upgrade to %s failed: libcurl: %s", ws->opt.url,
                       curl_multi_strerror(mc));
    int left = 0;
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(ws->multi, &left)) != NULL)
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == ws->curl)
            return ws_handshake_finish(ws, msg->data.result);
    if (wsc_now() >= ws->connect_deadline + CONNECT_GRACE_S)
        return ws_handshake_finish(ws, CURLE_OPERATION_TIMEDOUT);
    return WSC_WS_PENDING;
}

struct wsc_ws *wsc_ws_connect(struct wsc_ctx *ctx, const struct wsc_ws_options *opt,
                              double deadline, int flags)
{
    struct wsc_ws *ws = wsc_ws_connect_start(ctx, opt, deadline, flags);
    while (ws && wsc_ws_connect_perform(ws) == WSC_WS_PENDING) {
        int ready = 0;
        long t = wsc_ws_connect_timeout_ms(ws);
        /* curl_multi_poll() waits on the same sockets the pollfds give */
        CURLMcode mc = curl_multi_poll(ws->multi, NULL, 0, t < 0 ? 0 : (int)t, &ready);
        if (mc != CURLM_OK) {
            ws_fail(ws, "upgrade to %s failed: libcurl: %s", ws->opt.url,
                    curl_multi_strerror(mc));
            break;
        }
    }
    return ws;
}
