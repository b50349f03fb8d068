/* The WebSocket client layer (see <wscheck/ws.h>): frames over an open
 * connection. Options are in ws_options.c, connecting and the upgrade in
 * ws_connect.c and ws_handshake.c.
 *
 * libcurl does the TCP/TLS connection, the upgrade request and the framing.
 * What it leaves to us, and this file does: deadlines on every wait
 * (CURLOPT_TIMEOUT stops applying after a CONNECT_ONLY handshake), reassembly
 * of fragmented messages within a size bound, echoing a close the peer starts
 * (libcurl never does), answering pings with bounded memory (libcurl's
 * automatic pongs are off: they pile up when the peer does not read), and
 * turning every transport failure into one precise sentence. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/json.h>

#include "utf8.h"

#include "ws_internal.h"

/* Waits with neither a context nor an explicit deadline still end. */
#define FALLBACK_WAIT_S 30.0

/* ---- small helpers -------------------------------------------------------- */

double ws_effective_deadline(const struct wsc_ws *ws, double deadline)
{
    double d = deadline > 0 ? deadline : ws->deadline;
    if (ws->ctx) {
        double c = wsc_deadline(ws->ctx);
        if (c > 0 && (d <= 0 || c < d))
            d = c;
    }
    if (d <= 0)
        d = wsc_now() + FALLBACK_WAIT_S;
    return d;
}

WSC_PRINTF(3, 4)
enum wsc_ws_result ws_set_status(struct wsc_ws *ws, enum wsc_ws_result r, const char *fmt,
                                 ...)
{
    ws->status = r;
    if (!fmt) {
        ws->err[0] = '\0';
        return r;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ws->err, sizeof ws->err, fmt, ap);
    va_end(ap);
    return r;
}

enum wsc_ws_result ws_ok(struct wsc_ws *ws)
{
    return ws_set_status(ws, WSC_WS_OK, NULL);
}

/* A transport or protocol failure: the connection is dead from now on. */
WSC_PRINTF(2, 3)
enum wsc_ws_result ws_fail(struct wsc_ws *ws, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ws->err, sizeof ws->err, fmt, ap);
    va_end(ap);
    ws->status = WSC_WS_ERROR;
    ws->state = ST_FAILED;
    return WSC_WS_ERROR;
}

/* Calls on a connection that can no longer carry messages. */
static enum wsc_ws_result refuse_if_done(struct wsc_ws *ws)
{
    if (ws->state == ST_FAILED) {
        ws->status = WSC_WS_ERROR; /* the message of the failure stays */
        return WSC_WS_ERROR;
    }
    if (ws->state == ST_CLOSED)
        return ws_set_status(ws, WSC_WS_CLOSED, "the connection is closed");
    if (ws->state == ST_NEW)
        return ws_set_status(ws, WSC_WS_ERROR, "not connected");
    if (ws->state == ST_CONNECTING)
        return ws_set_status(ws, WSC_WS_PENDING,
                             "the WebSocket upgrade is still in progress");
    return WSC_WS_OK;
}

void ws_trace(struct wsc_ws *ws, const char *dir, const char *kind, const void *data,
              size_t len)
{
    if (ws->ctx)
        wsc_trace(ws->ctx, dir, kind, data, len);
}

static const char *kind_name(enum wsc_ws_kind k)
{
    switch (k) {
    case WSC_WS_TEXT:
        return "text";
    case WSC_WS_BINARY:
        return "binary";
    case WSC_WS_PING:
        return "ping";
    case WSC_WS_PONG:
        return "pong";
    case WSC_WS_CLOSE:
        return "close";
    }
    return "?";
}

/* Waits until the socket is ready for `events` or the deadline passes.
 * Returns 1 ready, 0 deadline, -1 error (errno). */
