/* command_streaming: a tools/call with a progress token, watched as it
 * streams (basic/utilities/progress, server/utilities/logging,
 * basic/utilities/cancellation). */
#include <math.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

#define DT_DEFAULT_TOKEN "wscheck-progress"

struct dt_stream {
    struct json_object *token;  /* the progressToken sent */
    struct json_object *logs;   /* params of notifications/message */
    struct json_object *values; /* progress values, in order */
    double sent, first, last, max_gap, answered, cancelled;
    double last_progress, total;
    int64_t id;
    double stop_within, linger;
    int updates, cancel_after, done;
    enum wsc_mcp_result result;
    struct json_object *response;
    struct json_object *schema; /* the tool's outputSchema, or NULL */
};

static const struct json_object *get(const struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (json_object_is_type(o, json_type_object))
        json_object_object_get_ex(o, key, &v);
    return v;
}

static int same_token(const struct json_object *a, const struct json_object *b)
{
    return a && b && json_object_get_type(a) == json_object_get_type(b) &&
           strcmp(json_object_to_json_string((struct json_object *)a),
                  json_object_to_json_string((struct json_object *)b)) == 0;
}

/* One notifications/progress: the token echoed, progress increasing, the
 * total the same each time and never exceeded. 0, or -1 after a failure. */
static int on_progress(struct wsc_ctx *ctx, struct dt_stream *s,
                       const struct json_object *p, double at)
{
    const struct json_object *token = get(p, "progressToken");
    if (!same_token(token, s->token)) {
        wsc_fail(ctx,
                 "notifications/progress: progressToken %s is not the %s sent "
                 "(basic/utilities/progress)",
                 token ? json_object_to_json_string((struct json_object *)token)
                       : "missing",
                 json_object_to_json_string(s->token));
        return -1;
    }
    if (s->done) {
        wsc_fail(ctx, "notifications/progress after the tools/call response "
                      "(basic/utilities/progress: none after completion)");
        return -1;
    }
    const struct json_object *pv = get(p, "progress"), *tv = get(p, "total");
    if (!json_object_is_type(pv, json_type_int) &&
        !json_object_is_type(pv, json_type_double)) {
        wsc_fail(ctx, "notifications/progress: progress is not a number");
        return -1;
    }
    double progress = json_object_get_double(pv);
    if (s->updates > 0 && !(progress > s->last_progress)) {
        wsc_fail(ctx,
                 "notifications/progress: progress %g after %g does not increase "
                 "(basic/utilities/progress)",
                 progress, s->last_progress);
        return -1;
    }
    double total = tv ? json_object_get_double(tv) : NAN;
    if (s->updates > 0 && !(isnan(total) && isnan(s->total)) && total != s->total) {
        wsc_fail(ctx, "notifications/progress: total changed from %g to %g", s->total,
                 total);
        return -1;
    }
    if (!isnan(total) && progress > total) {
        wsc_fail(ctx, "notifications/progress: progress %g exceeds total %g", progress,
                 total);
        return -1;
    }
    if (s->updates == 0)
        s->first = at;
    else if (at - s->last > s->max_gap)
        s->max_gap = at - s->last;
    s->last = at;
    s->last_progress = progress;
    s->total = total;
    s->updates++;
    json_object_array_add(s->values, json_object_new_double(progress));
    return 0;
}

