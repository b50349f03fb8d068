/* connect_close: `count` connections in turn, each upgraded and closed with
 * 1000; all must succeed. Reports the spread of handshake times. */
#include "ws_basic.h"

#include <wscheck/params.h>

#include <stdlib.h>

#define DEFAULT_COUNT 10

/* One connection; returns 0, or -1 after reporting the failure. */
static int connect_once(struct wsc_ctx *ctx, const struct wsc_ws_options *opt, long i,
                        long count, struct wsc_histogram *h)
{
    struct wsc_ws *ws = wsc_ws_connect(ctx, opt, 0, 0);
    if (!ws) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    int rc = -1;
    if (wsc_ws_status(ws) != WSC_WS_OK)
        wsc_fail(ctx, "connection %ld of %ld: %s", i, count, wsc_ws_error(ws));
    else if (wsb_close(ctx, ws, WSB_CLOSE_WAIT) != WSC_WS_OK)
        wsc_fail(ctx, "connection %ld of %ld: close handshake: %s", i, count,
                 wsc_ws_error(ws));
    else
        rc = 0;
    if (wsc_ws_http_status(ws) == 101)
        wsc_hist_record(h, wsc_ws_handshake_ms(ws));
    wsc_ws_free(ws);
    return rc;
}

void wsb_connect_close(struct wsc_ctx *ctx, struct json_object *params)
{
    long count = (long)wsc_param_int(params, "count", DEFAULT_COUNT);
    if (count < 1) {
        wsc_error(ctx, "count: expected at least 1, got %ld", count);
        return;
    }
    struct wsc_ws_options opt;
    if (wsb_options(ctx, params, &opt) < 0)
        return;
    struct wsc_histogram *h = wsc_hist_new();
    if (!h) {
        wsc_error(ctx, "out of memory");
        wsc_ws_options_free(&opt);
        return;
    }
    long done = 0;
    while (done < count && connect_once(ctx, &opt, done + 1, count, h) == 0)
        done++;
    wsc_output(ctx, "connections", json_object_new_int64(done));
    if (wsc_hist_count(h) > 0) {
        wsc_metric(ctx, "handshake_min_ms", wsc_hist_min(h), "ms");
        wsc_metric(ctx, "handshake_p50_ms", wsc_hist_percentile(h, 50), "ms");
        wsc_metric(ctx, "handshake_max_ms", wsc_hist_max(h), "ms");
        wsc_metric_histogram(ctx, "handshake_ms", h, "ms");
    }
    wsc_hist_free(h);
    wsc_ws_options_free(&opt);
}