int ws_wait_socket(curl_socket_t sock, short events, double deadline)
{
    for (;;) {
        double left = deadline - wsc_now();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = sock, .events = events, .revents = 0};
        int ms = (int)ceil(left * 1000.0);
        int n = poll(&p, 1, ms > 0 ? ms : 1);
        if (n > 0)
            return 1;
        if (n == 0)
            continue; /* re-check the clock: poll may return early */
        if (errno != EINTR)
            return -1;
    }
}

/* ---- accessors ----------------------------------------------------------- */

enum wsc_ws_result wsc_ws_status(const struct wsc_ws *ws)
{
    return ws ? ws->status : WSC_WS_ERROR;
}

const char *wsc_ws_error(const struct wsc_ws *ws)
{
    return ws ? ws->err : "out of memory";
}

double wsc_ws_within(const struct wsc_ctx *ctx, double seconds)
{
    double d = wsc_now() + (seconds > 0 ? seconds : 0);
    if (ctx) {
        double c = wsc_deadline(ctx);
        if (c > 0 && c < d)
            d = c;
    }
    return d;
}

int wsc_ws_socket(const struct wsc_ws *ws)
{
    return ws && ws->state != ST_NEW && ws->state != ST_CONNECTING &&
                   ws->state != ST_FAILED
               ? (int)ws->sock
               : -1;
}

CURL *wsc_ws_curl(const struct wsc_ws *ws)
{
    return ws ? ws->curl : NULL;
}

int wsc_ws_peer_close_code(const struct wsc_ws *ws)
{
    return ws ? ws->peer_close_code : 0;
}

const char *wsc_ws_peer_close_reason(const struct wsc_ws *ws)
{
    return ws ? ws->peer_close_reason : "";
}

int wsc_ws_is_closed(const struct wsc_ws *ws)
{
    return !ws || ws->state == ST_CLOSED || ws->state == ST_FAILED || ws->state == ST_NEW;
}

/* ---- answering pings ------------------------------------------------------ */

/* Is the socket ready to take more bytes right now? */
static int socket_writable(curl_socket_t sock)
{
    struct pollfd p = {.fd = sock, .events = POLLOUT, .revents = 0};
    return poll(&p, 1, 0) > 0 && (p.revents & POLLOUT);
}

/* Moves the pong libcurl holds forward without blocking, then starts the one
 * due when the socket has room (so libcurl never holds more than one frame).
 * Returns 0 (sent, or still waiting for room) or -1 on failure. */
static int pong_step(struct wsc_ws *ws)
{
    for (;;) {
        if (!ws->pong_busy) {
            if (!ws->pong_due || ws->close_sent || !socket_writable(ws->sock))
                return 0;
            memcpy(ws->pong, ws->pong_next, ws->pong_next_len);
            ws->pong_len = ws->pong_next_len;
            ws->pong_off = 0;
            ws->pong_busy = 1;
            ws->pong_due = 0;
        }
        size_t sent = 0;
        ws->curl_err[0] = '\0';
        CURLcode rc = curl_ws_send(ws->curl, ws->pong + ws->pong_off,
                                   ws->pong_len - ws->pong_off, &sent, 0, CURLWS_PONG);
        if (rc != CURLE_OK && rc != CURLE_AGAIN) {
            ws_fail(ws, "sending a pong frame failed: %s",
                    ws->curl_err[0] ? ws->curl_err : curl_easy_strerror(rc));
            return -1;
        }
        ws->pong_off += sent;
        if (rc == CURLE_AGAIN)
            return 0; /* libcurl keeps the rest: pass it again later */
        if (ws->pong_off < ws->pong_len)
            continue;
        ws->pong_busy = 0;
        ws_trace(ws, "send", "pong", ws->pong, ws->pong_len);
    }
}

/* A ping arrived: it is the one to answer, replacing any not answered yet
 * (RFC 6455 5.5.3 allows answering only the latest). */
static int answer_ping(struct wsc_ws *ws)
{
    if (ws->close_sent)
        return 0;
    memcpy(ws->pong_next, ws->control, ws->control_len);
    ws->pong_next_len = ws->control_len;
    ws->pong_due = 1;
    return pong_step(ws);
}

