/* reject: the upgrade must be refused with an HTTP status (e.g. 403 for a
 * foreign Origin, 401 without credentials). An accepted upgrade, or a
 * connection that fails otherwise, is a failure. */
#include "ws_basic.h"

#include <stdlib.h>

static void output_refusal(struct wsc_ctx *ctx, struct wsc_ws *ws)
{
    struct json_object *headers = NULL;
    json_object_deep_copy(wsc_ws_response_headers(ws), &headers, NULL);
    wsc_output(ctx, "status", json_object_new_int64(wsc_ws_http_status(ws)));
    wsc_output(ctx, "headers", headers ? headers : json_object_new_object());
    const char *body = wsc_ws_response_body(ws);
    if (body && *body)
        wsc_output(ctx, "body", json_object_new_string(body));
}

static void check_refusal(struct wsc_ctx *ctx, struct wsc_ws *ws,
                          struct json_object *params)
{
    struct json_object *expect_status = NULL, *expect_headers = NULL;
    json_object_object_get_ex(params, "expect_status", &expect_status);
    json_object_object_get_ex(params, "expect_headers", &expect_headers);
    long status = wsc_ws_http_status(ws);
    char *why = NULL;
    if (!wsb_status_matches(expect_status, status, &why)) {
        wsc_fail(ctx, "refused with HTTP %ld, expected %s", status, why ? why : "?");
        free(why);
        return;
    }
    char *msg = NULL;
    if (expect_headers && !wsc_match(expect_headers, wsc_ws_response_headers(ws), "", &msg))
        wsc_fail(ctx, "response headers: %s", msg ? msg : "no match");
    free(msg);
}

void wsb_reject(struct wsc_ctx *ctx, struct json_object *params)
{
    struct wsc_ws_options opt;
    if (wsb_options(ctx, params, &opt) < 0)
        return;
    struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, 0, WSC_WS_ALLOW_REJECT);
    wsc_ws_options_free(&opt);
    if (!ws) {
        wsc_error(ctx, "out of memory");
        return;
    }
    switch (wsc_ws_status(ws)) {
    case WSC_WS_REJECTED:
        output_refusal(ctx, ws);
        check_refusal(ctx, ws, params);
        break;
    case WSC_WS_OK:
        wsc_output(ctx, "status", json_object_new_int64(wsc_ws_http_status(ws)));
        wsc_fail(ctx, "the upgrade was accepted (HTTP 101), expected a refusal");
        wsb_close(ctx, ws, WSB_CLOSE_WAIT);
        break;
    default:
        wsc_fail(ctx, "no HTTP refusal: %s", wsc_ws_error(ws));
        break;
    }
    wsc_ws_free(ws);
}
