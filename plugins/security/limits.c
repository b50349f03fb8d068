/* limits: the server enforces its limits and goes on serving. One case
 * each, every one followed by a fresh connection's ping:
 *  - oversize: a text message of `oversize_bytes` gets a close with one of
 *    `oversize_close_codes` (default 1009);
 *  - connections (when `connections` > 0): among that many connections
 *    held open at once, one is refused with an HTTP status of
 *    `connection_statuses` or closed with one of `connection_close_codes`;
 *  - flood (when `flood` > 0): that many messages sent at once get a close
 *    with one of `flood_close_codes`, or a message matching `flood_error`. */
#include "checks_hardening.h"
#include "hardening.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/params.h>

#define WHY_LEN 512

/* Waits up to `within` for the peer's close; its code, or 0 with the
 * reason none came in `how`. */
static int await_close(struct wsc_ctx *ctx, struct wsc_ws *ws, double within,
                       const struct json_object *error_match, char *how, size_t size)
{
    double deadline = wsc_ws_within(ctx, within);
    for (;;) {
        struct wsc_ws_msg m;
        enum wsc_ws_result r = wsc_ws_recv(ws, &m, WSC_WS_DATA | WSC_WS_CLOSE, deadline);
        if (r == WSC_WS_OK && m.kind == WSC_WS_CLOSE)
            return m.close_code;
        if (r == WSC_WS_OK && error_match && sec_msg_matches(error_match, m.data))
            return -1;
        if (r == WSC_WS_OK)
            continue;
        if (wsc_ws_peer_close_code(ws) > 0)
            return wsc_ws_peer_close_code(ws);
        if (r == WSC_WS_TIMEOUT)
            snprintf(how, size, "no close within %g s", within);
        else
            snprintf(how, size, "%s", wsc_ws_error(ws));
        return 0;
    }
}

/* Ends a connection politely when it is still open. */
static void release(struct wsc_ctx *ctx, struct wsc_ws *ws)
{
    if (ws && !wsc_ws_is_closed(ws))
        wsc_ws_close(ws, 1000, NULL, wsc_ws_within(ctx, 1.0));
    wsc_ws_free(ws);
}

static void oversize_case(struct wsc_ctx *ctx, const struct json_object *params)
{
    double t0 = wsc_now();
    static const long dflt[] = {1009};
    struct sec_codes codes;
    sec_codes_get(params, "oversize_close_codes", dflt, 1, &codes);
    char want[128];
    sec_codes_describe(&codes, want, sizeof want);
    size_t n = (size_t)wsc_param_int(params, "oversize_bytes", 2097152);
    char why[WHY_LEN] = "";
    char fail[WHY_LEN * 2] = "";
    struct wsc_ws *ws = sec_open(ctx, params, 0, why, sizeof why);
    char *big = malloc(n);
    if (!ws || !big) {
        snprintf(fail, sizeof fail, "no connection to send the oversize message: %s",
                 ws ? "out of memory" : why);
    } else {
        memset(big, 'x', n);
        wsc_ws_send_text(ws, big, n); /* the server may cut it short */
        int code = await_close(ctx, ws, wsc_param_number(params, "close_within", 2), NULL,
                               why, sizeof why);
        if (code == 0)
            snprintf(fail, sizeof fail,
                     "a %zu-byte message got no close (%s); expected close %s", n, why,
                     want);
        else if (!sec_codes_has(&codes, code))
            snprintf(fail, sizeof fail,
                     "a %zu-byte message got close %d; expected close %s", n, code, want);
    }
    free(big);
    release(ctx, ws);
    sec_case_end(ctx, params, "oversize", t0, fail[0] ? fail : NULL);
}

/* Opens connections until one is refused; 1 when one was (how in `how`). */
static int connections_refused(struct wsc_ctx *ctx, const struct json_object *params,
                               struct wsc_ws **open, size_t n, char *how, size_t size)
{
    static const long dflt_status[] = {503, 429, 403};
    static const long dflt_codes[] = {1013, 1008};
    struct sec_codes statuses;
    struct sec_codes codes;
    sec_codes_get(params, "connection_statuses", dflt_status, 3, &statuses);
    sec_codes_get(params, "connection_close_codes", dflt_codes, 2, &codes);
    char why[WHY_LEN / 2];
    for (size_t i = 0; i < n; i++) {
        open[i] = sec_open(ctx, params, WSC_WS_ALLOW_REJECT, why, sizeof why);
        if (!open[i]) {
            snprintf(how, size, "connection %zu failed: %s", i + 1, why);
            return 0;
        }
        long status = wsc_ws_http_status(open[i]);
        if (wsc_ws_status(open[i]) == WSC_WS_REJECTED) {
            snprintf(how, size, "connection %zu got HTTP %ld", i + 1, status);
            return sec_codes_has(&statuses, status);
        }
    }
    double within = wsc_param_number(params, "close_within", 2);
    for (size_t i = 0; i < n; i++) {
        int code = await_close(ctx, open[i], i == 0 ? within : 0, NULL, why, sizeof why);
        if (code > 0) {
            snprintf(how, size, "connection %zu got close %d", i + 1, code);
            return sec_codes_has(&codes, code);
        }
    }
    snprintf(how, size, "all %zu connections were accepted and kept open", n);
    return 0;
}