/* Before any other frame: the pong libcurl holds must be finished, or the
 * next frame would be taken for the rest of it. */
static enum wsc_ws_result finish_pong(struct wsc_ws *ws, const char *kind,
                                      double deadline)
{
    while (ws->pong_busy) {
        if (pong_step(ws) < 0)
            return ws->status;
        if (!ws->pong_busy)
            break;
        int w = ws_wait_socket(ws->sock, POLLOUT, deadline);
        if (w == 0)
            return ws_set_status(ws, WSC_WS_TIMEOUT,
                                 "cannot send a %s frame: the peer does not read "
                                 "(the answer to its ping is still not sent)",
                                 kind);
        if (w < 0)
            return ws_fail(ws, "sending a %s frame failed: %s", kind, strerror(errno));
    }
    return WSC_WS_OK;
}

/* ---- sending ------------------------------------------------------------- */

static enum wsc_ws_result send_frame(struct wsc_ws *ws, unsigned int flags,
                                     const char *kind, const void *data, size_t len)
{
    const char *p = data;
    size_t left = len;
    double deadline = ws_effective_deadline(ws, 0);
    int first = 1;
    if (finish_pong(ws, kind, deadline) != WSC_WS_OK)
        return ws->status;
    while (left > 0 || first) {
        size_t sent = 0;
        CURLcode rc = curl_ws_send(ws->curl, p, left, &sent, 0, flags);
        if (rc == CURLE_OK || (rc == CURLE_AGAIN && sent > 0)) {
            p += sent;
            left -= sent;
            first = 0;
            if (rc == CURLE_OK && (left == 0 || sent > 0))
                continue;
        } else if (rc != CURLE_AGAIN) {
            return ws_fail(ws, "sending a %s frame failed: %s", kind,
                           ws->curl_err[0] ? ws->curl_err : curl_easy_strerror(rc));
        }
        int w = ws_wait_socket(ws->sock, POLLOUT, deadline);
        if (w == 0)
            return ws_set_status(ws, WSC_WS_TIMEOUT,
                                 "cannot send a %s frame: the peer "
                                 "does not read (%zu of %zu bytes sent)",
                                 kind, len - left, len);
        if (w < 0)
            return ws_fail(ws, "sending a %s frame failed: %s", kind, strerror(errno));
    }
    ws_trace(ws, "send", kind, data, len);
    return ws_ok(ws);
}

static enum wsc_ws_result send_data(struct wsc_ws *ws, unsigned int flags,
                                    const char *kind, const void *data, size_t len)
{
    enum wsc_ws_result r = refuse_if_done(ws);
    if (r != WSC_WS_OK)
        return r;
    if (ws->close_sent)
        return ws_set_status(ws, WSC_WS_CLOSED,
                             "cannot send a %s frame after the close frame", kind);
    ws->curl_err[0] = '\0';
    return send_frame(ws, flags, kind, data, len);
}

enum wsc_ws_result wsc_ws_send_text(struct wsc_ws *ws, const char *text, size_t len)
{
    if (!ws)
        return WSC_WS_ERROR;
    return send_data(ws, CURLWS_TEXT, "text", text, len);
}

enum wsc_ws_result wsc_ws_send_binary(struct wsc_ws *ws, const void *data, size_t len)
{
    if (!ws)
        return WSC_WS_ERROR;
    return send_data(ws, CURLWS_BINARY, "binary", data, len);
}

enum wsc_ws_result wsc_ws_send_json(struct wsc_ws *ws, const struct json_object *value)
{
    if (!ws)
        return WSC_WS_ERROR;
    size_t len = 0;
    /* json-c's API takes a non-const object; it does not modify it */
    const char *text = json_object_to_json_string_length((struct json_object *)value,
                                                         JSON_C_TO_STRING_PLAIN, &len);
    if (!text)
        return ws_set_status(ws, WSC_WS_ERROR, "cannot serialise the JSON value");
    return send_data(ws, CURLWS_TEXT, "text", text, len);
}

