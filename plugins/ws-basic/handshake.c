/* handshake: one connection; its upgrade answer must match `expect` (status
 * 101 unless it says otherwise, headers, subprotocol), then the connection
 * must close cleanly. */
#include "ws_basic.h"

#include <wscheck/expect.h>
#include <wscheck/params.h>

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
    enum wsc_ws_result st = wsc_ws_status(ws);
    if (st != WSC_WS_OK && st != WSC_WS_REJECTED) {
        wsc_fail(ctx, "%s", wsc_ws_error(ws));
        wsc_ws_free(ws);
        return;
    }
    if (st == WSC_WS_OK)
        wsc_metric(ctx, "handshake_ms", wsc_ws_handshake_ms(ws), "ms");
    wsb_expect_answer(ctx, ws, expect, "101");
    if (st == WSC_WS_OK)
        close_cleanly(ctx, ws);
    wsc_ws_free(ws);
}