static int on_event(struct wsc_ctx *ctx, struct wsc_mcp *m, struct dt_stream *s,
                    const struct wsc_mcp_event *ev)
{
    const struct json_object *params = get(ev->message, "params");
    if (ev->kind == WSC_MCP_EV_NOTIFICATION &&
        strcmp(ev->method, "notifications/progress") == 0) {
        if (s->cancelled > 0 && ev->at > s->cancelled + s->stop_within) {
            wsc_fail(ctx,
                     "notifications/progress %.1f s after the call was cancelled: "
                     "the server did not stop within %g s "
                     "(basic/utilities/cancellation)",
                     ev->at - s->cancelled, s->stop_within);
            return -1;
        }
        if (on_progress(ctx, s, params, ev->at) != 0)
            return -1;
        if (s->cancel_after > 0 && s->updates == s->cancel_after && s->cancelled == 0) {
            s->cancelled = wsc_now();
            if (wsc_mcp_cancel(m, s->id, "cancelled by wscheck") != WSC_MCP_OK) {
                dt_fail(ctx, m, "notifications/cancelled");
                return -1;
            }
        }
    } else if (ev->kind == WSC_MCP_EV_NOTIFICATION &&
               strcmp(ev->method, "notifications/message") == 0) {
        json_object_array_add(s->logs, json_object_get((struct json_object *)params));
    } else if (ev->kind == WSC_MCP_EV_RESPONSE && ev->id == s->id) {
        s->done = 1;
        s->answered = ev->at;
    }
    return 0;
}

/* How long to keep watching once progress should have stopped: at least
 * stop_within, and twice the server's pace (the longest gap between
 * updates, or the wait for the first), so that a server that just goes
 * on at its own pace is seen doing so. */
static double watch_after_cancel(const struct dt_stream *s)
{
    double pace = s->max_gap > s->first - s->sent ? s->max_gap : s->first - s->sent;
    return 2 * pace > s->stop_within ? 2 * pace : s->stop_within;
}

/* Until when to wait for the next event: the response (the test's
 * deadline), then `linger` for notifications that would come after it;
 * after a cancel, stop_within and then some (a response may never come). */
static double wait_until(const struct dt_stream *s, double deadline)
{
    double until = deadline;
    if (s->done)
        until = s->answered + s->linger;
    else if (s->cancelled > 0)
        until = s->cancelled + s->stop_within + watch_after_cancel(s);
    return until < deadline ? until : deadline;
}

/* Processes events as they come until the call is over; 0, or -1 after a
 * failure. */
static int watch(struct wsc_ctx *ctx, struct wsc_mcp *m, struct dt_stream *s)
{
    size_t seen = 0;
    for (;;) {
        for (; seen < wsc_mcp_event_count(m); seen++) {
            const struct wsc_mcp_event *ev = wsc_mcp_event(m, seen);
            if (ev && on_event(ctx, m, s, ev) != 0)
                return -1;
        }
        double until = wait_until(s, wsc_deadline(ctx));
        if (wsc_now() >= until && (s->done || s->cancelled > 0))
            return 0;
        enum wsc_mcp_result r = wsc_mcp_wait_event(m, seen, until);
        if (r == WSC_MCP_TIMEOUT && (s->done || s->cancelled > 0))
            return 0;
        if (r == WSC_MCP_TIMEOUT) {
            wsc_fail(ctx,
                     "tools/call: no response within the timeout (%g s) after %d "
                     "progress notifications",
                     wsc_timeout(ctx), s->updates);
            return -1;
        }
        if (r != WSC_MCP_OK) {
            dt_fail(ctx, m, "tools/call");
            return -1;
        }
    }
}

static void stream_metrics(struct wsc_ctx *ctx, const struct dt_stream *s)
{
    wsc_metric(ctx, "updates", s->updates, "count");
    if (s->updates > 0) {
        wsc_metric(ctx, "first_progress_ms", dt_ms(s->sent, s->first), "ms");
        wsc_metric(ctx, "max_progress_gap_ms", s->max_gap * 1000.0, "ms");
    }
    if (s->done)
        wsc_metric(ctx, "call_ms", dt_ms(s->sent, s->answered), "ms");
}

static struct json_object *call_params(const struct json_object *params,
                                       const struct dt_stream *s)
{
    struct json_object *p = dt_request_params(params, "name", "tool");
    struct json_object *meta = json_object_new_object();
    if (!p || !meta) {
        json_object_put(p);
        json_object_put(meta);
        return NULL;
    }
    json_object_object_add(meta, "progressToken", json_object_get(s->token));
    json_object_object_add(p, "_meta", meta);
    return p;
}