static enum wsc_ws_result send_control(struct wsc_ws *ws, unsigned int flags,
                                       const char *kind, const void *payload, size_t len)
{
    if (!ws)
        return WSC_WS_ERROR;
    if (len > CONTROL_MAX)
        return ws_set_status(ws, WSC_WS_ERROR,
                             "a %s payload is at most 125 bytes, got %zu", kind, len);
    return send_data(ws, flags, kind, payload, len);
}

enum wsc_ws_result wsc_ws_send_ping(struct wsc_ws *ws, const void *payload, size_t len)
{
    return send_control(ws, CURLWS_PING, "ping", payload, len);
}

enum wsc_ws_result wsc_ws_send_pong(struct wsc_ws *ws, const void *payload, size_t len)
{
    return send_control(ws, CURLWS_PONG, "pong", payload, len);
}

static enum wsc_ws_result send_close_frame(struct wsc_ws *ws, int code,
                                           const char *reason)
{
    unsigned char payload[CONTROL_MAX];
    size_t len = 0;
    if (code > 0) {
        size_t rlen = reason ? strlen(reason) : 0;
        if (rlen > CONTROL_MAX - 2)
            return ws_set_status(ws, WSC_WS_ERROR,
                                 "a close reason is at most 123 bytes, got %zu", rlen);
        payload[0] = (unsigned char)((code >> 8) & 0xff);
        payload[1] = (unsigned char)(code & 0xff);
        if (rlen)
            memcpy(payload + 2, reason, rlen);
        len = 2 + rlen;
    }
    ws->curl_err[0] = '\0';
    enum wsc_ws_result r = send_frame(ws, CURLWS_CLOSE, "close", payload, len);
    if (r == WSC_WS_OK)
        ws->close_sent = 1;
    return r;
}

/* ---- receiving ----------------------------------------------------------- */

static int fail_protocol(struct wsc_ws *ws, int code, const char *fmt, ...)
    WSC_PRINTF(3, 4);

static enum wsc_ws_result recv_failure(struct wsc_ws *ws, CURLcode rc)
{
    /* libcurl refuses a data frame that starts a new message in the middle
     * of a fragmented one: the peer broke RFC 6455 5.4, it did not close */
    if (rc == CURLE_RECV_ERROR && ws->data_open && strstr(ws->curl_err, "fragment")) {
        fail_protocol(ws, 1002,
                      "a new data frame started before the fragmented message ended "
                      "(RFC 6455 5.4; libcurl: %s)",
                      ws->curl_err);
        return WSC_WS_ERROR;
    }
    if (rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR || rc == CURLE_PARTIAL_FILE) {
        if (ws->in_frame || ws->data_open)
            return ws_fail(ws, "connection closed by the peer in the middle of a %s",
                           ws->in_frame ? "frame" : "fragmented message");
        if (rc == CURLE_GOT_NOTHING || !ws->curl_err[0])
            return ws_fail(ws,
                           "connection closed by the peer without a close frame (1006)");
    }
    return ws_fail(ws, "receiving failed: %s",
                   ws->curl_err[0] ? ws->curl_err : curl_easy_strerror(rc));
}

/* msg->at is when the message's last chunk was read: before any tracing,
 * so that round trips measure the network and the peer, not us. */
static void fill_msg(const struct wsc_ws *ws, struct wsc_ws_msg *msg,
                     enum wsc_ws_kind kind, const char *data, size_t len, int close_code)
{
    if (!msg)
        return;
    msg->kind = kind;
    msg->data = data;
    msg->len = len;
    msg->close_code = close_code;
    msg->at = ws->chunk_at;
}

/* Fails the connection for a protocol violation of the peer: tells it why
 * with a close frame (best effort: `code` 1002 or 1007), then reports. */
