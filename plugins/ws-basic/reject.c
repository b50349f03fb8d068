/* reject: the upgrade must be refused with an HTTP status (e.g. 403 for a
 * foreign Origin, 401 without credentials) matching `expect` (any 4xx or
 * 5xx unless it says otherwise). An accepted upgrade, or a connection that
 * fails otherwise, is a failure. */
#include "ws_basic.h"

#include <wscheck/expect.h>
#include <wscheck/params.h>

void wsb_reject(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    struct wsc_ws_options opt;
    if (wsc_expect_valid(ctx, expect) != 0 || wsb_options(ctx, params, &opt) < 0)
        return;
    struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, 0, WSC_WS_ALLOW_REJECT);
    wsc_ws_options_free(&opt);
    if (!ws) {
        wsc_error(ctx, "out of memory");
        return;
    }
    switch (wsc_ws_status(ws)) {
    case WSC_WS_REJECTED:
        wsb_expect_answer(ctx, ws, expect, "{\"$gte\":400,\"$lt\":600}");
        break;
    case WSC_WS_OK:
        /* the expectation says how it went wrong; an accepted upgrade is a
         * failure even when the expectation let 101 through */
        if (wsb_expect_answer(ctx, ws, expect, "{\"$gte\":400,\"$lt\":600}") == 0)
            wsc_fail(ctx, "the upgrade was accepted (HTTP 101), expected a refusal");
        wsb_close(ctx, ws, WSB_CLOSE_WAIT);
        break;
    default:
        wsc_fail(ctx, "no HTTP refusal: %s", wsc_ws_error(ws));
        break;
    }
    wsc_ws_free(ws);
}
