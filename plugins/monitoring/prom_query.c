/* prometheus_query: one PromQL query on /api/v1/query, its result as
 * outputs and the `expect` on them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>
#include <wscheck/render.h>

#include "prom.h"

/* What the outputs are built from while walking the result. */
struct summary {
    struct json_object *series; /* array of {labels, value | values} */
    double min, max;
    int have_number;
};

/* A sample's value: a number, or the text Prometheus sent for NaN and the
 * infinities (which JSON cannot hold). */
static struct json_object *sample_value(struct summary *s,
                                        const struct json_object *sample)
{
    if (prom_len(sample) < 2)
        return NULL;
    const char *text = json_object_get_string(
        json_object_array_get_idx((struct json_object *)sample, 1));
    if (!text)
        return NULL;
    char *end = NULL;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v))
        return json_object_new_string(text);
    if (!s->have_number || v < s->min)
        s->min = v;
    if (!s->have_number || v > s->max)
        s->max = v;
    s->have_number = 1;
    return prom_number(v);
}

static struct json_object *range_values(struct summary *s, struct json_object *samples)
{
    struct json_object *values = json_object_new_array();
    for (size_t i = 0; values && i < prom_len(samples); i++)
        json_object_array_add(values,
                              sample_value(s, json_object_array_get_idx(samples, i)));
    return values;
}

static void add_series(struct summary *s, struct json_object *item)
{
    struct json_object *one = json_object_new_object(), *metric = NULL, *samples = NULL;
    if (!one)
        return;
    json_object_object_get_ex(item, "metric", &metric);
    json_object_object_add(one, "labels",
                           metric ? json_object_get(metric) : json_object_new_object());
    if (json_object_object_get_ex(item, "values", &samples))
        json_object_object_add(one, "values", range_values(s, samples));
    else if (json_object_object_get_ex(item, "value", &samples))
        json_object_object_add(one, "value", sample_value(s, samples));
    json_object_array_add(s->series, one);
}

/* outputs: result_type, series, count, value (one series or a scalar),
 * min and max (over every numeric sample). */
static struct json_object *query_outputs(struct json_object *data)
{
    struct json_object *out = json_object_new_object(), *type = NULL, *result = NULL;
    struct summary s = {.series = json_object_new_array()};
    if (!out || !s.series) {
        json_object_put(out);
        json_object_put(s.series);
        return NULL;
    }
    json_object_object_get_ex(data, "resultType", &type);
    json_object_object_get_ex(data, "result", &result);
    const char *t = json_object_get_string(type);
    json_object_object_add(out, "result_type", json_object_get(type));
    if (t && (strcmp(t, "vector") == 0 || strcmp(t, "matrix") == 0)) {
        for (size_t i = 0; i < prom_len(result); i++)
            add_series(&s, json_object_array_get_idx(result, i));
        struct json_object *only =
            prom_len(s.series) == 1 ? json_object_array_get_idx(s.series, 0) : NULL;
        struct json_object *value = NULL;
        if (only && json_object_object_get_ex(only, "value", &value))
            json_object_object_add(out, "value", json_object_get(value));
    } else if (result) {
        struct json_object *value = sample_value(&s, result);
        json_object_object_add(out, "value", value);
        struct json_object *one = json_object_new_object();
        json_object_object_add(one, "labels", json_object_new_object());
        json_object_object_add(one, "value", json_object_get(value));
        json_object_array_add(s.series, one);
    }
    json_object_object_add(out, "count",
                           json_object_new_int64((int64_t)prom_len(s.series)));
    json_object_object_add(out, "series", s.series);
    if (s.have_number) {
        json_object_object_add(out, "min", prom_number(s.min));
        json_object_object_add(out, "max", prom_number(s.max));
    }
    return out;
}

/* /api/v1/query?query=Q[&time=T] */
static char *query_path(const struct json_object *params)
{
    char *query = prom_url_escape(wsc_param_string(params, "query", ""));
    const struct json_object *time = wsc_param(params, "time");
    char *at = NULL, *path = NULL;
    if (time && json_object_is_type(time, json_type_string)) {
        at = prom_url_escape(json_object_get_string((struct json_object *)time));
    } else if (time) {
        char num[64];
        snprintf(num, sizeof num, "%.3f", json_object_get_double(time));
        at = prom_url_escape(num);
    }
    if (query && (at || !time) &&
        asprintf(&path, "/api/v1/query?query=%s%s%s", query, at ? "&time=" : "",
                 at ? at : "") < 0)
        path = NULL;
    free(query);
    free(at);
    return path;
}

static void publish(struct wsc_ctx *ctx, struct json_object *outputs)
{
    json_object_object_foreach(outputs, key, val)
        wsc_output(ctx, key, json_object_get(val));
}

void prom_check_query(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    char *path = query_path(params);
    if (!path) {
        wsc_error(ctx, "out of memory");
        return;
    }
    double total_ms = 0;
    char *why = NULL;
    struct json_object *data =
        prom_api_get(ctx, params, path, PROM_API_PROMETHEUS, &total_ms, &why);
    free(path);
    if (why || !data) {
        const char *q = wsc_param_string(params, "query", "");
        char text[WSC_RENDER_MAX + 8];
        wsc_render_text_buf(text, sizeof text, q, strlen(q));
        wsc_fail(ctx, "query \"%s\": %s", text, why ? why : "the answer has no data");
        free(why);
        json_object_put(data);
        return;
    }
    wsc_metric(ctx, "total_ms", total_ms, "ms");
    struct json_object *outputs = query_outputs(data);
    json_object_put(data);
    if (!outputs) {
        wsc_error(ctx, "out of memory");
        return;
    }
    wsc_metric(ctx, "series",
               json_object_get_double(json_object_object_get(outputs, "count")), "count");
    publish(ctx, outputs);
    wsc_expect(ctx, expect, NULL, outputs);
    json_object_put(outputs);
}