static int fail_protocol(struct wsc_ws *ws, int code, const char *fmt, ...)
{
    char why[ERR_MAX - 48];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    const char *reason = code == 1007 ? "invalid UTF-8" : "protocol error";
    if (!ws->close_sent && send_close_frame(ws, code, reason) == WSC_WS_OK)
        ws_fail(ws, "%s; closed the connection with %d", why, code);
    else
        ws_fail(ws, "%s", why);
    return -1;
}

/* Fails the connection (and returns -1) when a close frame's payload breaks
 * RFC 6455 5.5.1 or 7.4; else returns 0. */
static int close_frame_invalid(struct wsc_ws *ws, int code)
{
    if (ws->control_len == 1)
        return fail_protocol(ws, 1002,
                             "invalid close frame: a 1-byte payload (a status code "
                             "takes 2 bytes; RFC 6455 5.5.1)");
    if (ws->control_len >= 2 && !wsc_ws_close_code_valid(code))
        return fail_protocol(
            ws, 1002,
            "invalid close frame: code %d (%s) is not allowed on the "
            "wire (valid: 1000-1003, 1007-1014, 3000-4999; RFC 6455 7.4)",
            code, wsc_ws_close_code_name(code));
    size_t bad = 0;
    if (ws->control_len > 2 &&
        wsc_utf8_check(ws->control + 2, ws->control_len - 2, &bad) != 1) {
        char bytes[32];
        wsc_utf8_describe(ws->control + 2, ws->control_len - 2, bad, bytes, sizeof bytes);
        return fail_protocol(ws, 1007,
                             "invalid close frame: the reason is not UTF-8 at byte "
                             "offset %zu (%s; RFC 6455 5.5.1)",
                             bad, bytes);
    }
    return 0;
}

/* The peer's close arrived: check it, remember it, echo it, report it.
 * Returns 1, or -1 when the close frame itself broke the protocol. */
static int on_peer_close(struct wsc_ws *ws, struct wsc_ws_msg *msg)
{
    int code = 1005;
    const char *reason = "";
    size_t rlen = 0;
    ws_trace(ws, "recv", "close", ws->control, ws->control_len);
    if (ws->control_len >= 2) {
        code = ((unsigned char)ws->control[0] << 8) | (unsigned char)ws->control[1];
        reason = ws->control + 2;
        rlen = ws->control_len - 2;
    }
    if (close_frame_invalid(ws, code) < 0)
        return -1;
    ws->peer_close_code = code;
    memcpy(ws->peer_close_reason, reason, rlen);
    ws->peer_close_reason[rlen] = '\0';
    if (!ws->close_sent) {
        /* RFC 6455 5.5.1: answer with a close, echoing the status code */
        int echo = code == 1005 ? 0 : code;
        if (send_close_frame(ws, echo, NULL) != WSC_WS_OK && ws->ctx)
            wsc_debug(ws->ctx, "echoing the peer's close failed: %s", ws->err);
    }
    ws->state = ST_CLOSED;
    fill_msg(ws, msg, WSC_WS_CLOSE, ws->peer_close_reason, rlen, code);
    return 1;
}

/* RFC 6455 8.1: a text message that is not UTF-8 fails the connection
 * (1007). The whole reassembled message is checked, so a character split
 * over fragments is fine and one truncated at the end is caught. */
static int text_invalid(struct wsc_ws *ws)
{
    size_t bad = 0;
    int ok = ws->data_kind != WSC_WS_TEXT
                 ? 1
                 : wsc_utf8_check(ws->data.data, ws->data.len, &bad);
    if (ok == 1)
        return 0;
    char bytes[32];
    wsc_utf8_describe(ws->data.data, ws->data.len, bad, bytes, sizeof bytes);
    return fail_protocol(ws, 1007,
                         "invalid UTF-8 in a text message of %zu bytes at byte offset "
                         "%zu (%s%s; RFC 6455 8.1)",
                         ws->data.len, bad, bytes,
                         ok < 0 ? ", a character cut off at the end" : "");
}

