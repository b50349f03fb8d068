/* dashboard_feed: a dashboard feed (crackerjack's /ws/dashboard/overview
 * by default). The first dashboard message carries the required panels and
 * the fields with their types; refreshes come every interval and keep the
 * same shape: a panel that disappears or changes its type fails. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/json.h>
#include <wscheck/json_pointer.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "checks.h"

/* DashboardState's members and types, relative to panels_pointer. */
static const char *const default_fields[][2] = {
    {"/current_metrics", "object"},
    {"/current_metrics/quality_score", "number"},
    {"/current_metrics/timestamp", "string"},
    {"/historical_data", "array"},
    {"/active_alerts", "array"},
    {"/system_health", "object"},
    {"/system_health/overall_status", "string"},
    {"/system_health/cpu_usage", "number"},
    {"/system_health/memory_usage", "number"},
    {"/system_health/disk_usage", "number"},
    {"/system_health/service_status", "object"},
    {"/recommendations", "array"},
    {"/last_updated", "string"},
    {NULL, NULL},
};

struct dash {
    struct mon_feed f;
    struct mon_pace pace;
    const char *type_ptr, *update_type, *broadcast_type, *panels_ptr;
    const struct json_object *panels;
    struct json_object *fields; /* owned */
    size_t want;
    int has_duration;
    /* state */
    struct json_object *first, *last, *shape; /* shape: panel -> type name */
    size_t refreshes, first_index;
};

static struct json_object *fields_of(const struct json_object *params,
                                     const char *panels_ptr)
{
    struct json_object *given = wsc_param_object(params, "fields");
    if (given)
        return json_object_get(given);
    struct json_object *o = json_object_new_object();
    for (size_t i = 0; o && default_fields[i][0]; i++) {
        char *ptr = NULL;
        if (asprintf(&ptr, "%s%s", panels_ptr, default_fields[i][0]) < 0 ||
            json_object_object_add(o, ptr,
                                   json_object_new_string(default_fields[i][1]))) {
            free(ptr);
            json_object_put(o);
            return NULL;
        }
        free(ptr);
    }
    return o;
}

/* The message's type, and its panels: an object. */
static struct json_object *panels_of(struct dash *d, struct json_object *msg)
{
    const char *type = mon_string_at(msg, d->type_ptr);
    char buf[WSC_RENDER_MAX + 8];
    if (!type || strcmp(type, d->update_type) != 0) {
        mon_feed_fail(&d->f, "%s is %s, expected \"%s\"", d->type_ptr,
                      mon_render(buf, sizeof buf, wsc_json_pointer_get(msg, d->type_ptr)),
                      d->update_type);
        return NULL;
    }
    struct json_object *panels = wsc_json_pointer_get(msg, d->panels_ptr);
    if (!json_object_is_type(panels, json_type_object)) {
        mon_feed_fail(&d->f, "%s is %s, not an object of panels", d->panels_ptr,
                      panels ? wsc_json_type_name(panels) : "missing");
        return NULL;
    }
    return panels;
}

/* The required panels, and the fields with their types. */
static int judge(struct dash *d, struct json_object *msg, struct json_object *panels)
{
    size_t n = d->panels ? json_object_array_length(d->panels) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *name =
            json_object_get_string(json_object_array_get_idx(d->panels, i));
        if (!json_object_object_get_ex(panels, name, NULL)) {
            mon_feed_fail(&d->f, "panel %s (%s/%s) is missing (panels)", name,
                          d->panels_ptr, name);
            return -1;
        }
    }
    char *problem = mon_fields_problem(d->fields, msg);
    if (problem) {
        mon_feed_fail(&d->f, "%s", problem);
        free(problem);
        return -1;
    }
    return 0;
}

/* The first message's panels and their types. */
static int take_shape(struct dash *d, struct json_object *msg, struct json_object *panels)
{
    d->shape = json_object_new_object();
    if (!d->shape) {
        mon_feed_fail_plain(&d->f, "out of memory");
        return -1;
    }
    json_object_object_foreach(panels, name, value)
        json_object_object_add(d->shape, name,
                               json_object_new_string(wsc_json_type_name(value)));
    d->first = json_object_get(msg);
    d->first_index = d->f.index;
    return 0;
}

/* A refresh keeps every panel of the first message, with its type. */
static int same_shape(struct dash *d, struct json_object *panels)
{
    struct json_object *v = NULL;
    json_object_object_foreach(d->shape, name, was) {
        const char *before = json_object_get_string(was);
        if (!json_object_object_get_ex(panels, name, &v)) {
            mon_feed_fail(&d->f, "panel %s (%s/%s) disappeared (it was in message %zu)",
                          name, d->panels_ptr, name, d->first_index);
            return -1;
        }
        if (strcmp(before, wsc_json_type_name(v)) != 0 &&
            !(strcmp(before, "number") == 0 && json_object_is_type(v, json_type_int)) &&
            !(strcmp(before, "integer") == 0 &&
              json_object_is_type(v, json_type_double))) {
            mon_feed_fail(&d->f, "panel %s (%s/%s) is now %s, it was %s in message %zu",
                          name, d->panels_ptr, name, wsc_json_type_name(v), before,
                          d->first_index);
            return -1;
        }
    }
    return 0;
}

