/* The run's histograms (the JSON report's top-level "histograms"): for
 * each name, the histograms of that name of every test added up, with
 * percentiles computed from the sum. Adding bucket counts is exact, so the
 * histograms of a merged report are those an unsharded run would have had,
 * and so are their percentiles. */
#include "report.h"
#include "histogram_internal.h"
#include "json_util.h"

#include <stdlib.h>
#include <string.h>

/* Percentiles the run's histograms report, as "p50", ... */
static const struct {
    const char *key;
    double p;
} percentiles[] = {{"p50", 50}, {"p90", 90}, {"p95", 95}, {"p99", 99}};

struct named_hist {
    const char *name, *unit; /* borrowed from the results */
    struct wsc_histogram *h;
    size_t tests;
};

int wsc_result_histograms_valid(const struct wsc_result *t, const char **name,
                                const char **why)
{
    struct wsc_histogram *h = wsc_hist_new();
    int rc = h ? 0 : -1;
    *why = "out of memory";
    if (t->histograms && h) {
        json_object_object_foreach(t->histograms, key, val) {
            *name = key;
            if ((rc = wsc_hist_from_json(h, val, why)) < 0)
                break;
        }
    }
    wsc_hist_free(h);
    return rc;
}

static struct named_hist *find_or_add(struct named_hist **all, size_t *n,
                                      const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*all)[i].name, name) == 0)
            return &(*all)[i];
    struct named_hist *grown = realloc(*all, (*n + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    *all = grown;
    grown[*n] = (struct named_hist){name, NULL, wsc_hist_new(), 0};
    return grown[*n].h ? &grown[(*n)++] : NULL;
}

/* Adds one test's histograms; those that cannot be read are left out (a
 * run's own results always can be; merge checks its inputs first). */
static int add_test(struct named_hist **all, size_t *n, const struct wsc_result *t,
                    struct wsc_histogram *tmp)
{
    const char *why;
    json_object_object_foreach(t->histograms, name, val) {
        if (wsc_hist_from_json(tmp, val, &why) < 0)
            continue;
        struct named_hist *nh = find_or_add(all, n, name);
        if (!nh)
            return -1;
        struct json_object *unit;
        if (!nh->unit && json_object_object_get_ex(val, "unit", &unit) &&
            json_object_is_type(unit, json_type_string))
            nh->unit = json_object_get_string(unit);
        wsc_hist_merge(nh->h, tmp);
        nh->tests++;
    }
    return 0;
}

static struct json_object *entry(const struct named_hist *nh)
{
    struct json_object *o = wsc_hist_to_json(nh->h);
    if (!o ||
        wsc_json_put(o, "unit", nh->unit ? json_object_new_string(nh->unit) : NULL, 1) ||
        wsc_json_put(o, "tests", json_object_new_int64((int64_t)nh->tests), 0) ||
        wsc_json_put(o, "mean", json_object_new_double(wsc_hist_mean(nh->h)), 0)) {
        json_object_put(o);
        return NULL;
    }
    for (size_t i = 0; i < sizeof percentiles / sizeof *percentiles; i++)
        if (wsc_json_put(
                o, percentiles[i].key,
                json_object_new_double(wsc_hist_percentile(nh->h, percentiles[i].p)),
                0)) {
            json_object_put(o);
            return NULL;
        }
    return o;
}

static int collect(struct named_hist **all, size_t *n, const struct wsc_run_result *r)
{
    struct wsc_histogram *tmp = wsc_hist_new();
    int rc = tmp ? 0 : -1;
    for (size_t i = 0; !rc && i < r->n_suites; i++)
        for (size_t k = 0; !rc && k < r->suites[i].n_tests; k++)
            if (r->suites[i].tests[k].histograms)
                rc = add_test(all, n, &r->suites[i].tests[k], tmp);
    wsc_hist_free(tmp);
    return rc;
}

struct json_object *wsc_report_histograms(const struct wsc_run_result *r)
{
    struct named_hist *all = NULL;
    size_t n = 0;
    struct json_object *o = json_object_new_object();
    int rc = o ? collect(&all, &n, r) : -1;
    for (size_t i = 0; !rc && i < n; i++)
        rc = wsc_json_put(o, all[i].name, entry(&all[i]), 0);
    for (size_t i = 0; i < n; i++)
        wsc_hist_free(all[i].h);
    free(all);
    if (rc) {
        json_object_put(o);
        return NULL;
    }
    return o;
}