/* One chunk of a text/binary frame. Returns 1 when a message is complete,
 * 0 when more is needed, -1 on failure (status set). */
static int take_data(struct wsc_ws *ws, const struct curl_ws_frame *meta, size_t n)
{
    if (!ws->data_open) {
        ws->data_open = 1;
        wsc_buf_truncate(&ws->data, 0);
        ws->data_kind = (meta->flags & CURLWS_BINARY) ? WSC_WS_BINARY : WSC_WS_TEXT;
    }
    size_t max = ws->opt.max_message_size;
    curl_off_t left = meta->bytesleft > 0 ? meta->bytesleft : 0;
    if ((curl_off_t)(ws->data.len + n) + left > (curl_off_t)max) {
        /* tell the peer why (1009), best effort, then give up on it */
        if (!ws->close_sent)
            (void)send_close_frame(ws, 1009, "message too big");
        ws_fail(ws, "message larger than max_message_size %zu", max);
        return -1;
    }
    /* room for the whole frame at once, not chunk by chunk */
    if (wsc_buf_reserve(&ws->data, n + (size_t)left) != 0) {
        ws_fail(ws, "out of memory reassembling a message of %zu bytes",
                ws->data.len + n);
        return -1;
    }
    wsc_buf_append(&ws->data, ws->chunk, n);
    ws->in_frame = left > 0;
    if (left > 0 || (meta->flags & CURLWS_CONT))
        return 0;
    ws->data_open = 0;
    return 1;
}

/* One chunk of a control frame. Returns 1 when the frame is complete. */
static int take_control(struct wsc_ws *ws, const struct curl_ws_frame *meta, size_t n)
{
    if (meta->offset == 0)
        ws->control_len = 0;
    size_t room = CONTROL_MAX - ws->control_len;
    size_t take = n < room ? n : room;
    memcpy(ws->control + ws->control_len, ws->chunk, take);
    ws->control_len += take;
    ws->control[ws->control_len] = '\0';
    ws->in_frame = meta->bytesleft > 0;
    return meta->bytesleft > 0 ? 0 : 1;
}

/* Handles one chunk from curl_ws_recv(). Returns 1 when `msg` holds a message
 * the caller wants, 0 to go on, -1 on failure. */
static int dispatch(struct wsc_ws *ws, const struct curl_ws_frame *meta, size_t n,
                    unsigned want, struct wsc_ws_msg *msg)
{
    int flags = meta->flags;
    if (flags & CURLWS_CLOSE) {
        if (take_control(ws, meta, n) == 1)
            return on_peer_close(ws, msg);
        return 0;
    }
    if (flags & (CURLWS_PING | CURLWS_PONG)) {
        if (take_control(ws, meta, n) == 0)
            return 0;
        enum wsc_ws_kind kind = (flags & CURLWS_PING) ? WSC_WS_PING : WSC_WS_PONG;
        ws_trace(ws, "recv", kind_name(kind), ws->control, ws->control_len);
        if (kind == WSC_WS_PING && answer_ping(ws) < 0)
            return -1;
        if (kind == WSC_WS_PING && !ws->opt.observe_pings)
            return 0;
        if (!(want & kind))
            return 0;
        fill_msg(ws, msg, kind, ws->control, ws->control_len, 0);
        return 1;
    }
    if (flags & (CURLWS_TEXT | CURLWS_BINARY | CURLWS_CONT)) {
        int done = take_data(ws, meta, n);
        if (done <= 0)
            return done;
        ws_trace(ws, "recv", kind_name(ws->data_kind), ws->data.data, ws->data.len);
        ws->reset_pending = 1;
        if (text_invalid(ws) < 0)
            return -1;
        if (!(want & ws->data_kind))
            return 0;
        fill_msg(ws, msg, ws->data_kind, ws->data.data, ws->data.len, 0);
        return 1;
    }
    ws_fail(ws, "received a frame of unknown type (flags 0x%x)", (unsigned)flags);
    return -1;
}

