/* `wscheck report`: the aggregates over the results read: per test and per
 * server counts, success rates and latency percentiles, per time bucket,
 * error patterns, the trend of the window's second half against its first.
 *
 * Percentiles are exact (nearest rank over the values themselves): a
 * report's figures must match what a person computes from the log. */
#include "report_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *const rep_category_names[REP_CATS] = {"dev-toolkit", "crackerjack",
                                                  "monitoring", "other"};

/* ---- values and counts ---------------------------------------------------- */

int rep_values_push(struct rep_values *vs, double v)
{
    if (vs->n == vs->cap) {
        size_t cap = vs->cap ? vs->cap * 2 : 16;
        double *p = realloc(vs->v, cap * sizeof *p);
        if (!p)
            return -1;
        vs->v = p;
        vs->cap = cap;
    }
    vs->v[vs->n++] = v;
    vs->sorted = 0;
    return 0;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double rep_percentile(struct rep_values *vs, double p)
{
    if (!vs->n)
        return NAN;
    if (!vs->sorted) {
        qsort(vs->v, vs->n, sizeof *vs->v, by_value);
        vs->sorted = 1;
    }
    double rank = ceil(p / 100.0 * (double)vs->n);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return vs->v[i < vs->n ? i : vs->n - 1];
}

size_t rep_counts_total(const struct rep_counts *c)
{
    return c->passed + c->failed + c->errors + c->skipped;
}

double rep_success_rate(const struct rep_counts *c)
{
    size_t ran = rep_counts_total(c) - c->skipped;
    return ran ? 100.0 * (double)c->passed / (double)ran : NAN;
}

static void count(struct rep_counts *c, enum rep_status s)
{
    size_t *slot[] = {&c->passed, &c->failed, &c->errors, &c->skipped};
    (*slot[s])++;
}

/* ---- the window ------------------------------------------------------------ */

double rep_bucket_width(double span)
{
    static const double widths[] = {3600, 86400, 7 * 86400};
    for (size_t i = 0; i < sizeof widths / sizeof *widths; i++)
        if (span / widths[i] < REP_MAX_BUCKETS - 1)
            return widths[i];
    return 7 * 86400 * ceil(span / (7 * 86400.0 * (REP_MAX_BUCKETS - 2)));
}

static void window(struct rep_agg *a, const struct rep_set *set)
{
    a->from = set->n ? set->v[0].time : 0;
    a->until = a->from;
    for (size_t i = 0; i < set->n; i++) {
        a->from = fmin(a->from, set->v[i].time);
        a->until = fmax(a->until, set->v[i].time);
    }
    a->bucket_s = rep_bucket_width(a->until - a->from);
    a->first_bucket = floor(a->from / a->bucket_s) * a->bucket_s;
    a->n_buckets =
        (size_t)(floor(a->until / a->bucket_s) - a->first_bucket / a->bucket_s) + 1;
    if (a->n_buckets > REP_MAX_BUCKETS)
        a->n_buckets = REP_MAX_BUCKETS;
}

static size_t bucket_of(const struct rep_agg *a, double t)
{
    size_t i = (size_t)((t - a->first_bucket) / a->bucket_s);
    return i < a->n_buckets ? i : a->n_buckets - 1;
}

/* The second half starts at the middle of the window. */
static int half_of(const struct rep_agg *a, double t)
{
    return a->until > a->from && t >= a->from + (a->until - a->from) / 2;
}

/* ---- lookups: a json-c object as a hash of name -> index ------------------ */

static long lookup(struct json_object *index, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(index, key, &v) ? (long)json_object_get_int64(v)
                                                     : -1;
}

static int remember(struct json_object *index, const char *key, size_t i)
{
    struct json_object *v = json_object_new_int64((int64_t)i);
    return v && json_object_object_add(index, key, v) == 0 ? 0 : (json_object_put(v), -1);
}

/* Appends a zeroed element of size sz to *arr (n elements). */
static void *grow(void *arr, size_t *n, size_t sz)
{
    char *p = realloc(arr, (*n + 1) * sz);
    if (!p)
        return NULL;
    memset(p + *n * sz, 0, sz);
    (*n)++;
    return p;
}

static struct rep_series *series(struct rep_series **arr, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*arr)[i].name, name))
            return &(*arr)[i];
    struct rep_series *p = grow(*arr, n, sizeof *p);
    if (!p)
        return NULL;
    *arr = p;
    if (!(p[*n - 1].name = strdup(name))) {
        (*n)--;
        return NULL;
    }
    return &p[*n - 1];
}

/* ---- per test ----------------------------------------------------------- */

static char *test_key(const struct rep_record *r)
{
    return wsc_strdup_printf("%s\t%s", r->suite, r->test);
}

