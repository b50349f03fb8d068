/* Reading values out of feed messages, and what the checks publish: JSON
 * Pointers, JSON types, the required metrics and fields, outputs, the
 * interval metrics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/json.h>
#include <wscheck/json_pointer.h>
#include <wscheck/render.h>

#include "checks.h"

char *mon_pointer_join(const char *pointer, const char *name)
{
    size_t n = strlen(pointer), extra = 0;
    for (const char *c = name; *c; c++)
        extra += (*c == '~' || *c == '/');
    char *out = malloc(n + 1 + strlen(name) + extra + 1), *o;
    if (!out)
        return NULL;
    memcpy(out, pointer, n);
    o = out + n;
    *o++ = '/';
    for (const char *c = name; *c; c++) {
        if (*c == '~' || *c == '/') {
            *o++ = '~';
            *o++ = *c == '~' ? '0' : '1';
        } else {
            *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}

int mon_type_ok(const struct json_object *type, const struct json_object *v)
{
    if (json_object_is_type(type, json_type_string))
        return wsc_json_has_type(v, json_object_get_string((struct json_object *)type));
    size_t n =
        json_object_is_type(type, json_type_array) ? json_object_array_length(type) : 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *t = json_object_array_get_idx(type, i);
        if (json_object_is_type(t, json_type_string) &&
            wsc_json_has_type(v, json_object_get_string(t)))
            return 1;
    }
    return 0;
}

const char *mon_render(char *buf, size_t size, const struct json_object *v)
{
    wsc_render_json_buf(buf, size, v);
    return buf;
}

static char *type_text(const struct json_object *type)
{
    const char *s = json_object_is_type(type, json_type_string)
                        ? json_object_get_string((struct json_object *)type)
                        : json_object_to_json_string_ext((struct json_object *)type,
                                                         JSON_C_TO_STRING_PLAIN);
    return strdup(s ? s : "?");
}

char *mon_fields_problem(const struct json_object *fields, const struct json_object *msg)
{
    if (!fields)
        return NULL;
    json_object_object_foreach((struct json_object *)fields, ptr, type) {
        struct json_object *v = NULL;
        int found = wsc_json_pointer_find(msg, ptr, &v);
        if (found == 1 && mon_type_ok(type, v))
            continue;
        char *want = type_text(type), *out = NULL, buf[WSC_RENDER_MAX + 8];
        int n = found == 1 ? asprintf(&out, "%s is %s, not %s (fields)", ptr,
                                      mon_render(buf, sizeof buf, v), want ? want : "?")
                           : asprintf(&out, "%s is missing (fields: %s)", ptr,
                                      want ? want : "?");
        free(want);
        return n < 0 ? strdup("out of memory") : out;
    }
    return NULL;
}

char *mon_metrics_problem(const struct json_object *metrics, const char *data_pointer,
                          const struct json_object *msg)
{
    size_t n = metrics ? json_object_array_length(metrics) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(metrics, i));
        char *ptr = name ? mon_pointer_join(data_pointer, name) : NULL;
        if (!ptr)
            return strdup("out of memory");
        struct json_object *v = NULL;
        int found = wsc_json_pointer_find(msg, ptr, &v);
        char *out = NULL, buf[WSC_RENDER_MAX + 8];
        int r = 0;
        if (found != 1)
            r = asprintf(&out, "metric %s (%s) is missing (metrics)", name, ptr);
        else if (!wsc_json_has_type(v, "number"))
            r = asprintf(&out, "metric %s (%s) is %s, not a number (metrics)", name, ptr,
                         mon_render(buf, sizeof buf, v));
        free(ptr);
        if (r < 0)
            return strdup("out of memory");
        if (out)
            return out;
    }
    return NULL;
}

const char *mon_string_at(const struct json_object *msg, const char *pointer)
{
    struct json_object *v = NULL;
    if (wsc_json_pointer_find(msg, pointer, &v) != 1 ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

void mon_publish(struct wsc_ctx *ctx, const struct json_object *expect,
                 struct json_object *outputs)
{
    wsc_expect(ctx, expect, NULL, outputs);
    json_object_object_foreach(outputs, key, value)
        wsc_output(ctx, key, json_object_get(value));
    json_object_put(outputs);
}

void mon_interval_metrics(struct wsc_ctx *ctx, const struct wsc_histogram *h)
{
    if (!h || wsc_hist_count(h) == 0)
        return;
    wsc_metric(ctx, "interval_p50_ms", wsc_hist_percentile(h, 50), "ms");
    wsc_metric(ctx, "interval_p99_ms", wsc_hist_percentile(h, 99), "ms");
    wsc_metric_histogram(ctx, "interval_ms", h, "ms");
}
