/* handshake: one connection; asserts the upgrade's status, response headers
 * and negotiated subprotocol, then closes cleanly. */
#include "ws_basic.h"

#include <stdlib.h>
#include <string.h>

/* Outputs: the upgrade answer, for scenario captures. */
static void output_answer(struct wsc_ctx *ctx, struct wsc_ws *ws)
{
    const char *sub = wsc_ws_subprotocol(ws);
    struct json_object *headers = NULL;
    json_object_deep_copy(wsc_ws_response_headers(ws), &headers, NULL);
    wsc_output(ctx, "status", json_object_new_int64(wsc_ws_http_status(ws)));
    wsc_output(ctx, "headers", headers ? headers : json_object_new_object());
    wsc_output(ctx, "subprotocol", sub ? json_object_new_string(sub) : NULL);
}

/* expect_status: 101 unless the scenario says otherwise. */
static int check_status(struct wsc_ctx *ctx, struct wsc_ws *ws,
                        struct json_object *expect)
{
    long status = wsc_ws_http_status(ws);
    char *why = NULL;
    if (expect ? wsb_status_matches(expect, status, &why) : status == 101)
        return 0;
    const char *body = wsc_ws_response_body(ws);
    wsc_fail(ctx, "handshake answered with HTTP %ld, expected %s%s%s", status,
             why ? why : "101", body && *body ? "; body: " : "", body ? body : "");
    free(why);
    return -1;
}

static void check_headers(struct wsc_ctx *ctx, struct wsc_ws *ws,
                          struct json_object *expect)
{
    char *msg = NULL;
    if (!wsc_match(expect, wsc_ws_response_headers(ws), "", &msg))
        wsc_fail(ctx, "response headers: %s", msg ? msg : "no match");
    free(msg);
}

/* expect_subprotocol: a string, or null for "none negotiated". */
static void check_subprotocol(struct wsc_ctx *ctx, struct wsc_ws *ws,
                              struct json_object *expect)
{
    const char *got = wsc_ws_subprotocol(ws);
    if (!expect) {
        if (got)
            wsc_fail(ctx, "subprotocol: expected none, got \"%s\"", got);
        return;
    }
    const char *want = json_object_get_string(expect);
    if (!got)
        wsc_fail(ctx, "subprotocol: expected \"%s\", got none", want);
    else if (strcmp(got, want) != 0)
        wsc_fail(ctx, "subprotocol: expected \"%s\", got \"%s\"", want, got);
}

static void close_cleanly(struct wsc_ctx *ctx, struct wsc_ws *ws)
{
    if (wsb_close(ctx, ws, WSB_CLOSE_WAIT) != WSC_WS_OK) {
        wsc_fail(ctx, "close handshake: %s", wsc_ws_error(ws));
        return;
    }
    wsc_output(ctx, "close_code", json_object_new_int(wsc_ws_peer_close_code(ws)));
}

void wsb_handshake(struct wsc_ctx *ctx, struct json_object *params)
{
    struct wsc_ws_options opt;
    if (wsb_options(ctx, params, &opt) < 0)
        return;
    struct json_object *expect_status = NULL, *expect_headers = NULL, *expect_sub = NULL;
    json_object_object_get_ex(params, "expect_status", &expect_status);
    json_object_object_get_ex(params, "expect_headers", &expect_headers);
    int check_sub = json_object_object_get_ex(params, "expect_subprotocol", &expect_sub);

    struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, 0, WSC_WS_ALLOW_REJECT);
    wsc_ws_options_free(&opt);
    if (!ws) {
        wsc_error(ctx, "out of memory");
        return;
    }
    enum wsc_ws_result st = wsc_ws_status(ws);
    if (st != WSC_WS_OK && st != WSC_WS_REJECTED) {
        wsc_fail(ctx, "%s", wsc_ws_error(ws));
        wsc_ws_free(ws);
        return;
    }
    output_answer(ctx, ws);
    if (st == WSC_WS_OK)
        wsc_metric(ctx, "handshake_ms", wsc_ws_handshake_ms(ws), "ms");
    if (check_status(ctx, ws, expect_status) == 0) {
        if (expect_headers)
            check_headers(ctx, ws, expect_headers);
        if (check_sub && st == WSC_WS_OK)
            check_subprotocol(ctx, ws, expect_sub);
    }
    if (st == WSC_WS_OK)
        close_cleanly(ctx, ws);
    wsc_ws_free(ws);
}
