/* `wscheck report --json`: the aggregates as one JSON document, for
 * dashboards and scripts. Numbers are written with up to 10 significant
 * digits; a figure that does not exist (the success rate of tests that all
 * were skipped, a percentile without values) is null. */
#include "report_model.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_write.h"
#include "json_util.h"
#include "report.h"
#include "util.h"

#define REP_JSON_VERSION 1

/* Every builder returns NULL when out of memory; failed latches. */
struct builder {
    int failed;
};

static struct json_object *num(struct builder *b, double v)
{
    if (isnan(v) || !isfinite(v))
        return NULL; /* null */
    char text[64];
    snprintf(text, sizeof text, "%.10g", v);
    struct json_object *o = json_object_new_double_s(v, text);
    b->failed |= !o;
    return o;
}

static struct json_object *str(struct builder *b, const char *s)
{
    if (!s)
        return NULL;
    char *safe = wsc_utf8_safe(s);
    struct json_object *o = safe ? json_object_new_string(safe) : NULL;
    free(safe);
    b->failed |= !o;
    return o;
}

static struct json_object *time_str(struct builder *b, double t)
{
    char text[40];
    rep_format_time(text, sizeof text, t);
    return str(b, text);
}

static struct json_object *count_obj(struct builder *b, size_t n)
{
    struct json_object *o = json_object_new_int64((int64_t)n);
    b->failed |= !o;
    return o;
}

static void put(struct builder *b, struct json_object *o, const char *key,
                struct json_object *v)
{
    if (!o || wsc_json_put(o, key, v, 1) != 0)
        b->failed = 1;
}

static struct json_object *new_object(struct builder *b)
{
    struct json_object *o = json_object_new_object();
    b->failed |= !o;
    return o;
}

static void push(struct builder *b, struct json_object *arr, struct json_object *v)
{
    if (!arr || !v || json_object_array_add(arr, v) != 0) {
        json_object_put(v);
        b->failed = 1;
    }
}

static struct json_object *new_array(struct builder *b)
{
    struct json_object *o = json_object_new_array();
    b->failed |= !o;
    return o;
}

static void put_counts(struct builder *b, struct json_object *o,
                       const struct rep_counts *c)
{
    put(b, o, "total", count_obj(b, rep_counts_total(c)));
    put(b, o, "passed", count_obj(b, c->passed));
    put(b, o, "failed", count_obj(b, c->failed));
    put(b, o, "errors", count_obj(b, c->errors));
    put(b, o, "skipped", count_obj(b, c->skipped));
    put(b, o, "success_rate", num(b, rep_success_rate(c)));
}

/* {"count", "p50", "p90", "p99", "max"} */
static struct json_object *percentiles(struct builder *b, struct rep_values *v)
{
    struct json_object *o = new_object(b);
    put(b, o, "count", count_obj(b, v->n));
    put(b, o, "p50", num(b, rep_percentile(v, 50)));
    put(b, o, "p90", num(b, rep_percentile(v, 90)));
    put(b, o, "p99", num(b, rep_percentile(v, 99)));
    put(b, o, "max", num(b, rep_percentile(v, 100)));
    return o;
}

static struct json_object *trend(struct builder *b, struct rep_trend *t)
{
    struct json_object *o = new_object(b);
    put(b, o, "verdict", str(b, t->verdict));
    for (int h = 0; h < 2; h++) {
        struct json_object *half = new_object(b);
        put_counts(b, half, &t->c[h]);
        put(b, half, "p50_ms", num(b, rep_percentile(&t->dur[h], 50)));
        put(b, o, h ? "second_half" : "first_half", half);
    }
    return o;
}

/* {"handshake_ms": {"p50", "p99"}, ...}: the latency metrics of a bucket */
static struct json_object *bucket_metrics(struct builder *b, struct rep_bucket *bk)
{
    struct json_object *o = new_object(b);
    for (size_t k = 0; k < bk->n_lat; k++) {
        struct json_object *m = new_object(b);
        put(b, m, "p50", num(b, rep_percentile(&bk->lat[k].v, 50)));
        put(b, m, "p99", num(b, rep_percentile(&bk->lat[k].v, 99)));
        put(b, o, bk->lat[k].name, m);
    }
    return o;
}

static struct json_object *buckets(struct builder *b, const struct rep_agg *a,
                                   struct rep_test *t)
{
    struct json_object *arr = new_array(b);
    for (size_t i = 0; i < a->n_buckets; i++) {
        struct rep_bucket *bk = &t->buckets[i];
        if (!rep_counts_total(&bk->c))
            continue;
        struct json_object *o = new_object(b);
        put(b, o, "start", time_str(b, a->first_bucket + (double)i * a->bucket_s));
        put_counts(b, o, &bk->c);
        put(b, o, "p50_ms", num(b, rep_percentile(&bk->dur, 50)));
        put(b, o, "p99_ms", num(b, rep_percentile(&bk->dur, 99)));
        put(b, o, "metrics", bucket_metrics(b, bk));
        push(b, arr, o);
    }
    return arr;
}