static enum wsc_ws_result recv_msg(struct wsc_ws *ws, struct wsc_ws_msg *msg,
                                   unsigned want, double deadline)
{
    enum wsc_ws_result r = refuse_if_done(ws);
    if (r != WSC_WS_OK)
        return r;
    if (want == 0)
        want = WSC_WS_ANY;
    double started = wsc_now();
    double until = ws_effective_deadline(ws, deadline);
    for (int n_read = 0;; n_read++) {
        /* a peer that never stops sending must not outlast the deadline */
        if (n_read > 0 && wsc_now() >= until)
            return ws_set_status(ws, WSC_WS_TIMEOUT, "no %s within %.1f s",
                                 want == WSC_WS_PONG ? "pong" : "message",
                                 until - started);
        if (pong_step(ws) < 0)
            return ws->status;
        if (ws->reset_pending && !ws->data_open) {
            wsc_buf_truncate(&ws->data, 0);
            ws->reset_pending = 0;
        }
        size_t n = 0;
        const struct curl_ws_frame *meta = NULL;
        ws->curl_err[0] = '\0';
        CURLcode rc = curl_ws_recv(ws->curl, ws->chunk, CHUNK_SIZE, &n, &meta);
        if (rc == CURLE_OK && meta) {
            ws->chunk_at = wsc_now();
            int got = dispatch(ws, meta, n, want, msg);
            if (got < 0)
                return ws->status; /* set by whatever failed */
            if (got > 0)
                return ws_ok(ws);
            continue;
        }
        if (rc != CURLE_AGAIN)
            return recv_failure(ws, rc);
        /* with a pong to send, room on the socket wakes us too */
        short events = POLLIN | (ws->pong_busy || ws->pong_due ? POLLOUT : 0);
        int w = ws_wait_socket(ws->sock, events, until);
        if (w < 0)
            return ws_fail(ws, "waiting for data failed: %s", strerror(errno));
        if (w == 0)
            return ws_set_status(ws, WSC_WS_TIMEOUT, "no %s within %.1f s",
                                 want == WSC_WS_PONG ? "pong" : "message",
                                 until - started);
    }
}

/* The growth rule: the message is built in a struct of this build's layout
 * and copied into the plugin's as far as both go; members of a newer
 * plugin's struct that this build does not know are zeroed. */
enum wsc_ws_result wsc_ws_recv_sized(struct wsc_ws *ws, struct wsc_ws_msg *msg,
                                     size_t msg_size, unsigned want, double deadline)
{
    if (!ws)
        return WSC_WS_ERROR;
    if (msg && msg_size < WS_MSG_KNOWN)
        return ws_fail(ws,
                       "struct wsc_ws_msg of %zu bytes is smaller than ABI %u's: "
                       "rebuild the plugin against its headers",
                       msg_size, WSC_ABI_VERSION);
    struct wsc_ws_msg got;
    memset(&got, 0, sizeof got);
    enum wsc_ws_result r = recv_msg(ws, msg ? &got : NULL, want, deadline);
    if (msg && r == WSC_WS_OK) {
        memcpy(msg, &got, msg_size < sizeof got ? msg_size : sizeof got);
        if (msg_size > sizeof got)
            memset((char *)msg + sizeof got, 0, msg_size - sizeof got);
    }
    return r;
}

enum wsc_ws_result wsc_ws_recv_json_sized(struct wsc_ws *ws, struct wsc_ws_msg *msg,
                                          size_t msg_size, struct json_object **value,
                                          double deadline)
{
    *value = NULL;
    enum wsc_ws_result r = wsc_ws_recv_sized(ws, msg, msg_size, WSC_WS_DATA, deadline);
    if (r != WSC_WS_OK || msg->kind != WSC_WS_TEXT)
        return r;
    struct json_tokener *tok = wsc_json_tokener_new();
    if (!tok)
        return ws_set_status(ws, WSC_WS_ERROR, "out of memory");
    struct json_object *v = json_tokener_parse_ex(tok, msg->data, (int)msg->len);
    if (v && (json_tokener_get_error(tok) != json_tokener_success ||
              tok->char_offset != (int)msg->len)) {
        json_object_put(v);
        v = NULL;
    }
    json_tokener_free(tok);
    *value = v;
    return WSC_WS_OK;
}

