/* --test-monitoring: a monitoring server's WebSocket feeds on 8677
 * (crackerjack's shapes: /ws/metrics/live, /ws/metrics/historical/7,
 * /ws/alerts/subscribe, /ws/dashboard/overview). Alone: the live snapshot
 * and a request_update answered, the historical stream complete. With
 * --verify-metrics-streaming: periodic updates on time; with
 * --test-alert-delivery: an alert raised through POST /alerts/trigger (a
 * mock's extension: a real crackerjack never delivers one, and the test
 * says so); with --validate-dashboard-feeds: the dashboard's panels and a
 * refresh. Each becomes a test of the monitoring plugin, named
 * "<label>: <URL>". */
#include <stdlib.h>
#include <string.h>

#include "quick_monitoring.h"
#include "util.h"

/* What a quick alert trigger sends, and how its alert is recognised. */
#define TRIGGER_BODY                                                 \
    "{\"severity\":\"warning\",\"message\":\"wscheck quick check\"," \
    "\"metric_name\":\"error_count\",\"current_value\":1,\"threshold_value\":0}"
#define ALERT_WITHIN 5.0

struct builder {
    struct json_object *tests;
    const char *base;
    double timeout;
    int failed;
};

/* A test of monitoring.`check` on base with the params in `extra` (JSON
 * text), given at least `needs` seconds. */
static void add(struct builder *b, const char *check, const char *label, const char *path,
                const char *extra, double needs)
{
    struct json_object *t = json_object_new_object();
    struct json_object *p = json_tokener_parse(extra);
    char *name = wsc_strdup_printf("%s: %s%s", label, b->base, path);
    if (!t || !p || !name) {
        b->failed = 1;
        json_object_put(t);
        json_object_put(p);
        free(name);
        return;
    }
    json_object_object_add(p, "base", json_object_new_string(b->base));
    json_object_object_add(t, "name", json_object_new_string(name));
    json_object_object_add(t, "plugin", json_object_new_string("monitoring"));
    json_object_object_add(t, "check", json_object_new_string(check));
    json_object_object_add(t, "params", p);
    if (needs > b->timeout)
        json_object_object_add(t, "timeout", json_object_new_double(needs));
    if (json_object_array_add(b->tests, t) != 0) {
        json_object_put(t);
        b->failed = 1;
    }
    free(name);
}

static void add_alerts(struct builder *b, const struct wsc_quick_monitoring *q)
{
    char *extra = wsc_strdup_printf(
        "{\"trigger\":{\"url\":\"http://%s:%ld/alerts/trigger\",\"method\":\"POST\","
        "\"body\":" TRIGGER_BODY "},"
        "\"alert\":{\"data\":{\"metric_name\":\"error_count\"}},\"within\":%g}",
        q->host, q->port, ALERT_WITHIN);
    if (!extra) {
        b->failed = 1;
        return;
    }
    add(b, "alert_delivery", "monitoring alert delivery", "/ws/alerts/subscribe", extra,
        ALERT_WITHIN + 5);
    free(extra);
}

int wsc_quick_monitoring(struct json_object *tests, const struct wsc_quick_monitoring *q)
{
    char *base = wsc_strdup_printf("ws://%s:%ld", q->host, q->port);
    char *live =
        wsc_strdup_printf("{\"interval\":%g,\"updates\":0}", q->metrics_interval);
    char *updates =
        wsc_strdup_printf("{\"interval\":%g,\"updates\":1}", q->metrics_interval);
    char *dash =
        wsc_strdup_printf("{\"interval\":%g,\"refreshes\":1}", q->dashboard_interval);
    struct builder b = {.tests = tests, .base = base, .timeout = q->timeout};
    if (base && live && updates && dash) {
        double mi = q->metrics_interval, di = q->dashboard_interval;
        add(&b, "metrics_stream", "monitoring metrics snapshot", "/ws/metrics/live", live,
            5);
        add(&b, "historical", "monitoring historical metrics", "/ws/metrics/historical/7",
            "{}", 5);
        if (q->streaming)
            add(&b, "metrics_stream", "monitoring metrics streaming", "/ws/metrics/live",
                updates, 2 * mi + 5);
        if (q->alerts)
            add_alerts(&b, q);
        if (q->dashboards)
            add(&b, "dashboard_feed", "monitoring dashboard feed",
                "/ws/dashboard/overview", dash, 2 * di + 5);
    } else {
        b.failed = 1;
    }
    free(base);
    free(live);
    free(updates);
    free(dash);
    return b.failed ? -1 : 0;
}
