/* The stream engine's WebSocket driver (wsc_stream_follow_ws() in
 * <wscheck/stream.h>): subscribe, receive until the stream has a verdict or
 * ends, keep-alives when due. Every frame is traced by the WebSocket layer. */
#include <stdio.h>
#include <string.h>

#include "stream_internal.h"
#include "ws_internal.h"
#include "wscheck/render.h"

enum wsc_ws_result wsc_stream_send(struct wsc_ws *ws, const struct json_object *value)
{
    if (json_object_is_type(value, json_type_string))
        return wsc_ws_send_text(ws, json_object_get_string((struct json_object *)value),
                                (size_t)json_object_get_string_len(value));
    return wsc_ws_send_json(ws, value);
}

static void closed_by_peer(struct wsc_stream *s, int code, const char *data, size_t len)
{
    char reason[WSC_RENDER_MAX + 4];
    wsc_render_text_buf(reason, sizeof reason, data ? data : "", data ? len : 0);
    if (code == 1005)
        wsc_stream_end_cause(s, 1, "the server closed the connection without a code");
    else
        wsc_stream_end_cause(s, 1, "the server closed the connection with %d (%s)%s%s%s",
                             code, wsc_ws_close_code_name(code), *reason ? " \"" : "",
                             reason, *reason ? "\"" : "");
}

/* Records that the connection ended under the stream: r is the last result
 * on ws, msg (may be NULL) what it received. */
static void connection_ended(struct wsc_stream *s, struct wsc_ws *ws,
                             enum wsc_ws_result r, const struct wsc_ws_msg *msg)
{
    const char *why = ws ? wsc_ws_error(ws) : "out of memory";
    if (r == WSC_WS_OK && msg && msg->kind == WSC_WS_CLOSE) {
        closed_by_peer(s, msg->close_code, msg->data, msg->len);
    } else if (ws && wsc_ws_peer_close_code(ws)) {
        const char *reason = wsc_ws_peer_close_reason(ws);
        closed_by_peer(s, wsc_ws_peer_close_code(ws), reason, strlen(reason));
    } else if (r == WSC_WS_CLOSED || r == WSC_WS_OK || !*why) {
        wsc_stream_end_cause(s, 1, "the connection was closed");
    } else {
        wsc_stream_end_cause(s, 1, "the connection failed: %s", why);
    }
}

static void deadline_came(struct wsc_stream *s, double deadline)
{
    if (s->ctx && deadline >= wsc_deadline(s->ctx))
        wsc_stream_end_cause(s, 0, "the test's timeout of %g s ran out",
                             wsc_timeout(s->ctx));
    else
        wsc_stream_end_cause(s, 0, "the check's deadline passed");
}

/* Sends the keep-alive when it is due: 0, or -1 when the connection broke. */
static int keep_alive(struct wsc_stream *s, struct wsc_ws *ws, double now)
{
    if (!wsc_stream_keepalive_due(s, now))
        return 0;
    enum wsc_ws_result r = wsc_stream_send(ws, s->opt.keepalive_message);
    if (r != WSC_WS_OK) {
        connection_ended(s, ws, r, NULL);
        return -1;
    }
    wsc_stream_keepalive_sent(s, now);
    return 0;
}

static enum wsc_stream_verdict feed_frame(struct wsc_stream *s,
                                          const struct wsc_ws_msg *m)
{
    if (m->kind == WSC_WS_TEXT)
        return wsc_stream_feed_text(s, m->data, m->len, m->at);
    char what[64];
    snprintf(what, sizeof what, "a binary message of %zu bytes", m->len);
    return stream_feed_non_json(s, what, m->at);
}

/* Receives until the verdict, the end of the stream, or `deadline`. */
static enum wsc_stream_verdict receive(struct wsc_stream *s, struct wsc_ws *ws,
                                       double deadline)
{
    for (;;) {
        double now = wsc_now();
        if (wsc_stream_tick(s, now) != WSC_STREAM_MORE)
            return s->verdict;
        if (wsc_stream_duration_over(s, now)) {
            wsc_stream_end_cause(s, 0, "duration %.1f s ended", s->opt.duration);
            return WSC_STREAM_MORE;
        }
        if (now >= deadline) {
            deadline_came(s, deadline);
            return WSC_STREAM_MORE;
        }
        if (keep_alive(s, ws, now) != 0)
            return WSC_STREAM_MORE;
        double due = wsc_stream_next_due(s), until = deadline;
        if (due > 0 && due < until)
            until = due > now ? due : now;
        struct wsc_ws_msg m;
        enum wsc_ws_result r = wsc_ws_recv(ws, &m, WSC_WS_DATA, until);
        if (r == WSC_WS_TIMEOUT)
            continue;
        if (r != WSC_WS_OK || m.kind == WSC_WS_CLOSE) {
            connection_ended(s, ws, r, &m);
            return WSC_STREAM_MORE;
        }
        if (feed_frame(s, &m) != WSC_STREAM_MORE)
            return s->verdict;
    }
}

enum wsc_stream_verdict wsc_stream_follow_ws(struct wsc_stream *s, struct wsc_ws *ws,
                                             double deadline)
{
    if (s->verdict != WSC_STREAM_MORE || s->finished)
        return s->verdict;
    if (!ws || wsc_ws_is_closed(ws)) {
        connection_ended(s, ws, ws ? wsc_ws_status(ws) : WSC_WS_ERROR, NULL);
        return WSC_STREAM_MORE;
    }
    /* Never past what the connection's waits allow: the loop would spin. */
    deadline = ws_effective_deadline(ws, deadline);
    if (s->opt.subscribe) {
        enum wsc_ws_result r = wsc_stream_send(ws, s->opt.subscribe);
        if (r != WSC_WS_OK) {
            connection_ended(s, ws, r, NULL);
            return WSC_STREAM_MORE;
        }
        wsc_stream_keepalive_sent(s, wsc_now());
    }
    return receive(s, ws, deadline);
}
