/* Merging the reports of load generators that ran at the same time (the
 * shards of `wscheck load --shard I/N`): counters add up, histograms merge
 * bucket by bucket (so a merged p99 is the p99 of every sample, not an
 * average of the shards' p99s), and the run lasted as long as its longest
 * shard. */
#include <stdlib.h>
#include <string.h>

#include "load_report.h"
#include "util.h"

/* The index of the test named `name` in out, or n when none. */
static size_t find_test(const struct wsc_load_report *out, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(out->stats.tests[i].name, name) == 0)
            return i;
    return n;
}

static size_t count_names(const struct wsc_load_report *in, size_t n)
{
    size_t total = 0;
    for (size_t f = 0; f < n; f++)
        total += in[f].stats.n_tests;
    return total;
}

static void add_run(struct wsc_load_report *out, const struct wsc_load_report *in)
{
    struct wsc_load_stats *o = &out->stats;
    const struct wsc_load_stats *s = &in->stats;
    if (s->started > 0 && (o->started <= 0 || s->started < o->started))
        o->started = s->started;
    if (s->duration > o->duration)
        o->duration = s->duration;
    o->peak_connections += s->peak_connections;
    o->peak_connecting += s->peak_connecting;
    o->connection_limit += s->connection_limit;
    o->dropped_arrivals += s->dropped_arrivals;
    if (s->source_addresses > o->source_addresses)
        o->source_addresses = s->source_addresses;
    out->interrupted = out->interrupted || in->interrupted;
    if (!out->plan && in->plan)
        out->plan = json_object_get(in->plan);
}

/* Adds test t of one report to out, as a new test or into the one of the
 * same name. */
static int add_test(struct wsc_load_report *out, const struct wsc_load_report *in,
                    size_t t)
{
    const struct wsc_load_test *from = &in->stats.tests[t];
    size_t k = find_test(out, out->stats.n_tests, from->name);
    if (k == out->stats.n_tests) {
        struct wsc_test fake = {
            .name = from->name, .plugin = from->plugin, .check = from->check};
        out->stats.n_tests++; /* first, so that clearing frees a half-made test */
        if (wsc_load_test_init(&out->stats.tests[k], &fake) < 0)
            return -1;
        json_object_put(out->rules[k]);
        out->rules[k] = json_object_get(in->rules[t]);
    }
    return wsc_load_test_merge(&out->stats.tests[k], from);
}

int wsc_load_report_merge(struct wsc_load_report *in, size_t n,
                          struct wsc_load_report *out, char **err)
{
    *err = NULL;
    if (wsc_load_report_init(out, count_names(in, n)) < 0)
        goto oom;
    out->stats.n_tests = 0; /* grows as tests are added */
    for (size_t f = 0; f < n; f++) {
        add_run(out, &in[f]);
        if (!out->scenario && in[f].scenario && !(out->scenario = strdup(in[f].scenario)))
            goto oom;
        for (size_t t = 0; t < in[f].stats.n_tests; t++)
            if (add_test(out, &in[f], t) < 0)
                goto oom;
    }
    return 0;
oom:
    *err = strdup("out of memory");
    return -1;
}
