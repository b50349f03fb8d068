/* metrics_stream: a live metrics feed (crackerjack's /ws/metrics/live by
 * default). The snapshot first, then updates every interval (within the
 * tolerance), each with the required metrics as numbers within their
 * bounds, timestamps never going back, no message twice, and a request
 * (request_update) answered by the next update within request_within. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/json_pointer.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "checks.h"

struct live {
    struct mon_feed f;
    struct mon_pace pace;
    const char *initial_type, *update_type, *type_ptr, *data_ptr, *ts_ptr;
    const struct json_object *metrics, *request;
    double request_within;
    size_t want_updates;
    int has_duration;
    /* state */
    struct json_object *first, *last;
    size_t updates, periodic;
    double request_at; /* 0: no request pending */
    size_t request_after;
    uint64_t *seen; /* hashes of timestamp + data, in order */
    size_t *seen_index, n_seen;
};

static uint64_t fnv1a(const char *s, uint64_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static const char *json_text(struct json_object *v)
{
    return v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "null";
}

/* The same timestamp and data as an earlier message fails. */
static int duplicate(struct live *l, struct json_object *msg)
{
    uint64_t h = 14695981039346656037ULL;
    if (l->ts_ptr[0]) {
        h = fnv1a(json_text(wsc_json_pointer_get(msg, l->ts_ptr)), h);
        h = fnv1a("\n", h);
        h = fnv1a(json_text(wsc_json_pointer_get(msg, l->data_ptr)), h);
    } else {
        h = fnv1a(json_text(msg), h);
    }
    for (size_t i = 0; i < l->n_seen; i++) {
        if (l->seen[i] == h) {
            mon_feed_fail(&l->f,
                          "the same timestamp and data as message %zu (a duplicate)",
                          l->seen_index[i]);
            return -1;
        }
    }
    uint64_t *s = realloc(l->seen, (l->n_seen + 1) * sizeof *s);
    if (s)
        l->seen = s;
    size_t *x = realloc(l->seen_index, (l->n_seen + 1) * sizeof *x);
    if (x)
        l->seen_index = x;
    if (!s || !x) {
        mon_feed_fail_plain(&l->f, "out of memory");
        return -1;
    }
    l->seen[l->n_seen] = h;
    l->seen_index[l->n_seen++] = l->f.index;
    return 0;
}

/* The message's type must be `want`; its metrics present and numeric. */
static int shape(struct live *l, struct json_object *msg, const char *want,
                 const char *what)
{
    const char *type = mon_string_at(msg, l->type_ptr);
    char buf[WSC_RENDER_MAX + 8];
    if (!type || strcmp(type, want) != 0) {
        mon_feed_fail(&l->f, "%s is %s, expected \"%s\" (%s)", l->type_ptr,
                      mon_render(buf, sizeof buf, wsc_json_pointer_get(msg, l->type_ptr)),
                      want, what);
        return -1;
    }
    char *problem = mon_metrics_problem(l->metrics, l->data_ptr, msg);
    if (problem) {
        mon_feed_fail(&l->f, "%s", problem);
        free(problem);
        return -1;
    }
    return duplicate(l, msg);
}

static void keep(struct json_object **slot, struct json_object *msg)
{
    json_object_put(*slot);
    *slot = json_object_get(msg);
}

static int send_request(struct live *l)
{
    if (!l->request)
        return 0;
    if (wsc_stream_send(l->f.ws, l->request) != WSC_WS_OK) {
        mon_feed_fail_plain(&l->f, "sending request: %s", wsc_ws_error(l->f.ws));
        return -1;
    }
    l->request_at = wsc_now();
    l->request_after = l->f.index;
    wsc_stream_keepalive_sent(l->f.s, l->request_at);
    return 0;
}

/* 1 when the stream has what it needs: the updates asked for, the
 * request answered (without a duration, which is then watched whole). */
static int enough(const struct live *l)
{
    return !l->has_duration && l->request_at == 0 && l->periodic >= l->want_updates;
}

/* One counted message. Returns 1 when the stream has what it needs, -1
 * after a failure. */
static int on_message(struct live *l, struct json_object *msg)
{
    if (!l->first) {
        if (shape(l, msg, l->initial_type, "the snapshot") != 0)
            return -1;
        keep(&l->first, msg);
        mon_pace_restart(&l->pace, &l->f);
        if (send_request(l) != 0)
            return -1;
        return enough(l);
    }
    if (shape(l, msg, l->update_type, "an update") != 0)
        return -1;
    keep(&l->last, msg);
    l->updates++;
    if (l->request_at > 0) {
        /* The answer: the period restarts (the server's timer does). */
        wsc_metric(l->f.ctx, "request_ms", (l->f.t - l->request_at) * 1000.0, "ms");
        l->request_at = 0;
        mon_pace_restart(&l->pace, &l->f);
        return enough(l);
    }
    if (mon_pace_message(&l->pace, &l->f) != 0)
        return -1;
    l->periodic++;
    return enough(l);
}

static void on_due(struct live *l)
{
    char buf[WSC_RENDER_MAX + 8];
    if (!l->first)
        mon_feed_fail_plain(&l->f,
                            "no %s message within %g s of connecting (interval %g s, "
                            "tolerance %g s)",
                            l->initial_type, l->pace.interval + l->pace.tolerance,
                            l->pace.interval, l->pace.tolerance);
    else if (l->request_at > 0 && wsc_now() >= l->request_at + l->request_within)
        mon_feed_fail_plain(&l->f,
                            "no %s answered request %s (sent after message %zu) "
                            "within request_within %g s",
                            l->update_type, mon_render(buf, sizeof buf, l->request),
                            l->request_after, l->request_within);
    else
        mon_pace_stalled(&l->pace, &l->f);
}

static double next_due(const struct live *l)
{
    double due = l->first ? mon_pace_due(&l->pace)
                          : l->f.start + l->pace.interval + l->pace.tolerance;
    if (l->request_at > 0 && l->request_at + l->request_within < due)
        due = l->request_at + l->request_within;
    return due;
}

/* The stream ended before the updates asked for came. */
static void too_few(struct live *l)
{
    if (l->f.error || l->periodic >= l->want_updates)
        return;
    char *end = mon_feed_end_text(&l->f, l->f.cause);
    mon_feed_fail_plain(&l->f, "%s, with %zu of %zu updates (interval %g s)",
                        end ? end : "the stream ended", l->periodic, l->want_updates,
                        l->pace.interval);
    free(end);
}

static void follow(struct live *l)
{
    for (;;) {
        struct json_object *msg = NULL;
        enum mon_event e = mon_feed_next(&l->f, next_due(l), &msg);
        int done = 0;
        if (e == MON_MESSAGE)
            done = on_message(l, msg);
        else if (e == MON_DUE)
            on_due(l);
        else if (e == MON_END)
            too_few(l);
        json_object_put(msg);
        if (e == MON_END || e == MON_FAILED || done != 0 || l->f.error)
            return;
    }
}

/* The engine's rules the check adds: timestamps never going back, the
 * bounds of the metrics. */
static int defaults(struct wsc_ctx *ctx, const struct json_object *params,
                    struct wsc_stream_options *so, const struct live *l)
{
    if (l->ts_ptr[0] && wsc_stream_options_add_non_decreasing(so, l->ts_ptr) != 0)
        goto bad;
    struct json_object *bounds = wsc_param_object(params, "bounds");
    if (bounds) {
        json_object_object_foreach(bounds, name, range) {
            char *ptr = mon_pointer_join(l->data_ptr, name);
            int rc =
                ptr ? wsc_stream_options_add_range(
                          so, ptr,
                          json_object_get_double(json_object_array_get_idx(range, 0)),
                          json_object_get_double(json_object_array_get_idx(range, 1)))
                    : -1;
            free(ptr);
            if (rc != 0)
                goto bad;
        }
    }
    return 0;
bad:
    wsc_error(ctx, "data_pointer or timestamp_pointer is not a JSON Pointer");
    return -1;
}

static int configure(struct wsc_ctx *ctx, struct json_object *params, struct live *l,
                     struct wsc_stream_options *so)
{
    l->initial_type = wsc_param_string(params, "initial_type", "initial_metrics");
    l->update_type = wsc_param_string(params, "update_type", "metrics_update");
    l->type_ptr = wsc_param_string(params, "type_pointer", "/type");
    l->data_ptr = wsc_param_string(params, "data_pointer", "/data");
    l->ts_ptr = wsc_param_string(params, "timestamp_pointer", "/timestamp");
    l->metrics = wsc_param_array(params, "metrics");
    l->request = wsc_param(params, "request");
    l->request_within = wsc_param_number(params, "request_within", 5);
    l->want_updates = (size_t)wsc_param_int(params, "updates", 2);
    l->has_duration = wsc_param_number(params, "duration", 0) > 0;
    char *err = NULL;
    if (wsc_stream_options_parse(ctx, params, so, &err) != 0) {
        wsc_error(ctx, "%s", err ? err : "out of memory");
        free(err);
        return -1;
    }
    if (defaults(ctx, params, so, l) != 0 ||
        mon_pace_init(&l->pace, ctx, params, "update") != 0) {
        wsc_stream_options_free(so);
        return -1;
    }
    return 0;
}

static struct json_object *outputs_of(const struct live *l)
{
    struct json_object *o = json_object_new_object();
    if (o) {
        if (l->first)
            json_object_object_add(o, "first", json_object_get(l->first));
        if (l->last)
            json_object_object_add(o, "last", json_object_get(l->last));
        json_object_object_add(o, "updates", json_object_new_int64((int64_t)l->updates));
    }
    return o;
}

void mon_metrics_stream(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    struct live l;
    struct wsc_stream_options so;
    memset(&l, 0, sizeof l);
    if (wsc_expect_valid(ctx, expect) != 0 || configure(ctx, params, &l, &so) != 0)
        return;
    int opened = mon_feed_open(&l.f, ctx, params, &so, MON_LIVE);
    wsc_stream_options_free(&so);
    if (opened == 0) {
        follow(&l);
        int failed = mon_feed_finish(&l.f);
        wsc_metric(ctx, "updates", (double)l.updates, "count");
        mon_interval_metrics(ctx, l.pace.h);
        struct json_object *outputs = outputs_of(&l);
        if (!outputs)
            wsc_error(ctx, "out of memory");
        else
            mon_publish(ctx, failed ? NULL : expect, outputs);
    }
    mon_feed_free(&l.f);
    mon_pace_free(&l.pace);
    json_object_put(l.first);
    json_object_put(l.last);
    free(l.seen);
    free(l.seen_index);
}
