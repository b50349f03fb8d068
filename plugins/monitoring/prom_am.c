/* alertmanager_alert: polls Alertmanager's /api/v2/alerts until an alert
 * with the given labels is there (in a given state, when one is asked). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

static const char *state_of(const struct json_object *alert)
{
    const char *s = json_object_get_string(
        json_object_object_get(json_object_object_get(alert, "status"), "state"));
    return s ? s : "";
}

static int am_state_reached(const char *want, const struct json_object *alert)
{
    return strcmp(want, "any") == 0 || strcmp(want, state_of(alert)) == 0;
}

static enum prom_look look(struct wsc_ctx *ctx, void *arg)
{
    struct prom_watch *w = arg;
    char *why = NULL;
    struct json_object *alerts =
        prom_api_get(ctx, w->params, "/api/v2/alerts", PROM_API_ALERTMANAGER, NULL, &why);
    if (!why && !json_object_is_type(alerts, json_type_array))
        why = strdup("the answer is not a list of alerts");
    if (why) {
        wsc_fail(ctx, "GET /api/v2/alerts: %s", why);
        free(why);
        json_object_put(alerts);
        return PROM_LOOK_FAILED;
    }
    prom_watch_alerts(w, alerts, am_state_reached);
    json_object_put(alerts);
    return w->found && am_state_reached(w->want, w->found) ? PROM_LOOK_REACHED
                                                           : PROM_LOOK_NOT_YET;
}

static void report_timeout(struct wsc_ctx *ctx, struct prom_watch *w, double within)
{
    char labels[512];
    prom_render_labels(labels, sizeof labels, w->labels);
    if (w->found) {
        wsc_fail(ctx, "alert %s not %s within %g s: it is %s", labels, w->want, within,
                 state_of(w->found));
        return;
    }
    char *near = prom_near_miss(w->labels, w->others);
    wsc_fail(ctx, "no alert %s in Alertmanager within %g s: it has %s", labels, within,
             near ? near : "other alerts");
    free(near);
}

static struct json_object *receiver_names(const struct json_object *alert)
{
    struct json_object *names = json_object_new_array();
    struct json_object *receivers = json_object_object_get(alert, "receivers");
    for (size_t i = 0; names && i < prom_len(receivers); i++) {
        struct json_object *name =
            json_object_object_get(json_object_array_get_idx(receivers, i), "name");
        if (name)
            json_object_array_add(names, json_object_get(name));
    }
    return names;
}

/* outputs: state, labels, annotations, receivers (names), starts_at,
 * silenced_by, inhibited_by, fingerprint. */
static struct json_object *am_outputs(const struct prom_watch *w)
{
    const struct json_object *alert = w->found;
    struct json_object *out = json_object_new_object();
    if (!out)
        return NULL;
    struct json_object *status = json_object_object_get(alert, "status");
    json_object_object_add(out, "state", json_object_new_string(state_of(alert)));
    static const char *const copy[][2] = {{"labels", "labels"},
                                          {"annotations", "annotations"},
                                          {"startsAt", "starts_at"},
                                          {"fingerprint", "fingerprint"}};
    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++) {
        struct json_object *v = NULL;
        if (json_object_object_get_ex(alert, copy[i][0], &v))
            json_object_object_add(out, copy[i][1], json_object_get(v));
    }
    struct json_object *v = NULL;
    if (json_object_object_get_ex(status, "silencedBy", &v))
        json_object_object_add(out, "silenced_by", json_object_get(v));
    if (json_object_object_get_ex(status, "inhibitedBy", &v))
        json_object_object_add(out, "inhibited_by", json_object_get(v));
    json_object_object_add(out, "receivers", receiver_names(alert));
    return out;
}

void prom_check_am_alert(struct wsc_ctx *ctx, struct json_object *params)
{
    static const struct prom_watch_ops ops = {look, report_timeout, am_outputs};
    prom_watch_check(ctx, params, "any", &ops);
}