static int on_message(struct dash *d, struct json_object *msg)
{
    const char *type = mon_string_at(msg, d->type_ptr);
    if (type && d->broadcast_type[0] && strcmp(type, d->broadcast_type) == 0)
        return 0;
    struct json_object *panels = panels_of(d, msg);
    if (!panels)
        return -1;
    if (!d->first) {
        if (judge(d, msg, panels) != 0)
            return -1;
        wsc_metric(d->f.ctx, "first_ms", (d->f.t - d->f.start) * 1000.0, "ms");
        mon_pace_restart(&d->pace, &d->f);
        return take_shape(d, msg, panels);
    }
    /* A panel that went away is named as such before any other rule. */
    if (same_shape(d, panels) != 0 || judge(d, msg, panels) != 0 ||
        mon_pace_message(&d->pace, &d->f) != 0)
        return -1;
    json_object_put(d->last);
    d->last = json_object_get(msg);
    d->refreshes++;
    return !d->has_duration && d->refreshes >= d->want;
}

static void follow(struct dash *d)
{
    for (;;) {
        struct json_object *msg = NULL;
        double due = d->first ? mon_pace_due(&d->pace)
                              : d->f.start + d->pace.interval + d->pace.tolerance;
        enum mon_event e = mon_feed_next(&d->f, due, &msg);
        int done = e == MON_MESSAGE ? on_message(d, msg) : 0;
        json_object_put(msg);
        if (e == MON_DUE && !d->first)
            mon_feed_fail_plain(&d->f,
                                "no %s message within %g s of connecting (interval "
                                "%g s, tolerance %g s)",
                                d->update_type, d->pace.interval + d->pace.tolerance,
                                d->pace.interval, d->pace.tolerance);
        else if (e == MON_DUE)
            mon_pace_stalled(&d->pace, &d->f);
        if (e == MON_END && !d->f.error && d->refreshes < d->want) {
            char *end = mon_feed_end_text(&d->f, d->f.cause);
            mon_feed_fail_plain(&d->f, "%s, with %zu of %zu refreshes (interval %g s)",
                                end ? end : "the stream ended", d->refreshes, d->want,
                                d->pace.interval);
            free(end);
        }
        if (e != MON_MESSAGE || done != 0 || d->f.error)
            return;
    }
}

static int configure(struct wsc_ctx *ctx, struct json_object *params, struct dash *d,
                     struct wsc_stream_options *so)
{
    d->type_ptr = wsc_param_string(params, "type_pointer", "/type");
    d->update_type = wsc_param_string(params, "update_type", "dashboard_update");
    d->broadcast_type = wsc_param_string(params, "broadcast_type", "metrics_update");
    d->panels_ptr = wsc_param_string(params, "panels_pointer", "/data");
    d->panels = wsc_param_array(params, "panels");
    d->want = (size_t)wsc_param_int(params, "refreshes", 1);
    d->has_duration = wsc_param_number(params, "duration", 0) > 0;
    d->fields = fields_of(params, d->panels_ptr);
    const char *ts = wsc_param_string(params, "timestamp_pointer", "/timestamp");
    char *err = NULL;
    if (!d->fields) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    if (wsc_stream_options_parse(ctx, params, so, &err) != 0) {
        wsc_error(ctx, "%s", err ? err : "out of memory");
        free(err);
        return -1;
    }
    if (ts[0] && wsc_stream_options_add_non_decreasing(so, ts) != 0) {
        wsc_error(ctx, "timestamp_pointer: '%s' is not a JSON Pointer", ts);
        wsc_stream_options_free(so);
        return -1;
    }
    if (mon_pace_init(&d->pace, ctx, params, "refresh") != 0) {
        wsc_stream_options_free(so);
        return -1;
    }
    return 0;
}

static struct json_object *outputs_of(const struct dash *d)
{
    struct json_object *o = json_object_new_object(), *names = json_object_new_array();
    if (!o || !names) {
        json_object_put(o);
        json_object_put(names);
        return NULL;
    }
    if (d->shape) {
        json_object_object_foreach(d->shape, name, type) {
            (void)type;
            json_object_array_add(names, json_object_new_string(name));
        }
        json_object_object_add(o, "first", json_object_get(d->first));
    }
    json_object_object_add(o, "panels", names);
    if (d->last)
        json_object_object_add(o, "last", json_object_get(d->last));
    json_object_object_add(o, "refreshes", json_object_new_int64((int64_t)d->refreshes));
    return o;
}

void mon_dashboard_feed(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    struct dash d;
    struct wsc_stream_options so;
    memset(&d, 0, sizeof d);
    if (wsc_expect_valid(ctx, expect) == 0 && configure(ctx, params, &d, &so) == 0) {
        int opened = mon_feed_open(&d.f, ctx, params, &so, MON_DASHBOARD);
        wsc_stream_options_free(&so);
        if (opened == 0) {
            follow(&d);
            int failed = mon_feed_finish(&d.f);
            wsc_metric(ctx, "refreshes", (double)d.refreshes, "count");
            mon_interval_metrics(ctx, d.pace.h);
            struct json_object *outputs = outputs_of(&d);
            if (!outputs)
                wsc_error(ctx, "out of memory");
            else
                mon_publish(ctx, failed ? NULL : expect, outputs);
        }
    }
    mon_feed_free(&d.f);
    mon_pace_free(&d.pace);
    json_object_put(d.fields);
    json_object_put(d.first);
    json_object_put(d.last);
    json_object_put(d.shape);
}
