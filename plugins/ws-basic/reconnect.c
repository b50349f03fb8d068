/* reconnect: the recovery test. Connects, waits for the server to drop the
 * connection (or closes it after `drop_after` s), then reconnects with
 * exponential backoff until an upgrade succeeds within `recover_within` s. */
#include "ws_basic.h"

#include <wscheck/params.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_RECOVER_WITHIN 10.0
#define DEFAULT_BACKOFF_INITIAL 0.1
#define DEFAULT_BACKOFF_MAX 2.0

struct reconnect_params {
    double drop_after; /* < 0: wait for the server to drop it */
    double recover_within;
    double backoff_initial;
    double backoff_max;
};

/* Waits for the end of the first connection. Returns 0 once it is over,
 * -1 after reporting a failure. */
static int wait_for_drop(struct wsc_ctx *ctx, struct wsc_ws *ws,
                         const struct reconnect_params *p)
{
    double until;
    if (p->drop_after >= 0) {
        until = wsc_ws_within(ctx, p->drop_after);
    } else {
        until = wsc_deadline(ctx) - p->recover_within;
        if (until <= wsc_now()) {
            wsc_error(ctx,
                      "no time left to wait for a drop: the test's timeout "
                      "(%.3f s) must exceed recover_within (%.3f s)",
                      wsc_timeout(ctx), p->recover_within);
            return -1;
        }
    }
    double started = wsc_now();
    for (;;) {
        struct wsc_ws_msg m;
        enum wsc_ws_result r = wsc_ws_recv(ws, &m, WSC_WS_ANY, until);
        if (r == WSC_WS_OK && m.kind == WSC_WS_CLOSE) {
            wsc_output(ctx, "drop", json_object_new_string("server"));
            wsc_output(ctx, "drop_close_code", json_object_new_int(m.close_code));
            return 0;
        }
        if (r == WSC_WS_ERROR || r == WSC_WS_CLOSED) {
            wsc_output(ctx, "drop", json_object_new_string("lost"));
            wsc_note(ctx, "connection lost: %s", wsc_ws_error(ws));
            return 0;
        }
        if (r != WSC_WS_TIMEOUT)
            continue;
        if (p->drop_after < 0) {
            wsc_fail(ctx,
                     "the server did not drop the connection within %.3f s "
                     "(drop_after closes it from the client)",
                     wsc_now() - started);
            return -1;
        }
        wsc_output(ctx, "drop", json_object_new_string("client"));
        if (wsb_close(ctx, ws, WSB_CLOSE_WAIT) != WSC_WS_OK)
            wsc_note(ctx, "closing after drop_after: %s", wsc_ws_error(ws));
        return 0;
    }
}

/* One attempt; returns 1 when the upgrade succeeded, else 0 with the
 * reason in *last (replaced). */
static int attempt(struct wsc_ctx *ctx, struct wsc_ws_options *opt,
                   double user_connect_timeout, double end, char **last)
{
    double left = end - wsc_now();
    opt->connect_timeout = user_connect_timeout > 0 && user_connect_timeout < left
                               ? user_connect_timeout
                               : left;
    struct wsc_ws *ws = wsc_ws_connect(ctx, opt, 0, 0);
    if (!ws)
        return 0;
    int ok = wsc_ws_status(ws) == WSC_WS_OK;
    if (ok) {
        if (wsb_close(ctx, ws, WSB_CLOSE_WAIT) != WSC_WS_OK)
            wsc_note(ctx, "closing the new connection: %s", wsc_ws_error(ws));
    } else {
        free(*last);
        *last = strdup(wsc_ws_error(ws));
    }
    wsc_ws_free(ws);
    return ok;
}

static void reconnect_with_backoff(struct wsc_ctx *ctx, struct wsc_ws_options *opt,
                                   const struct reconnect_params *p)
{
    double user_connect_timeout = opt->connect_timeout;
    double dropped = wsc_now(), end = dropped + p->recover_within;
    double delay = p->backoff_initial;
    char *last = NULL;
    long attempts = 0;
    int ok = 0;
    while (!ok && wsc_now() < end && wsc_remaining(ctx) > 0) {
        attempts++;
        ok = attempt(ctx, opt, user_connect_timeout, end, &last);
        if (ok)
            break;
        double left = end - wsc_now();
        if (left <= 0 || wsc_sleep(ctx, delay < left ? delay : left) < 0)
            break;
        delay = delay * 2 < p->backoff_max ? delay * 2 : p->backoff_max;
    }
    wsc_output(ctx, "attempts", json_object_new_int64(attempts));
    if (ok)
        wsc_metric(ctx, "recovery_ms", (wsc_now() - dropped) * 1e3, "ms");
    else
        wsc_fail(ctx,
                 "no successful reconnection within %.3f s after the drop "
                 "(%ld attempts; last: %s)",
                 wsc_now() - dropped, attempts,
                 last ? last : "none made before the test's timeout");
    free(last);
}

void wsb_reconnect(struct wsc_ctx *ctx, struct json_object *params)
{
    struct reconnect_params p = {
        .drop_after = wsc_param_number(params, "drop_after", -1),
        .recover_within =
            wsc_param_number(params, "recover_within", DEFAULT_RECOVER_WITHIN),
        .backoff_initial =
            wsc_param_number(params, "backoff_initial", DEFAULT_BACKOFF_INITIAL),
        .backoff_max = wsc_param_number(params, "backoff_max", DEFAULT_BACKOFF_MAX),
    };
    if (p.backoff_initial <= 0 || p.backoff_max < p.backoff_initial) {
        wsc_error(ctx, "backoff: expected 0 < backoff_initial <= backoff_max");
        return;
    }
    struct wsc_ws_options opt;
    if (wsb_options(ctx, params, &opt) < 0)
        return;
    struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, 0, 0);
    if (!ws || wsc_ws_status(ws) != WSC_WS_OK) {
        if (ws)
            wsc_fail(ctx, "first connection: %s", wsc_ws_error(ws));
        else
            wsc_error(ctx, "out of memory");
    } else if (wait_for_drop(ctx, ws, &p) == 0) {
        wsc_ws_free(ws);
        ws = NULL;
        reconnect_with_backoff(ctx, &opt, &p);
    }
    wsc_ws_free(ws);
    wsc_ws_options_free(&opt);
}