/* ---- close handshake ----------------------------------------------------- */

enum wsc_ws_result wsc_ws_close(struct wsc_ws *ws, int code, const char *reason,
                                double deadline)
{
    if (!ws)
        return WSC_WS_ERROR;
    if (ws->state == ST_CLOSED && ws->peer_close_code)
        return ws_ok(ws); /* the peer began it and we echoed it */
    enum wsc_ws_result r = refuse_if_done(ws);
    if (r != WSC_WS_OK)
        return r;
    if (!ws->close_sent && send_close_frame(ws, code, reason) != WSC_WS_OK)
        return ws->status;
    ws->state = ST_CLOSING;
    double started = wsc_now();
    double until = ws_effective_deadline(ws, deadline);
    struct wsc_ws_msg m;
    r = wsc_ws_recv(ws, &m, WSC_WS_CLOSE, until);
    if (r == WSC_WS_OK)
        return ws_ok(ws);
    if (r == WSC_WS_TIMEOUT)
        return ws_set_status(ws, WSC_WS_TIMEOUT,
                             "no close frame from the peer within %.1f s",
                             until - started);
    if (strstr(ws->err, "without a close frame"))
        return ws_fail(ws,
                       "connection closed by the peer without answering the close frame");
    return r;
}

/* ---- round trips --------------------------------------------------------- */

enum wsc_ws_result wsc_ws_ping_rtt(struct wsc_ws *ws, const void *payload, size_t len,
                                   double deadline, double *rtt_ms)
{
    if (rtt_ms)
        *rtt_ms = 0;
    if (!ws)
        return WSC_WS_ERROR;
    double until = ws_effective_deadline(ws, deadline);
    /* Pongs already received are unsolicited (RFC 6455 5.5.3 allows them):
     * never the answer to the ping about to be sent. */
    struct wsc_ws_msg early;
    enum wsc_ws_result r;
    while ((r = wsc_ws_recv(ws, &early, WSC_WS_PONG, wsc_now())) == WSC_WS_OK &&
           early.kind == WSC_WS_PONG)
        if (ws->ctx)
            wsc_debug(ws->ctx, "ignoring an unsolicited pong (%zu bytes)", early.len);
    if (r == WSC_WS_OK) /* the peer's close */
        return ws_set_status(ws, WSC_WS_CLOSED,
                             "the peer closed the connection (code %d, reason '%s') "
                             "before the ping was sent",
                             early.close_code, early.data);
    if (r != WSC_WS_TIMEOUT)
        return r;
    double sent_at = wsc_now();
    r = wsc_ws_send_ping(ws, payload, len);
    if (r != WSC_WS_OK)
        return r;
    for (;;) {
        struct wsc_ws_msg m;
        r = wsc_ws_recv(ws, &m, WSC_WS_PONG, until);
        if (r == WSC_WS_TIMEOUT)
            return ws_set_status(ws, WSC_WS_TIMEOUT, "no pong within %.1f s",
                                 until - sent_at);
        if (r != WSC_WS_OK)
            return r;
        if (m.kind == WSC_WS_CLOSE)
            return ws_set_status(ws, WSC_WS_CLOSED,
                                 "the peer closed the connection "
                                 "(code %d, reason '%s') while a pong was awaited",
                                 m.close_code, m.data);
        if (m.len == len && memcmp(m.data, payload, len) == 0) {
            if (rtt_ms)
                *rtt_ms = (m.at - sent_at) * 1000.0;
            return ws_ok(ws);
        }
        if (ws->ctx)
            wsc_debug(ws->ctx,
                      "ignoring a pong that does not echo the last ping "
                      "(%zu bytes)",
                      m.len);
    }
}