static struct rep_test *test_of(struct rep_agg *a, struct json_object *index,
                                const struct rep_record *r)
{
    char *key = test_key(r);
    long i = key ? lookup(index, key) : -1;
    if (key && i < 0) {
        struct rep_test *p = grow(a->tests, &a->n_tests, sizeof *p);
        if (p) {
            a->tests = p;
            i = (long)a->n_tests - 1;
            p[i].suite = strdup(r->suite);
            p[i].test = strdup(r->test);
            p[i].buckets = calloc(a->n_buckets, sizeof *p[i].buckets);
            if (!p[i].suite || !p[i].test || !p[i].buckets ||
                remember(index, key, (size_t)i))
                i = -1;
        }
    }
    free(key);
    return i < 0 ? NULL : &a->tests[i];
}

static int add_to_test(struct rep_agg *a, struct rep_test *t, const struct rep_record *r)
{
    struct rep_bucket *b = &t->buckets[bucket_of(a, r->time)];
    int h = half_of(a, r->time);
    count(&t->c, r->status);
    count(&b->c, r->status);
    count(&t->trend.c[h], r->status);
    if (r->server && (!t->server || strcmp(t->server, r->server))) {
        free(t->server);
        if (!(t->server = strdup(r->server)))
            return -1;
    }
    /* a skipped test did not run: its duration says nothing of latency */
    if (!isnan(r->duration_ms) && r->status != REP_SKIPPED &&
        (rep_values_push(&t->dur, r->duration_ms) ||
         rep_values_push(&b->dur, r->duration_ms) ||
         rep_values_push(&t->trend.dur[h], r->duration_ms)))
        return -1;
    for (size_t i = 0; i < r->n_metrics; i++) {
        struct rep_series *s = NULL, *in_bucket = NULL;
        const char *name = r->metrics[i].name;
        if (rep_metric_is_latency(r, i)) {
            s = series(&t->lat, &t->n_lat, name);
            if (!(in_bucket = series(&b->lat, &b->n_lat, name)) ||
                rep_values_push(&in_bucket->v, r->metrics[i].value))
                return -1;
        } else if (rep_metric_is_rate(name)) {
            s = series(&t->rate, &t->n_rate, name);
        } else {
            continue;
        }
        if (!s || rep_values_push(&s->v, r->metrics[i].value))
            return -1;
    }
    return 0;
}

/* ---- per server ----------------------------------------------------------- */

int rep_category(const char *plugin)
{
    if (!plugin)
        return REP_CAT_OTHER;
    for (int i = 0; i < REP_CAT_OTHER; i++)
        if (!strcmp(plugin, rep_category_names[i]))
            return i;
    return REP_CAT_OTHER;
}

static struct rep_server *server_of(struct rep_agg *a, struct json_object *index,
                                    const char *name)
{
    long i = lookup(index, name);
    if (i >= 0)
        return &a->servers[i];
    struct rep_server *p = grow(a->servers, &a->n_servers, sizeof *p);
    if (!p)
        return NULL;
    a->servers = p;
    i = (long)a->n_servers - 1;
    if (!(p[i].server = strdup(name)) || remember(index, name, (size_t)i))
        return NULL;
    return &p[i];
}

static int add_to_server(struct rep_server *s, const struct rep_record *r, int new_test)
{
    count(&s->c, r->status);
    s->calls[rep_category(r->plugin)]++;
    s->n_tests += new_test;
    if (isnan(r->duration_ms) || r->status == REP_SKIPPED)
        return 0;
    return rep_values_push(&s->dur, r->duration_ms);
}

/* ---- error patterns ------------------------------------------------------- */

static int pattern_test(struct rep_pattern *p, const struct rep_record *r)
{
    char *name = wsc_strdup_printf("%s / %s", r->suite, r->test);
    if (!name)
        return -1;
    for (size_t i = 0; i < p->n_tests; i++)
        if (!strcmp(p->tests[i], name)) {
            free(name);
            return 0;
        }
    char **v = realloc(p->tests, (p->n_tests + 1) * sizeof *v);
    if (!v) {
        free(name);
        return -1;
    }
    p->tests = v;
    v[p->n_tests++] = name;
    return 0;
}

static int add_pattern(struct rep_agg *a, struct json_object *index,
                       const struct rep_record *r)
{
    const char *msg = r->message && *r->message ? r->message : "(no message)";
    char *pattern = rep_normalise_message(msg);
    long i = pattern ? lookup(index, pattern) : -1;
    if (pattern && i < 0) {
        struct rep_pattern *p = grow(a->patterns, &a->n_patterns, sizeof *p);
        if (p) {
            a->patterns = p;
            i = (long)a->n_patterns - 1;
            p[i].first = p[i].last = r->time;
            if (!(p[i].pattern = strdup(pattern)) || !(p[i].example = strdup(msg)) ||
                remember(index, pattern, (size_t)i))
                i = -1;
        }
    }
    free(pattern);
    if (i < 0)
        return -1;
    struct rep_pattern *p = &a->patterns[i];
    p->count++;
    p->first = fmin(p->first, r->time);
    p->last = fmax(p->last, r->time);
    return pattern_test(p, r);
}

