/* ping-pong `keepalive`: stays connected `duration` seconds without sending
 * data, answering the server's pings (the WebSocket layer answers them and
 * shows them to us). With `server_ping_within` S, the server must
 * ping at least every S seconds from the connection on (when S is longer
 * than the duration, the check waits up to S for the first ping). At the
 * end one ping of ours must come back within `within`: a connection is only
 * known to be open when something crossed it. */
#include <stdio.h>
#include <string.h>

#include "ping_pong.h"

/* Slack for the clock when comparing a gap with S. */
#define EPSILON_S 0.0005

struct watch {
    double start; /* connected */
    double end;   /* start + duration */
    double every; /* S, 0: no expectation */
    double last;  /* the last ping, or start */
    int pings;
    double max_gap; /* seconds */
};

/* How long to wait for the next ping. */
static double next_wake(const struct watch *w)
{
    if (w->every <= 0)
        return w->end;
    double due = w->last + w->every;
    if (w->pings == 0 && due > w->end)
        return due; /* the first ping may come after the duration */
    return due < w->end ? due : w->end;
}

static void fail_no_ping(struct wsc_ctx *ctx, const struct watch *w, double now)
{
    if (w->pings == 0)
        wsc_fail(ctx, "no server ping within %.3f s of connecting", w->every);
    else
        wsc_fail(ctx,
                 "no server ping within %.3f s: the last came %.3f s after connecting "
                 "(%.3f s ago)",
                 w->every, w->last - w->start, now - w->last);
}

/* Returns 0 when the watch ran to its end, -1 after reporting a failure. */
static int watch_pings(struct wsc_ctx *ctx, struct wsc_ws *ws, struct watch *w)
{
    for (;;) {
        struct wsc_ws_msg m;
        enum wsc_ws_result r = wsc_ws_recv(ws, &m, WSC_WS_PING, next_wake(w));
        double now = wsc_now();
        if (r == WSC_WS_OK && m.kind == WSC_WS_PING) {
            double gap = now - w->last;
            if (gap > w->max_gap)
                w->max_gap = gap;
            w->last = now;
            w->pings++;
            if (now >= w->end) /* a server that never stops pinging */
                return 0;
            continue;
        }
        if (r == WSC_WS_OK) {
            char what[64];
            snprintf(what, sizeof what, "keeping it open (%.3f s after connecting)",
                     now - w->start);
            pp_fail_closed(ctx, &m, what);
            return -1;
        }
        if (r != WSC_WS_TIMEOUT) {
            wsc_fail(ctx, "connection lost %.3f s after connecting: %s", now - w->start,
                     wsc_ws_error(ws));
            return -1;
        }
        if (w->every > 0 && now - w->last + EPSILON_S >= w->every) {
            fail_no_ping(ctx, w, now);
            return -1;
        }
        if (now >= w->end &&
            (w->every <= 0 || w->pings > 0 || now >= w->start + w->every))
            return 0;
        if (wsc_remaining(ctx) <= 0) {
            wsc_fail(ctx,
                     "the test's timeout (%.3f s) ended the watch %.3f s after "
                     "connecting",
                     wsc_timeout(ctx), now - w->start);
            return -1;
        }
    }
}

/* One ping of ours must come back: the connection still carries frames. */
static void prove_alive(struct wsc_ctx *ctx, struct wsc_ws *ws, const struct watch *w,
                        double within)
{
    double rtt = 0;
    double connected = wsc_now() - w->start;
    static const char payload[] = "wscheck-keepalive";
    if (wsc_ws_ping_rtt(ws, payload, sizeof payload - 1, wsc_ws_within(ctx, within),
                        &rtt) != WSC_WS_OK) {
        wsc_fail(ctx, "after %.3f s connected: %s", connected, wsc_ws_error(ws));
        return;
    }
    wsc_metric(ctx, "rtt_ms", rtt, "ms");
}

void pp_keepalive(struct wsc_ctx *ctx, struct json_object *params)
{
    double duration = wsc_param_number(params, "duration", 5);
    double every = wsc_param_number(params, "server_ping_within", 0);
    double within = wsc_param_number(params, "within", 2);
    double needed = (every > duration ? every : duration) + within;
    if (needed > wsc_remaining(ctx)) {
        wsc_error(ctx,
                  "duration %.3f s%s and within %.3f s do not fit in the test's "
                  "timeout (%.3f s left): raise its timeout",
                  duration, every > duration ? " (extended to server_ping_within)" : "",
                  within, wsc_remaining(ctx));
        return;
    }
    struct wsc_ws *ws = pp_connect(ctx, params, 1);
    if (!ws)
        return;
    struct watch w = {0};
    w.start = w.last = wsc_now();
    w.end = w.start + duration;
    w.every = every;
    if (watch_pings(ctx, ws, &w) == 0)
        prove_alive(ctx, ws, &w, within);
    wsc_metric(ctx, "server_pings", w.pings, "count");
    if (w.pings > 0)
        wsc_metric(ctx, "max_ping_gap_ms", w.max_gap * 1000.0, "ms");
    wsc_metric(ctx, "connected_ms", (wsc_now() - w.start) * 1000.0, "ms");
    wsc_output(ctx, "server_pings", json_object_new_int(w.pings));
    pp_close(ctx, ws);
    wsc_ws_free(ws);
}
