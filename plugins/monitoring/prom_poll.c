/* What the alert checks share: the label expectation, label sets in
 * messages, and polling a server until a state is reached. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/match.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "prom.h"

struct json_object *prom_number(double v)
{
    if (v >= -9007199254740992.0 && v <= 9007199254740992.0 && v == (double)(int64_t)v)
        return json_object_new_int64((int64_t)v);
    return json_object_new_double(v);
}

struct json_object *prom_label_expectation(const struct json_object *params)
{
    struct json_object *labels = json_object_new_object();
    if (!labels)
        return NULL;
    const char *alert = wsc_param_string(params, "alert", NULL);
    if (alert &&
        json_object_object_add(labels, "alertname", json_object_new_string(alert)) != 0) {
        json_object_put(labels);
        return NULL;
    }
    const struct json_object *given = wsc_param_object(params, "labels");
    if (given) {
        json_object_object_foreach((struct json_object *)given, key, val) {
            if (json_object_object_add(labels, key, json_object_get(val)) != 0) {
                json_object_put(labels);
                return NULL;
            }
        }
    }
    return labels;
}

/* Appends to out[*len..size) as snprintf does, never past the end. */
static void append(char *out, size_t size, size_t *len, const char *text)
{
    if (*len >= size)
        return;
    int n = snprintf(out + *len, size - *len, "%s", text);
    *len = n < 0 ? size : *len + (size_t)n;
}

void prom_render_labels(char *out, size_t size, const struct json_object *labels)
{
    size_t len = 0;
    out[0] = '\0';
    append(out, size, &len, "{");
    if (!json_object_is_type(labels, json_type_object)) {
        append(out, size, &len, "}");
        return;
    }
    int first = 1;
    json_object_object_foreach((struct json_object *)labels, key, val) {
        char name[64], value[WSC_RENDER_MAX + 8];
        wsc_render_text_buf(name, sizeof name, key, strlen(key));
        wsc_render_json_buf(value, sizeof value, val);
        append(out, size, &len, first ? "" : ", ");
        append(out, size, &len, name);
        /* A matcher rather than a value is shown as the JSON it is. */
        append(out, size, &len, json_object_is_type(val, json_type_string) ? "=" : "~");
        append(out, size, &len, value);
        first = 0;
    }
    append(out, size, &len, "}");
    if (len >= size && size > 4)
        memcpy(out + size - 4, "...", 4);
}

enum prom_look prom_poll(struct wsc_ctx *ctx, double within, double interval,
                         enum prom_look (*look)(struct wsc_ctx *ctx, void *arg),
                         void *arg)
{
    double start = wsc_now(), end = start + within;
    long polls = 0;
    for (;;) {
        polls++;
        enum prom_look got = look(ctx, arg);
        if (got == PROM_LOOK_REACHED)
            wsc_metric(ctx, "time_to_state_ms", (wsc_now() - start) * 1000.0, "ms");
        if (got != PROM_LOOK_NOT_YET) {
            wsc_metric(ctx, "polls", (double)polls, "count");
            return got;
        }
        double left = end - wsc_now();
        if (left <= 0 || wsc_remaining(ctx) <= 0)
            break;
        if (wsc_sleep(ctx, interval < left ? interval : left) != 0)
            break;
    }
    wsc_metric(ctx, "polls", (double)polls, "count");
    return PROM_LOOK_NOT_YET;
}

char *prom_near_miss(const struct json_object *expectation,
                     struct json_object *label_sets)
{
    const char *name =
        json_object_get_string(json_object_object_get(expectation, "alertname"));
    size_t n = prom_len(label_sets), same = 0;
    struct json_object *first = NULL;
    for (size_t i = 0; i < n; i++) {
        struct json_object *labels = json_object_array_get_idx(label_sets, i);
        const char *other =
            json_object_get_string(json_object_object_get(labels, "alertname"));
        if (name && other && strcmp(name, other) == 0 && same++ == 0)
            first = labels;
    }
    char *msg = NULL, *why = NULL, shown[512];
    if (!first) {
        if (asprintf(&msg, "%zu other alert%s", n, n == 1 ? "" : "s") < 0)
            msg = NULL;
        return msg;
    }
    wsc_match(expectation, first, "/labels", &why);
    prom_render_labels(shown, sizeof shown, first);
    if (asprintf(&msg, "%zu alert%s named %s with other labels, e.g. %s (%s)", same,
                 same == 1 ? "" : "s", name, shown, why ? why : "") < 0)
        msg = NULL;
    free(why);
    return msg;
}

void prom_watch_alerts(struct prom_watch *w, const struct json_object *alerts,
                       int (*reached)(const char *want, const struct json_object *alert))
{
    json_object_put(w->found);
    json_object_put(w->others);
    w->found = NULL;
    w->others = json_object_new_array();
    for (size_t i = 0; i < prom_len(alerts); i++) {
        struct json_object *alert = json_object_array_get_idx(alerts, i);
        struct json_object *labels = json_object_object_get(alert, "labels");
        if (!wsc_match(w->labels, labels, NULL, NULL)) {
            json_object_array_add(w->others, json_object_get(labels));
        } else if (!w->found || reached(w->want, alert)) {
            json_object_put(w->found);
            w->found = json_object_get(alert);
        }
    }
}

void prom_watch_check(struct wsc_ctx *ctx, struct json_object *params,
                      const char *default_state, const struct prom_watch_ops *ops)
{
    const struct json_object *expect = wsc_param(params, "expect");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    struct prom_watch w = {.params = params,
                           .labels = prom_label_expectation(params),
                           .want = wsc_param_string(params, "state", default_state)};
    if (!w.labels) {
        wsc_error(ctx, "out of memory");
        return;
    }
    double within = wsc_param_number(params, "within", 30);
    enum prom_look got =
        prom_poll(ctx, within, wsc_param_number(params, "interval", 1), ops->look, &w);
    if (got == PROM_LOOK_NOT_YET) {
        ops->timed_out(ctx, &w, within);
    } else if (got == PROM_LOOK_REACHED) {
        struct json_object *outputs = ops->outputs(&w);
        if (outputs) {
            json_object_object_foreach(outputs, key, val)
                wsc_output(ctx, key, json_object_get(val));
            wsc_expect(ctx, expect, NULL, outputs);
        }
        json_object_put(outputs);
    }
    json_object_put(w.found);
    json_object_put(w.others);
    json_object_put(w.labels);
}
