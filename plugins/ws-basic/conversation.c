/* conversation: a scripted exchange on one connection, or on several named
 * in `connections` (connections.c). The steps are validated up front, then
 * each is expanded (so values captured by earlier steps can be used),
 * parsed again and run in turn on its connection. The first failing step
 * ends the conversation; the connections are closed cleanly at the end
 * unless the steps closed them. */
#include "conversation.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wsb_step_fail(struct wsb_convo *c, size_t index, const struct wsc_step *s,
                  const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    if (c->multi)
        wsc_fail(c->ctx, "step %zu (%s) %s: %s", index, wsc_step_action_name(s->action),
                 c->cur->name, msg ? msg : "out of memory");
    else
        wsc_fail(c->ctx, "step %zu (%s): %s", index, wsc_step_action_name(s->action),
                 msg ? msg : "out of memory");
    free(msg);
    return -1;
}

double wsb_step_deadline(const struct wsb_convo *c, const struct wsc_step *s, double dflt,
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

static int run_step(struct wsb_convo *c, size_t index, const struct wsc_step *s)
{
    switch (s->action) {
    case WSC_STEP_SEND:
    case WSC_STEP_SEND_BINARY:
        return wsb_run_send(c, index, s);
    case WSC_STEP_EXPECT:
    case WSC_STEP_EXPECT_TEXT:
    case WSC_STEP_EXPECT_BINARY:
        return wsb_run_expect(c, index, s);
    case WSC_STEP_EXPECT_NONE:
        return wsb_run_expect_none(c, index, s);
    case WSC_STEP_CAPTURE:
        return wsb_run_capture(c, index, s, c->last);
    case WSC_STEP_PING:
        return wsb_run_ping(c, index, s);
    case WSC_STEP_EXPECT_PONG:
        return wsb_run_expect_pong(c, index, s);
    case WSC_STEP_CLOSE:
        return wsb_run_close(c, index, s);
    case WSC_STEP_EXPECT_CLOSE:
        return wsb_run_expect_close(c, index, s);
    case WSC_STEP_SLEEP:
        return wsb_run_sleep(c, index, s);
    case WSC_STEP_CONNECT:
        return wsb_run_connect(c, index, s);
    case WSC_STEP_N_ACTIONS:
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
    struct wsc_step s;
    int rc = wsc_step_parse(step, WSC_STEP_EXPANDED, &s, &err);
    if (rc < 0) {
        wsc_error(c->ctx, "step %zu (%s): %s", index, wsc_step_action_name(s.action),
                  err ? err : "out of memory");
        free(err);
    } else if (!(c->cur = wsb_conn_find(c, s.conn))) {
        wsc_error(c->ctx, "step %zu (%s): unknown connection '%s'", index,
                  wsc_step_action_name(s.action), s.conn);
        rc = -1;
    } else {
        wsb_use(c, c->cur);
        if (c->multi)
            wsc_debug(c->ctx, "step %zu (%s) %s", index, wsc_step_action_name(s.action),
                      c->cur->name);
        else
            wsc_debug(c->ctx, "step %zu (%s)", index, wsc_step_action_name(s.action));
        /* Cannot happen while connections open as connections.c says;
         * kept so that a change there fails a step, not the process. */
        rc = s.action != WSC_STEP_CONNECT && !c->cur->ws
                 ? wsb_step_fail(c, index, &s,
                                 "not connected yet (its first step is connect)")
                 : run_step(c, index, &s);
    }
    wsc_step_clear(&s);
    json_object_put(step);
    return rc;
}

/* Per connection: what it sent, received and ignored. */
static struct json_object *conn_outputs(const struct wsb_convo *c)
{
    struct json_object *all = json_object_new_object();
    for (size_t i = 0; all && i < c->n_conns; i++) {
        const struct wsb_conn *conn = &c->conns[i];
        if (!conn->ws)
            continue; /* never opened */
        struct json_object *o = json_object_new_object();
        if (!o)
            break;
        json_object_object_add(o, "sent", json_object_new_int64(conn->sent));
        json_object_object_add(o, "received", json_object_new_int64(conn->received));
        json_object_object_add(o, "ignored", json_object_new_int64(conn->ignored));
        json_object_object_add(all, conn->name, o);
    }
    return all;
}

static void report(struct wsb_convo *c)
{
    struct wsc_ctx *ctx = c->ctx;
    long sent = 0, received = 0, ignored = 0;
    for (size_t i = 0; i < c->n_conns; i++) {
        sent += c->conns[i].sent;
        received += c->conns[i].received;
        ignored += c->conns[i].ignored;
    }
    if (wsc_hist_count(c->rtt) > 0) {
        wsc_metric(ctx, "rtt_min_ms", wsc_hist_min(c->rtt), "ms");
        wsc_metric(ctx, "rtt_p50_ms", wsc_hist_percentile(c->rtt, 50), "ms");
        wsc_metric(ctx, "rtt_max_ms", wsc_hist_max(c->rtt), "ms");
        wsc_metric_histogram(ctx, "rtt_ms", c->rtt, "ms");
    }
    wsc_output(ctx, "sent", json_object_new_int64(sent));
    wsc_output(ctx, "received", json_object_new_int64(received));
    if (ignored)
        wsc_output(ctx, "ignored", json_object_new_int64(ignored));
    wsc_output(ctx, "captured", json_object_get(c->captured));
    wsc_output(ctx, "last", json_object_get(c->last));
    if (c->multi) {
        wsc_output(ctx, "connections", conn_outputs(c));
        wsc_output(ctx, "captured_on", json_object_get(c->captured_on));
    }
}

/* Opens what must be open before the first step. */
static int open_at_start(struct wsb_convo *c)
{
    for (size_t i = 0; i < c->n_conns; i++)
        if (c->conns[i].used && !c->conns[i].lazy &&
            wsb_conn_open(c, &c->conns[i], 0, NULL) < 0)
            return -1;
    return 0;
}

static void converse(struct wsb_convo *c, struct json_object *steps)
{
    size_t n = json_object_array_length(steps);
    for (size_t i = 0; i < n; i++)
        if (expand_and_run(c, i, json_object_array_get_idx(steps, i)) < 0)
            break;
    wsb_conns_close_all(c);
    report(c);
}

void wsb_conversation(struct wsc_ctx *ctx, struct json_object *params)
{
    struct json_object *steps = NULL;
    json_object_object_get_ex(params, "steps", &steps);
    char *bad = wsc_steps_validate(steps);
    if (bad) {
        wsc_error(ctx, "%s", bad);
        free(bad);
        return;
    }
    struct wsb_convo c = {.ctx = ctx};
    json_object_object_get_ex(params, "ignore", &c.ignore);
    c.rtt = wsc_hist_new();
    c.captured = json_object_new_object();
    c.captured_on = json_object_new_object();
    if (!c.rtt || !c.captured || !c.captured_on)
        wsc_error(ctx, "out of memory");
    else if (wsb_conns_setup(&c, params, steps) == 0 && open_at_start(&c) == 0)
        converse(&c, steps);
    else
        wsb_conns_close_all(&c);
    wsb_conns_free(&c);
    json_object_put(c.last);
    json_object_put(c.captured);
    json_object_put(c.captured_on);
    wsc_hist_free(c.rtt);
}