/* The answer's outputs plus updates, progress and logs; the rules. */
static void conclude(struct wsc_ctx *ctx, struct wsc_mcp *m,
                     const struct json_object *params, struct dt_stream *s)
{
    const struct json_object *expect = wsc_param(params, "expect");
    struct dt_answer a = {0};
    if (s->done) {
        struct json_object *resp = NULL;
        enum wsc_mcp_result r = wsc_mcp_take(m, s->id, &resp);
        int rc = dt_answer_from(ctx, m, "tools/call", r, resp, &a);
        json_object_put(resp);
        if (rc != 0) {
            json_object_put(a.outputs);
            return;
        }
        dt_default_rules(ctx, m, "tools/call", expect, &a);
        if (s->schema)
            dt_validate_structured(ctx, s->schema, wsc_param_string(params, "tool", ""),
                                   &a);
    } else if (!(a.outputs = json_object_new_object())) {
        wsc_error(ctx, "out of memory");
        return;
    }
    int64_t min = wsc_param_int(params, "min_updates", 1);
    if (s->updates < min)
        wsc_fail(ctx, "tools/call: %d progress notifications, expected at least %lld",
                 s->updates, (long long)min);
    json_object_object_add(a.outputs, "updates", json_object_new_int(s->updates));
    json_object_object_add(a.outputs, "progress", json_object_get(s->values));
    json_object_object_add(a.outputs, "logs", json_object_get(s->logs));
    dt_publish(ctx, expect, a.outputs);
    json_object_put(a.outputs);
}

static int stream_init(struct dt_stream *s, const struct json_object *params)
{
    memset(s, 0, sizeof *s);
    struct json_object *token = wsc_param(params, "progress_token");
    s->token = token ? json_object_get(token) : json_object_new_string(DT_DEFAULT_TOKEN);
    s->logs = json_object_new_array();
    s->values = json_object_new_array();
    s->cancel_after = (int)wsc_param_int(params, "cancel_after", 0);
    s->stop_within = wsc_param_number(params, "stop_within", 2.0);
    s->linger = wsc_param_number(params, "linger", 0.2);
    s->total = NAN;
    return s->token && s->logs && s->values ? 0 : -1;
}

static void stream_free(struct dt_stream *s)
{
    json_object_put(s->token);
    json_object_put(s->logs);
    json_object_put(s->values);
    json_object_put(s->schema);
}

void dt_check_command_streaming(struct wsc_ctx *ctx, struct json_object *params)
{
    struct dt_stream s;
    const char *level = wsc_param_string(params, "log_level", NULL);
    if (wsc_expect_valid(ctx, wsc_param(params, "expect")) != 0)
        return;
    if (stream_init(&s, params) != 0) {
        wsc_error(ctx, "out of memory");
        stream_free(&s);
        return;
    }
    struct wsc_mcp *m = dt_open(ctx, params, 1);
    if (m && level && wsc_mcp_set_log_level(m, level, 0) != WSC_MCP_OK)
        dt_fail(ctx, m, "logging/setLevel");
    if (m && !wsc_failed(ctx))
        s.schema = dt_call_schema(ctx, m, params, wsc_param_string(params, "tool", ""));
    if (m && !wsc_failed(ctx)) {
        wsc_mcp_events_clear(m);
        s.sent = wsc_now();
        if (wsc_mcp_send(m, "tools/call", call_params(params, &s), &s.id) != WSC_MCP_OK)
            dt_fail(ctx, m, "tools/call");
        else if (watch(ctx, m, &s) == 0)
            conclude(ctx, m, params, &s);
        stream_metrics(ctx, &s);
    }
    dt_close(ctx, m);
    stream_free(&s);
}
