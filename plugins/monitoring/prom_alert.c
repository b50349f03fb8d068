/* prometheus_alert: polls /api/v1/alerts until an alert with the given
 * labels is firing (or pending, or gone: inactive). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/render.h>

#include "prom.h"

static const char *state_of(const struct json_object *alert)
{
    const char *s = json_object_get_string(json_object_object_get(alert, "state"));
    return s ? s : "";
}

/* pending is reached by a firing alert too: it went through pending (a rule
 * without `for` never shows it). */
static int state_reached(const char *want, const char *state)
{
    if (strcmp(want, "pending") == 0)
        return strcmp(state, "pending") == 0 || strcmp(state, "firing") == 0;
    return strcmp(want, state) == 0;
}

static int alert_state_reached(const char *want, const struct json_object *alert)
{
    return state_reached(want, state_of(alert));
}

static enum prom_look look(struct wsc_ctx *ctx, void *arg)
{
    struct prom_watch *w = arg;
    char *why = NULL;
    struct json_object *data =
        prom_api_get(ctx, w->params, "/api/v1/alerts", PROM_API_PROMETHEUS, NULL, &why);
    struct json_object *alerts = NULL;
    if (!why && !json_object_object_get_ex(data, "alerts", &alerts))
        why = strdup("the answer has no alerts list");
    if (why) {
        wsc_fail(ctx, "GET /api/v1/alerts: %s", why);
        free(why);
        json_object_put(data);
        return PROM_LOOK_FAILED;
    }
    prom_watch_alerts(w, alerts, alert_state_reached);
    json_object_put(data);
    if (strcmp(w->want, "inactive") == 0)
        return w->found ? PROM_LOOK_NOT_YET : PROM_LOOK_REACHED;
    return w->found && state_reached(w->want, state_of(w->found)) ? PROM_LOOK_REACHED
                                                                  : PROM_LOOK_NOT_YET;
}

/* The rule that should raise the alert, from /api/v1/rules: whether it is
 * loaded, and when it is, its state and health. Malloc'ed; NULL when there
 * is nothing to say. */
static char *rule_note(struct wsc_ctx *ctx, struct prom_watch *w)
{
    const char *name =
        json_object_get_string(json_object_object_get(w->labels, "alertname"));
    if (!name || !json_object_is_type(json_object_object_get(w->labels, "alertname"),
                                      json_type_string))
        return NULL;
    char *why = NULL, *note = NULL;
    struct json_object *data = prom_api_get(ctx, w->params, "/api/v1/rules?type=alert",
                                            PROM_API_PROMETHEUS, NULL, &why);
    free(why);
    struct json_object *groups = json_object_object_get(data, "groups");
    size_t count = 0;
    for (size_t g = 0; !note && g < prom_len(groups); g++) {
        struct json_object *rules =
            json_object_object_get(json_object_array_get_idx(groups, g), "rules");
        for (size_t r = 0; !note && r < prom_len(rules); r++, count++) {
            struct json_object *rule = json_object_array_get_idx(rules, r);
            const char *rname =
                json_object_get_string(json_object_object_get(rule, "name"));
            if (!rname || strcmp(rname, name) != 0)
                continue;
            const char *health =
                json_object_get_string(json_object_object_get(rule, "health"));
            const char *error =
                json_object_get_string(json_object_object_get(rule, "lastError"));
            if (asprintf(&note, "the rule %s is loaded, %s, health %s%s%s", name,
                         state_of(rule), health ? health : "unknown",
                         error && *error ? ": " : "", error && *error ? error : "") < 0)
                note = NULL;
        }
    }
    if (!note && groups &&
        asprintf(&note, "no alerting rule named %s is loaded (%zu alerting rule%s)", name,
                 count, count == 1 ? "" : "s") < 0)
        note = NULL;
    json_object_put(data);
    return note;
}

static void report_timeout(struct wsc_ctx *ctx, struct prom_watch *w, double within)
{
    char labels[512];
    prom_render_labels(labels, sizeof labels, w->labels);
    if (strcmp(w->want, "inactive") == 0) {
        wsc_fail(ctx, "alert %s still %s after %g s (expected inactive)", labels,
                 state_of(w->found), within);
        return;
    }
    if (w->found) {
        const char *since =
            json_object_get_string(json_object_object_get(w->found, "activeAt"));
        wsc_fail(ctx, "alert %s not %s within %g s: it is %s (active since %s)", labels,
                 w->want, within, state_of(w->found), since ? since : "?");
        return;
    }
    char *near = prom_near_miss(w->labels, w->others);
    char *rule = rule_note(ctx, w);
    wsc_fail(ctx, "no alert %s %s within %g s: Prometheus has %s%s%s", labels, w->want,
             within, near ? near : "other alerts", rule ? "; " : "", rule ? rule : "");
    free(near);
    free(rule);
}

/* outputs: state, labels, annotations, active_at, value. */
static struct json_object *alert_outputs(const struct prom_watch *w)
{
    struct json_object *out = json_object_new_object();
    if (!out)
        return NULL;
    json_object_object_add(
        out, "state", json_object_new_string(w->found ? state_of(w->found) : "inactive"));
    if (!w->found)
        return out;
    static const char *const copy[][2] = {
        {"labels", "labels"}, {"annotations", "annotations"}, {"activeAt", "active_at"}};
    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++) {
        struct json_object *v = NULL;
        if (json_object_object_get_ex(w->found, copy[i][0], &v))
            json_object_object_add(out, copy[i][1], json_object_get(v));
    }
    const char *value = json_object_get_string(json_object_object_get(w->found, "value"));
    char *end = NULL;
    double v = value ? strtod(value, &end) : 0;
    if (value && end != value && *end == '\0')
        json_object_object_add(out, "value", prom_number(v));
    else if (value)
        json_object_object_add(out, "value", json_object_new_string(value));
    return out;
}

void prom_check_alert(struct wsc_ctx *ctx, struct json_object *params)
{
    static const struct prom_watch_ops ops = {look, report_timeout, alert_outputs};
    prom_watch_check(ctx, params, "firing", &ops);
}