static void connections_case(struct wsc_ctx *ctx, const struct json_object *params)
{
    size_t n = (size_t)wsc_param_int(params, "connections", 0);
    if (n == 0)
        return;
    double t0 = wsc_now();
    struct wsc_ws **open = calloc(n, sizeof *open);
    char how[WHY_LEN] = "out of memory";
    char fail[WHY_LEN * 2] = "";
    if (!open || !connections_refused(ctx, params, open, n, how, sizeof how))
        snprintf(fail, sizeof fail,
                 "%s; expected a refusal within %zu connections from one client", how, n);
    for (size_t i = 0; open && i < n; i++)
        release(ctx, open[i]);
    free(open);
    sec_case_end(ctx, params, "connections", t0, fail[0] ? fail : NULL);
}

/* Sends up to n messages; after each, takes what already arrived without
 * waiting, so that a close (or a flood_error message) ends the flood
 * before the server drops a connection that goes on sending. Returns how
 * many were sent. */
static size_t flood_send(struct wsc_ws *ws, const char *msg, size_t n,
                         const struct json_object *error_match, int *matched)
{
    size_t sent = 0;
    *matched = 0;
    while (sent < n && wsc_ws_send_text(ws, msg, strlen(msg)) == WSC_WS_OK) {
        sent++;
        struct wsc_ws_msg m;
        while (wsc_ws_recv(ws, &m, WSC_WS_DATA | WSC_WS_CLOSE, wsc_now()) == WSC_WS_OK) {
            if (m.kind == WSC_WS_CLOSE)
                return sent;
            if (error_match && sec_msg_matches(error_match, m.data)) {
                *matched = 1;
                return sent;
            }
        }
        if (wsc_ws_is_closed(ws))
            break;
    }
    return sent;
}

static void flood_case(struct wsc_ctx *ctx, const struct json_object *params)
{
    size_t n = (size_t)wsc_param_int(params, "flood", 0);
    if (n == 0)
        return;
    double t0 = wsc_now();
    static const long dflt[] = {1008, 1013};
    struct sec_codes codes;
    sec_codes_get(params, "flood_close_codes", dflt, 2, &codes);
    const char *msg = wsc_param_string(params, "flood_message", "{\"type\":\"ping\"}");
    const struct json_object *error_match = wsc_param(params, "flood_error");
    char why[WHY_LEN] = "";
    char fail[WHY_LEN * 2] = "";
    struct wsc_ws *ws = sec_open(ctx, params, 0, why, sizeof why);
    if (!ws) {
        snprintf(fail, sizeof fail, "no connection to flood: %s", why);
    } else {
        int matched = 0;
        size_t sent = flood_send(ws, msg, n, error_match, &matched);
        int code = matched
                       ? -1
                       : await_close(ctx, ws, wsc_param_number(params, "close_within", 2),
                                     error_match, why, sizeof why);
        char want[128];
        sec_codes_describe(&codes, want, sizeof want);
        if (code == 0)
            snprintf(fail, sizeof fail,
                     "%zu messages were not rate-limited (%s); expected close %s%s", sent,
                     why, want, error_match ? " or a flood_error message" : "");
        else if (code > 0 && !sec_codes_has(&codes, code))
            snprintf(fail, sizeof fail, "%zu messages got close %d; expected close %s",
                     sent, code, want);
    }
    release(ctx, ws);
    sec_case_end(ctx, params, "flood", t0, fail[0] ? fail : NULL);
}

void sec_check_limits(struct wsc_ctx *ctx, struct json_object *params)
{
    if (wsc_param_int(params, "oversize_bytes", 2097152) > 0)
        oversize_case(ctx, params);
    connections_case(ctx, params);
    flood_case(ctx, params);
}