static struct json_object *throughput(struct builder *b, struct rep_test *t)
{
    struct json_object *o = new_object(b);
    for (size_t k = 0; k < t->n_rate; k++) {
        struct rep_values *v = &t->rate[k].v;
        double sum = 0;
        for (size_t j = 0; j < v->n; j++)
            sum += v->v[j];
        struct json_object *m = new_object(b);
        put(b, m, "count", count_obj(b, v->n));
        put(b, m, "mean", num(b, sum / (double)v->n));
        put(b, m, "min", num(b, rep_percentile(v, 0)));
        put(b, m, "max", num(b, rep_percentile(v, 100)));
        put(b, o, t->rate[k].name, m);
    }
    return o;
}

static struct json_object *test_json(struct builder *b, const struct rep_agg *a,
                                     struct rep_test *t)
{
    struct json_object *o = new_object(b), *lat = new_object(b);
    put(b, o, "suite", str(b, t->suite));
    put(b, o, "test", str(b, t->test));
    put(b, o, "server", str(b, t->server));
    put_counts(b, o, &t->c);
    put(b, lat, "duration_ms", percentiles(b, &t->dur));
    for (size_t k = 0; k < t->n_lat; k++)
        put(b, lat, t->lat[k].name, percentiles(b, &t->lat[k].v));
    put(b, o, "latency", lat);
    put(b, o, "throughput", throughput(b, t));
    put(b, o, "buckets", buckets(b, a, t));
    put(b, o, "trend", trend(b, &t->trend));
    return o;
}

static struct json_object *server_json(struct builder *b, struct rep_server *s)
{
    struct json_object *o = new_object(b), *calls = new_object(b);
    put(b, o, "server", str(b, s->server));
    put(b, o, "tests", count_obj(b, s->n_tests));
    put_counts(b, o, &s->c);
    put(b, o, "duration_ms", percentiles(b, &s->dur));
    for (int c = 0; c < REP_CATS; c++)
        put(b, calls, rep_category_names[c], count_obj(b, s->calls[c]));
    put(b, o, "calls", calls);
    return o;
}

static struct json_object *pattern_json(struct builder *b, struct rep_pattern *p)
{
    struct json_object *o = new_object(b), *tests = new_array(b);
    put(b, o, "pattern", str(b, p->pattern));
    put(b, o, "example", str(b, p->example));
    put(b, o, "count", count_obj(b, p->count));
    put(b, o, "first_seen", time_str(b, p->first));
    put(b, o, "last_seen", time_str(b, p->last));
    for (size_t i = 0; i < p->n_tests; i++)
        push(b, tests, str(b, p->tests[i]));
    put(b, o, "tests", tests);
    return o;
}

static struct json_object *document(struct builder *b, struct rep_agg *a)
{
    struct json_object *doc = new_object(b), *win = new_object(b), *sum = new_object(b);
    struct json_object *servers = new_array(b), *tests = new_array(b),
                       *pats = new_array(b);
    put(b, doc, "tool", str(b, "wscheck report"));
    put(b, doc, "report_version", count_obj(b, REP_JSON_VERSION));
    put(b, doc, "inputs", count_obj(b, a->set->inputs));
    put(b, doc, "malformed", count_obj(b, a->set->malformed));
    put(b, win, "from", a->set->n ? time_str(b, a->from) : NULL);
    put(b, win, "until", a->set->n ? time_str(b, a->until) : NULL);
    put(b, win, "bucket_seconds", count_obj(b, (size_t)a->bucket_s));
    put(b, doc, "window", win);
    put_counts(b, sum, &a->c);
    put(b, sum, "duration_ms", percentiles(b, &a->dur));
    put(b, doc, "summary", sum);
    for (size_t i = 0; i < a->n_servers; i++)
        push(b, servers, server_json(b, &a->servers[i]));
    put(b, doc, "servers", servers);
    for (size_t i = 0; i < a->n_tests; i++)
        push(b, tests, test_json(b, a, &a->tests[i]));
    put(b, doc, "tests", tests);
    for (size_t i = 0; i < a->n_patterns; i++)
        push(b, pats, pattern_json(b, &a->patterns[i]));
    put(b, doc, "error_patterns", pats);
    put(b, doc, "trend", trend(b, &a->trend));
    return doc;
}

int rep_write_json(const char *path, struct rep_agg *a, char **err)
{
    struct builder b = {0};
    struct json_object *doc = document(&b, a);
    const char *text = b.failed
                           ? NULL
                           : json_object_to_json_string_ext(
                                 doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                          JSON_C_TO_STRING_NOSLASHESCAPE);
    char *with_newline = text ? wsc_strdup_printf("%s\n", text) : NULL;
    int rc = with_newline
                 ? wsc_report_write_file(path, with_newline, strlen(with_newline), err)
                 : wsc_report_write_error(path, ENOMEM, err);
    free(with_newline);
    json_object_put(doc);
    return rc;
}
