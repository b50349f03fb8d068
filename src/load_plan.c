/* From the command line's numbers to the plan of a load run (load_plan.h). */
#include "load_plan.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"

int wsc_load_parse_duration(const char *text, double *seconds)
{
    static const struct {
        const char *suffix;
        double scale;
    } units[] = {{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}, {"", 1}};
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || !isfinite(v) || v < 0 || text[0] == '-')
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strcmp(end, units[i].suffix) == 0) {
            *seconds = v * units[i].scale;
            return 0;
        }
    return -1;
}

int wsc_load_parse_stage(const char *text, struct wsc_load_stage *out)
{
    const char *colon = strrchr(text, ':');
    char *duration, *end;
    if (!colon || colon == text)
        return -1;
    if (!(duration = strndup(text, (size_t)(colon - text))))
        return -1;
    int rc = wsc_load_parse_duration(duration, &out->duration);
    free(duration);
    errno = 0;
    out->target = strtod(colon + 1, &end);
    if (rc < 0 || errno || end == colon + 1 || *end || !isfinite(out->target) ||
        out->target < 0)
        return -1;
    return 0;
}

uint64_t wsc_load_share(uint64_t total, const struct wsc_shard *sh)
{
    if (!sh->total)
        return total;
    return total / sh->total + ((sh->index - 1) < total % sh->total ? 1 : 0);
}

/* A target as this shard runs it: whole VUs in the closed model. */
static double share_target(double target, const struct wsc_load_shape *s)
{
    if (!s->shard.total)
        return target;
    if (s->rate > 0)
        return target / s->shard.total;
    return (double)wsc_load_share((uint64_t)llround(target), &s->shard);
}

/* --ramp-up, --duration, --ramp-down as stages: up to the target, hold,
 * down to 0. The first stage is there even when it lasts 0 s, for the
 * target to start at its value rather than climb from 0 over the hold. */
static size_t ramp_stages(const struct wsc_load_shape *s, struct wsc_load_stage *st)
{
    double target = s->rate > 0 ? s->rate : (double)s->connections;
    double hold = s->duration >= 0 ? s->duration
                  : s->iterations  ? WSC_LOAD_ITERATIONS_LIMIT
                                   : WSC_LOAD_DEFAULT_DURATION;
    size_t n = 0;
    st[n++] = (struct wsc_load_stage){s->ramp_up, target};
    st[n++] = (struct wsc_load_stage){hold, target};
    if (s->ramp_down > 0)
        st[n++] = (struct wsc_load_stage){s->ramp_down, 0};
    return n;
}

int wsc_load_stages(const struct wsc_load_shape *s, struct wsc_load_stage **stages,
                    size_t *n)
{
    size_t cap = s->n_stages ? s->n_stages : 3;
    *stages = calloc(cap, sizeof **stages);
    if (!*stages)
        return -1;
    if (s->n_stages) {
        memcpy(*stages, s->stages, s->n_stages * sizeof **stages);
        *n = s->n_stages;
    } else {
        *n = ramp_stages(s, *stages);
    }
    for (size_t i = 0; i < *n; i++)
        (*stages)[i].target = share_target((*stages)[i].target, s);
    return 0;
}

double wsc_load_peak(const struct wsc_load_stage *stages, size_t n)
{
    double peak = 0;
    for (size_t i = 0; i < n; i++)
        if (stages[i].target > peak)
            peak = stages[i].target;
    return peak;
}

static struct json_object *stages_json(const struct wsc_load_plan *plan)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < plan->n_stages; i++) {
        struct json_object *o = json_object_new_object();
        if (!o ||
            wsc_json_put(o, "duration", json_object_new_double(plan->stages[i].duration),
                         0) ||
            wsc_json_put(o, "target", json_object_new_double(plan->stages[i].target),
                         0) ||
            json_object_array_add(arr, o)) {
            json_object_put(o);
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

struct json_object *wsc_load_plan_json(const struct wsc_load_plan *plan,
                                       const struct wsc_load_shape *s,
                                       uint64_t iterations)
{
    struct json_object *o = json_object_new_object();
    if (!o ||
        wsc_json_put(
            o, "model",
            json_object_new_string(plan->model == WSC_LOAD_OPEN ? "open" : "closed"),
            0) ||
        wsc_json_put(o, "stages", stages_json(plan), 0) ||
        wsc_json_put(o, "iterations", json_object_new_int64((int64_t)iterations), 0) ||
        wsc_json_put(o, "iterations_total", json_object_new_int64((int64_t)s->iterations),
                     0) ||
        wsc_json_put(o, "max_connections", json_object_new_int64(plan->max_vus), 0) ||
        wsc_json_put(o, "max_connecting", json_object_new_int64(plan->max_connecting),
                     0) ||
        wsc_json_put(o, "max_message", json_object_new_int64((int64_t)plan->max_message),
                     0) ||
        wsc_json_put(o, "timeout", json_object_new_double(plan->timeout), 0)) {
        json_object_put(o);
        return NULL;
    }
    return o;
}
