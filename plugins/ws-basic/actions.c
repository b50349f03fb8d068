/* The conversation steps that act on the connection or wait for control
 * frames: send, send_binary, ping, expect_pong, close, expect_close, sleep,
 * connect. */
#include "conversation.h"

#include <stdlib.h>
#include <string.h>

static int fail_if_closed(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    if (!c->cur->closed && !wsc_ws_is_closed(c->cur->ws))
        return 0;
    int code = wsc_ws_peer_close_code(c->cur->ws);
    if (code)
        return wsb_step_fail(c, index, s,
                             "the connection is closed (the peer's close: %d)", code);
    return wsb_step_fail(c, index, s, "the connection is closed");
}

int wsb_run_send(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    if (fail_if_closed(c, index, s) < 0)
        return -1;
    double t = wsc_now();
    enum wsc_ws_result r;
    if (s->action == WSC_STEP_SEND_BINARY)
        r = wsc_ws_send_binary(c->cur->ws, s->bytes, s->n_bytes);
    else if (s->text)
        r = wsc_ws_send_text(c->cur->ws, s->text, s->text_len);
    else
        r = wsc_ws_send_json(c->cur->ws, s->value);
    if (r != WSC_WS_OK)
        return wsb_step_fail(c, index, s, "%s", wsc_ws_error(c->cur->ws));
    c->cur->sent++;
    c->cur->sent_at = t;
    return 0;
}

int wsb_run_ping(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    if (fail_if_closed(c, index, s) < 0)
        return -1;
    double t = wsc_now();
    if (wsc_ws_send_ping(c->cur->ws, s->text, s->text_len) != WSC_WS_OK)
        return wsb_step_fail(c, index, s, "%s", wsc_ws_error(c->cur->ws));
    c->cur->ping_at = t;
    return 0;
}

int wsb_run_expect_pong(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    double within, started = wsc_now();
    double deadline = wsb_step_deadline(c, s, WSB_DEFAULT_WITHIN, &within);
    for (;;) {
        struct wsb_msg m;
        enum wsc_ws_result r = wsb_next_message(c, WSC_WS_PONG, deadline, &m);
        if (r == WSC_WS_TIMEOUT)
            return wsb_step_fail(c, index, s, "no pong \"%s\" %s", s->text,
                                 wsb_waited(within, started, deadline));
        if (r != WSC_WS_OK)
            return wsb_step_fail(c, index, s, "%s", wsb_convo_error(c));
        int same = m.kind == WSC_WS_PONG && m.len == s->text_len &&
                   memcmp(m.data, s->text, m.len) == 0;
        if (same) {
            wsb_record_rtt(c, index, c->cur->ping_at, m.at);
            c->cur->ping_at = 0;
            wsb_msg_free(&m);
            return 0;
        }
        if (m.kind == WSC_WS_CLOSE || !s->skip_until) {
            char *seen = wsb_describe(m.kind, m.data, m.len, m.close_code);
            wsb_step_fail(c, index, s, "expected pong \"%s\", received %s", s->text,
                          seen ? seen : "?");
            free(seen);
            wsb_msg_free(&m);
            return -1;
        }
        wsb_msg_free(&m);
    }
}

int wsb_run_close(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    if (fail_if_closed(c, index, s) < 0)
        return -1;
    double within;
    double deadline = wsb_step_deadline(c, s, WSB_DEFAULT_WITHIN, &within);
    enum wsc_ws_result r = wsc_ws_close(c->cur->ws, s->code, s->reason, deadline);
    c->cur->closed = 1;
    if (r != WSC_WS_OK)
        return wsb_step_fail(c, index, s, "%s", wsc_ws_error(c->cur->ws));
    return 0;
}

/* Compares the peer's close with the step's expectations. */
static int check_close(struct wsb_convo *c, size_t index, const struct wsc_step *s,
                       int code, const char *reason)
{
    char *why = NULL;
    int rc = 0;
    if (code == 0)
        return wsb_step_fail(c, index, s, "no close frame arrived from the peer");
    if (s->code_matcher && !json_object_is_type(s->code_matcher, json_type_object)) {
        long long want = json_object_get_int64(s->code_matcher);
        if (want == 0 && code != 1005) /* 0: a close without a status code */
            rc = wsb_step_fail(c, index, s, "close code: expected none, got %d%s%s%s",
                               code, *reason ? " (reason \"" : "", reason,
                               *reason ? "\")" : "");
        else if (want != 0 && want != code)
            rc = wsb_step_fail(c, index, s, "close code: expected %lld, got %d%s%s%s",
                               want, code, *reason ? " (reason \"" : "", reason,
                               *reason ? "\")" : "");
    } else if (s->code_matcher) {
        struct json_object *actual = json_object_new_int(code);
        if (!wsc_match(s->code_matcher, actual, "", &why))
            rc = wsb_step_fail(c, index, s, "close code %d: %s", code,
                               why ? why : "no match");
        json_object_put(actual);
        free(why);
        why = NULL;
    }
    if (rc == 0 && s->reason_matcher) {
        struct json_object *actual = json_object_new_string(reason);
        if (!wsc_match(s->reason_matcher, actual, "", &why))
            rc = wsb_step_fail(c, index, s, "close reason: %s", why ? why : "no match");
        json_object_put(actual);
        free(why);
    }
    return rc;
}

int wsb_run_expect_close(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    double within, started = wsc_now();
    double deadline = wsb_step_deadline(c, s, WSB_DEFAULT_WITHIN, &within);
    for (;;) {
        struct wsb_msg m;
        enum wsc_ws_result r = wsb_next_message(c, WSC_WS_DATA, deadline, &m);
        if (r == WSC_WS_CLOSED && wsc_ws_peer_close_code(c->cur->ws))
            return check_close(c, index, s, wsc_ws_peer_close_code(c->cur->ws),
                               wsc_ws_peer_close_reason(c->cur->ws));
        if (r == WSC_WS_TIMEOUT)
            return wsb_step_fail(c, index, s, "no close frame %s",
                                 wsb_waited(within, started, deadline));
        if (r != WSC_WS_OK)
            return wsb_step_fail(c, index, s, "%s", wsb_convo_error(c));
        if (m.kind == WSC_WS_CLOSE) {
            int rc = check_close(c, index, s, m.close_code, m.data);
            wsb_msg_free(&m);
            return rc;
        }
        if (!s->skip_until && !wsb_ignored(c, s, &m)) {
            char *seen = wsb_describe(m.kind, m.data, m.len, m.close_code);
            wsb_step_fail(c, index, s, "expected a close, received %s",
                          seen ? seen : "?");
            free(seen);
            wsb_msg_free(&m);
            return -1;
        }
        wsb_msg_free(&m);
    }
}

int wsb_run_sleep(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    if (wsc_sleep(c->ctx, s->seconds) < 0)
        return wsb_step_fail(
            c, index, s, "the test's timeout came during the %.3f s sleep", s->seconds);
    return 0;
}

/* connect: opens the step's connection, for the first time (a connection
 * whose first step is connect is not opened at the start) or again after a
 * close (a new connection; what the old one left unread is dropped). */
int wsb_run_connect(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    struct wsb_conn *conn = c->cur;
    if (conn->ws && !conn->closed && !wsc_ws_is_closed(conn->ws))
        return wsb_step_fail(c, index, s, "already connected (close it first)");
    return wsb_conn_open(c, conn, index, s);
}
