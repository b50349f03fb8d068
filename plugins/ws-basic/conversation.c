/* conversation: a scripted exchange on one connection. The steps are
 * validated up front, then each is expanded (so values captured by earlier
 * steps can be used), parsed again and run in turn. The first failing step
 * ends the conversation; the connection is closed cleanly at the end unless
 * the steps closed it. */
#include "conversation.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wsb_step_fail(struct wsb_convo *c, size_t index, const struct wsb_step *s,
                  const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    wsc_fail(c->ctx, "step %zu (%s): %s", index, wsb_action_name(s->action),
             msg ? msg : "out of memory");
    free(msg);
    return -1;
}

double wsb_step_deadline(const struct wsb_convo *c, const struct wsb_step *s, double dflt,
                         double *within)
{
    *within = s->within >= 0 ? s->within : dflt;
    return wsc_ws_within(c->ctx, *within);
}

const char *wsb_waited(double within, double started, double deadline)
{
    static char buf[96];
    if (started + within > deadline + 1e-3)
        snprintf(buf, sizeof(buf), "within %.3f s (cut short by the test's timeout)",
                 deadline - started);
    else
        snprintf(buf, sizeof(buf), "within %.3f s", within);
    return buf;
}

static int run_step(struct wsb_convo *c, size_t index, const struct wsb_step *s)
{
    switch (s->action) {
    case WSB_SEND:
    case WSB_SEND_BINARY:
        return wsb_run_send(c, index, s);
    case WSB_EXPECT:
    case WSB_EXPECT_TEXT:
    case WSB_EXPECT_BINARY:
        return wsb_run_expect(c, index, s);
    case WSB_EXPECT_NONE:
        return wsb_run_expect_none(c, index, s);
    case WSB_CAPTURE:
        return wsb_run_capture(c, index, s, c->last);
    case WSB_PING:
        return wsb_run_ping(c, index, s);
    case WSB_EXPECT_PONG:
        return wsb_run_expect_pong(c, index, s);
    case WSB_CLOSE:
        return wsb_run_close(c, index, s);
    case WSB_EXPECT_CLOSE:
        return wsb_run_expect_close(c, index, s);
    case WSB_SLEEP:
        return wsb_run_sleep(c, index, s);
    case WSB_N_ACTIONS:
        break;
    }
    return -1;
}

/* Expands one step's variables, parses it and runs it. */
static int expand_and_run(struct wsb_convo *c, size_t index, struct json_object *tmpl)
{
    char *err = NULL;
    struct json_object *step = wsc_expand(c->ctx, tmpl, &err);
    if (!step) {
        wsc_error(c->ctx, "step %zu: %s", index, err ? err : "out of memory");
        free(err);
        return -1;
    }
    struct wsb_step s;
    int rc = wsb_step_parse(step, WSB_EXPANDED, &s, &err);
    if (rc < 0) {
        wsc_error(c->ctx, "step %zu (%s): %s", index, wsb_action_name(s.action),
                  err ? err : "out of memory");
        free(err);
    } else {
        wsc_debug(c->ctx, "step %zu (%s)", index, wsb_action_name(s.action));
        rc = run_step(c, index, &s);
    }
    wsb_step_clear(&s);
    json_object_put(step);
    return rc;
}

static void report(struct wsb_convo *c)
{
    struct wsc_ctx *ctx = c->ctx;
    if (wsc_hist_count(c->rtt) > 0) {
        wsc_metric(ctx, "rtt_min_ms", wsc_hist_min(c->rtt), "ms");
        wsc_metric(ctx, "rtt_p50_ms", wsc_hist_percentile(c->rtt, 50), "ms");
        wsc_metric(ctx, "rtt_max_ms", wsc_hist_max(c->rtt), "ms");
        wsc_metric_histogram(ctx, "rtt_ms", c->rtt, "ms");
    }
    wsc_output(ctx, "sent", json_object_new_int64(c->sent));
    wsc_output(ctx, "received", json_object_new_int64(c->received));
    wsc_output(ctx, "captured", json_object_get(c->captured));
    wsc_output(ctx, "last", json_object_get(c->last));
}

/* The clean close after the last step; after a failure it is only a
 * courtesy to the server and its outcome is not reported. */
static void close_at_end(struct wsb_convo *c)
{
    if (c->closed || wsc_ws_is_closed(c->ws))
        return;
    if (wsc_failed(c->ctx)) {
        wsb_close(c->ctx, c->ws, 1.0);
        return;
    }
    if (wsb_close(c->ctx, c->ws, WSB_CLOSE_WAIT) != WSC_WS_OK)
        wsc_fail(c->ctx, "after the last step: close handshake: %s", wsc_ws_error(c->ws));
}

static void converse(struct wsb_convo *c, struct json_object *steps)
{
    size_t n = json_object_array_length(steps);
    for (size_t i = 0; i < n; i++)
        if (expand_and_run(c, i, json_object_array_get_idx(steps, i)) < 0)
            break;
    close_at_end(c);
    report(c);
}

void wsb_conversation(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *steps = NULL;
    json_object_object_get_ex(params, "steps", &steps);
    char *bad = wsb_steps_validate(steps);
    if (bad) {
        wsc_error(ctx, "%s", bad);
        free(bad);
        return;
    }
    struct wsc_ws_options opt;
    if (wsb_options(ctx, params, &opt) < 0)
        return;
    struct wsb_convo c = {.ctx = ctx};
    c.rtt = wsc_hist_new();
    c.captured = json_object_new_object();
    c.ws = c.rtt && c.captured ? wsc_ws_connect(ctx, &opt, 0, 0) : NULL;
    wsc_ws_options_free(&opt);
    if (!c.ws)
        wsc_error(ctx, "out of memory");
    else if (wsc_ws_status(c.ws) != WSC_WS_OK)
        wsc_fail(ctx, "connect: %s", wsc_ws_error(c.ws));
    else {
        wsc_metric(ctx, "handshake_ms", wsc_ws_handshake_ms(c.ws), "ms");
        converse(&c, steps);
    }
    wsc_ws_free(c.ws);
    wsb_inbox_free(&c.inbox);
    json_object_put(c.last);
    json_object_put(c.captured);
    wsc_hist_free(c.rtt);
}