static int by_count(const void *x, const void *y)
{
    const struct rep_pattern *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* ---- trends --------------------------------------------------------------- */

/* Worse or better by success rate (a point or more), else by the median
 * duration (20% or more), else steady. */
static void judge(struct rep_trend *t)
{
    double sr0 = rep_success_rate(&t->c[0]), sr1 = rep_success_rate(&t->c[1]);
    t->verdict = NULL;
    if (isnan(sr0) || isnan(sr1))
        return;
    double p0 = rep_percentile(&t->dur[0], 50), p1 = rep_percentile(&t->dur[1], 50);
    if (sr1 - sr0 <= -1.0)
        t->verdict = "worse";
    else if (sr1 - sr0 >= 1.0)
        t->verdict = "better";
    else if (!isnan(p0) && !isnan(p1) && p0 > 0 && p1 >= p0 * 1.2)
        t->verdict = "worse";
    else if (!isnan(p0) && !isnan(p1) && p0 > 0 && p1 <= p0 * 0.8)
        t->verdict = "better";
    else
        t->verdict = "steady";
}

/* ---- all of it ------------------------------------------------------------ */

static int add_record(struct rep_agg *a, struct json_object *idx[3],
                      const struct rep_record *r)
{
    size_t before = a->n_tests;
    struct rep_test *t = test_of(a, idx[0], r);
    if (!t || add_to_test(a, t, r))
        return -1;
    /* a test counts for the server it was first seen on */
    struct rep_server *s = server_of(a, idx[1], r->server ? r->server : "-");
    if (!s || add_to_server(s, r, a->n_tests > before))
        return -1;
    count(&a->c, r->status);
    count(&a->trend.c[half_of(a, r->time)], r->status);
    if (!isnan(r->duration_ms) && r->status != REP_SKIPPED &&
        (rep_values_push(&a->dur, r->duration_ms) ||
         rep_values_push(&a->trend.dur[half_of(a, r->time)], r->duration_ms)))
        return -1;
    if ((r->status == REP_FAILED || r->status == REP_ERROR) && add_pattern(a, idx[2], r))
        return -1;
    return 0;
}

int rep_aggregate(struct rep_agg *a, const struct rep_set *set)
{
    struct json_object *idx[3] = {json_object_new_object(), json_object_new_object(),
                                  json_object_new_object()};
    int rc = idx[0] && idx[1] && idx[2] ? 0 : -1;
    memset(a, 0, sizeof *a);
    a->set = set;
    window(a, set);
    for (size_t i = 0; rc == 0 && i < set->n; i++)
        rc = add_record(a, idx, &set->v[i]);
    for (int i = 0; i < 3; i++)
        json_object_put(idx[i]);
    if (rc)
        return -1;
    if (a->n_patterns) /* qsort wants a valid pointer, even for nothing */
        qsort(a->patterns, a->n_patterns, sizeof *a->patterns, by_count);
    judge(&a->trend);
    for (size_t i = 0; i < a->n_tests; i++)
        judge(&a->tests[i].trend);
    return 0;
}

static void trend_free(struct rep_trend *t)
{
    free(t->dur[0].v);
    free(t->dur[1].v);
}

static void series_free(struct rep_series *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].name);
        free(s[i].v.v);
    }
    free(s);
}

static void test_free(struct rep_test *t, size_t n_buckets)
{
    free(t->suite);
    free(t->test);
    free(t->server);
    free(t->dur.v);
    series_free(t->lat, t->n_lat);
    series_free(t->rate, t->n_rate);
    for (size_t b = 0; t->buckets && b < n_buckets; b++) {
        free(t->buckets[b].dur.v);
        series_free(t->buckets[b].lat, t->buckets[b].n_lat);
    }
    free(t->buckets);
    trend_free(&t->trend);
}

void rep_agg_free(struct rep_agg *a)
{
    for (size_t i = 0; i < a->n_tests; i++)
        test_free(&a->tests[i], a->n_buckets);
    free(a->tests);
    for (size_t i = 0; i < a->n_servers; i++) {
        free(a->servers[i].server);
        free(a->servers[i].dur.v);
    }
    free(a->servers);
    for (size_t i = 0; i < a->n_patterns; i++) {
        free(a->patterns[i].pattern);
        free(a->patterns[i].example);
        wsc_strv_free(a->patterns[i].tests, a->patterns[i].n_tests);
    }
    free(a->patterns);
    free(a->dur.v);
    trend_free(&a->trend);
    memset(a, 0, sizeof *a);
}
