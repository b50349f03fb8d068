/* status_updates: subscribe where the server supports it (resources/
 * subscribe, logging/setLevel), optionally call a tool that causes
 * updates, then wait for notifications matching a matcher. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/match.h>
#include <wscheck/params.h>

#include "checks.h"

struct dt_updates {
    const struct json_object *match;
    struct json_object *seen; /* the matching notifications */
    double start, first, last, max_gap;
    int64_t want;
};

/* resources/subscribe and logging/setLevel, as the params ask; 0 or -1. */
static int subscribe(struct wsc_ctx *ctx, struct wsc_mcp *m,
                     const struct json_object *params)
{
    const char *uri = wsc_param_string(params, "subscribe", NULL);
    const char *level = wsc_param_string(params, "log_level", NULL);
    if (uri) {
        struct json_object *p = json_object_new_object(), *resp = NULL;
        if (p)
            json_object_object_add(p, "uri", json_object_new_string(uri));
        enum wsc_mcp_result r = wsc_mcp_request(m, "resources/subscribe", p, 0, &resp);
        json_object_put(resp);
        if (r != WSC_MCP_OK) {
            dt_fail(ctx, m, "resources/subscribe");
            return -1;
        }
    }
    if (level && wsc_mcp_set_log_level(m, level, 0) != WSC_MCP_OK) {
        dt_fail(ctx, m, "logging/setLevel");
        return -1;
    }
    return 0;
}

/* The `trigger` tool call, sent without waiting for its answer (its
 * notifications are what is watched). */
static int trigger(struct wsc_ctx *ctx, struct wsc_mcp *m,
                   const struct json_object *params)
{
    const struct json_object *t = wsc_param(params, "trigger");
    if (!t)
        return 0;
    struct json_object *p = dt_request_params(t, "name", "tool");
    int64_t id = 0;
    if (wsc_mcp_send(m, "tools/call", p, &id) != WSC_MCP_OK) {
        dt_fail(ctx, m, "tools/call (trigger)");
        return -1;
    }
    return 0;
}

static void on_notification(struct dt_updates *u, const struct wsc_mcp_event *ev)
{
    if (ev->kind != WSC_MCP_EV_NOTIFICATION ||
        !wsc_match(u->match, ev->message, "", NULL))
        return;
    if (json_object_array_length(u->seen) == 0)
        u->first = ev->at;
    else if (ev->at - u->last > u->max_gap)
        u->max_gap = ev->at - u->last;
    u->last = ev->at;
    json_object_array_add(u->seen, json_object_get((struct json_object *)ev->message));
}

/* Waits until `count` notifications matched or `within` seconds passed. */
static void watch_updates(struct wsc_ctx *ctx, struct wsc_mcp *m, struct dt_updates *u,
                          double within)
{
    double until = u->start + within;
    if (until > wsc_deadline(ctx))
        until = wsc_deadline(ctx);
    size_t seen = 0;
    while ((int64_t)json_object_array_length(u->seen) < u->want) {
        for (; seen < wsc_mcp_event_count(m); seen++) {
            const struct wsc_mcp_event *ev = wsc_mcp_event(m, seen);
            if (ev)
                on_notification(u, ev);
        }
        if ((int64_t)json_object_array_length(u->seen) >= u->want)
            break;
        enum wsc_mcp_result r = wsc_mcp_wait_event(m, seen, until);
        if (r == WSC_MCP_TIMEOUT) {
            wsc_fail(ctx, "%zu of %lld notifications matching %s within %g s",
                     json_object_array_length(u->seen), (long long)u->want,
                     json_object_to_json_string_ext((struct json_object *)u->match,
                                                    JSON_C_TO_STRING_PLAIN |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE),
                     within);
            return;
        }
        if (r != WSC_MCP_OK) {
            dt_fail(ctx, m, "waiting for notifications");
            return;
        }
    }
}

static void updates_metrics(struct wsc_ctx *ctx, const struct dt_updates *u)
{
    size_t n = json_object_array_length(u->seen);
    wsc_metric(ctx, "notifications", (double)n, "count");
    if (n > 0) {
        wsc_metric(ctx, "first_update_ms", dt_ms(u->start, u->first), "ms");
        wsc_metric(ctx, "max_update_gap_ms", u->max_gap * 1000.0, "ms");
    }
}

void dt_check_status_updates(struct wsc_ctx *ctx, struct json_object *params)
{
    struct dt_updates u = {0};
    const struct json_object *expect = wsc_param(params, "expect");
    u.match = wsc_param(params, "match");
    u.want = wsc_param_int(params, "count", 1);
    char *bad = u.match ? wsc_match_check(u.match) : NULL;
    if (bad) {
        wsc_error(ctx, "match%s", bad);
        free(bad);
        return;
    }
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    struct wsc_mcp *m = dt_open(ctx, params, 1);
    if (!m)
        return;
    u.seen = json_object_new_array();
    if (u.seen && subscribe(ctx, m, params) == 0) {
        wsc_mcp_events_clear(m);
        u.start = wsc_now();
        if (trigger(ctx, m, params) == 0)
            watch_updates(ctx, m, &u, wsc_param_number(params, "within", 5.0));
        updates_metrics(ctx, &u);
        struct json_object *out = json_object_new_object();
        if (out) {
            json_object_object_add(out, "notifications", json_object_get(u.seen));
            dt_publish(ctx, expect, out);
            json_object_put(out);
        }
    }
    json_object_put(u.seen);
    dt_close(ctx, m);
}
