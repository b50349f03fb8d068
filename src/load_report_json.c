/* The JSON report of a load run (load_report.h; wscheck-load(1), "JSON
 * REPORT"), and reading it back for `wscheck merge`. Histograms are kept in
 * lib's mergeable form (bucket counts), so that shards add up exactly. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_write.h"
#include "histogram_internal.h"
#include "json_util.h"
#include "load_report.h"
#include "report.h"
#include "util.h"

static int put_u64(struct json_object *o, const char *key, uint64_t n)
{
    return wsc_json_put(o, key, json_object_new_int64((int64_t)n), 0);
}

static int put_text(struct json_object *o, const char *key, const char *s)
{
    if (!s)
        return wsc_json_put(o, key, NULL, 1);
    char *safe = wsc_utf8_safe(s);
    int rc = safe ? wsc_json_put(o, key, json_object_new_string(safe), 0) : -1;
    free(safe);
    return rc;
}

static struct json_object *errors_json(const struct wsc_load_test *t)
{
    struct json_object *o = json_object_new_object();
    for (size_t e = 0; o && e < WSC_LOAD_N_ERRORS; e++)
        if (put_u64(o, wsc_load_error_name(e), t->errors[e]) < 0) {
            json_object_put(o);
            return NULL;
        }
    return o;
}

/* {"1000": 20, "none": 1, "other": 3}: JSON keys are strings. */
static struct json_object *close_codes_json(const struct wsc_load_test *t)
{
    struct json_object *o = json_object_new_object();
    for (size_t i = 0; o && i < t->n_close_codes; i++) {
        char key[16];
        int code = t->close_codes[i].code;
        if (code == 0)
            strcpy(key, "none");
        else if (code < 0)
            strcpy(key, "other");
        else
            snprintf(key, sizeof key, "%d", code);
        if (put_u64(o, key, t->close_codes[i].n) < 0) {
            json_object_put(o);
            return NULL;
        }
    }
    return o;
}

static struct json_object *hists_json(const struct wsc_load_test *t)
{
    struct json_object *o = json_object_new_object();
    for (size_t i = 0; o && i < t->n_hists; i++) {
        struct json_object *h = wsc_hist_to_json(t->hists[i].h);
        if (!h || wsc_json_put(h, "unit", json_object_new_string(t->hists[i].unit), 0) ||
            wsc_json_put(o, t->hists[i].name, h, 0)) {
            json_object_put(o);
            return NULL;
        }
    }
    return o;
}

static struct json_object *copy(struct json_object *v)
{
    return v ? json_object_get(v) : json_object_new_array();
}

static struct json_object *test_json(const struct wsc_load_report *r, size_t i)
{
    const struct wsc_load_test *t = &r->stats.tests[i];
    struct json_object *o = json_object_new_object();
    if (!o || put_text(o, "name", t->name) || put_text(o, "plugin", t->plugin) ||
        put_text(o, "check", t->check) || put_u64(o, "sessions", t->sessions) ||
        put_u64(o, "sessions_ok", t->sessions_ok) ||
        put_u64(o, "sessions_failed", t->sessions_failed) ||
        put_u64(o, "messages_sent", t->messages_sent) ||
        put_u64(o, "messages_received", t->messages_received) ||
        put_u64(o, "bytes_sent", t->bytes_sent) ||
        put_u64(o, "bytes_received", t->bytes_received) ||
        wsc_json_put(o, "errors", errors_json(t), 0) ||
        wsc_json_put(o, "close_codes", close_codes_json(t), 0) ||
        put_text(o, "first_error", t->first_error) ||
        wsc_json_put(o, "metrics",
                     r->metrics[i] ? json_object_get(r->metrics[i])
                                   : json_object_new_object(),
                     0) ||
        wsc_json_put(o, "thresholds", copy(r->thresholds[i]), 0) ||
        wsc_json_put(o, "rules", copy(r->rules[i]), 0) ||
        wsc_json_put(o, "histograms", hists_json(t), 0)) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static int put_shard(struct json_object *o, const struct wsc_shard *sh)
{
    if (!sh->total)
        return wsc_json_put(o, "shard", NULL, 1);
    struct json_object *s = json_object_new_object();
    if (!s || put_u64(s, "index", sh->index) || put_u64(s, "total", sh->total)) {
        json_object_put(s);
        return -1;
    }
    return wsc_json_put(o, "shard", s, 0);
}

/* Totals over the tests' threshold outcomes. */
static struct json_object *summary_json(const struct wsc_load_report *r)
{
    uint64_t n[3] = {0}; /* pass, fail, skipped */
    static const char *const names[] = {"pass", "fail", "skipped"};
    for (size_t i = 0; i < r->stats.n_tests; i++) {
        size_t k = r->thresholds[i] ? json_object_array_length(r->thresholds[i]) : 0;
        for (size_t j = 0; j < k; j++) {
            struct json_object *st;
            json_object_object_get_ex(json_object_array_get_idx(r->thresholds[i], j),
                                      "status", &st);
            for (size_t s = 0; s < 3; s++)
                n[s] += st && strcmp(json_object_get_string(st), names[s]) == 0;
        }
    }
    struct json_object *o = json_object_new_object();
    if (!o || put_u64(o, "thresholds", n[0] + n[1] + n[2]) ||
        put_u64(o, "passed", n[0]) || put_u64(o, "breached", n[1]) ||
        put_u64(o, "skipped", n[2])) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static int put_header(struct json_object *o, const struct wsc_load_report *r)
{
    char started[32];
    wsc_format_utc(started, sizeof started, r->stats.started, 1);
    const struct wsc_load_stats *s = &r->stats;
    return put_text(o, "tool", "wscheck") || put_text(o, "version", PACKAGE_VERSION) ||
           wsc_json_put(o, "report_version", json_object_new_int(WSC_JSON_REPORT_VERSION),
                        0) ||
           put_text(o, "kind", WSC_LOAD_REPORT_KIND) ||
           put_text(o, "scenario", r->scenario) || put_shard(o, &s->shard) ||
           put_text(o, "started", started) ||
           wsc_json_put(o, "started_epoch", json_object_new_double(s->started), 0) ||
           wsc_json_put(o, "duration", json_object_new_double(s->duration), 0) ||
           wsc_json_put(o, "interrupted", json_object_new_boolean(r->interrupted), 0) ||
           wsc_json_put(o, "plan", r->plan ? json_object_get(r->plan) : NULL, 1) ||
           put_u64(o, "peak_connections", s->peak_connections) ||
           put_u64(o, "peak_connecting", s->peak_connecting) ||
           put_u64(o, "connection_limit", s->connection_limit) ||
           put_u64(o, "source_addresses", s->source_addresses) ||
           put_u64(o, "dropped_arrivals", s->dropped_arrivals) ||
           wsc_json_put(o, "summary", summary_json(r), 0);
}

struct json_object *wsc_load_report_to_json(const struct wsc_load_report *r)
{
    struct json_object *o = json_object_new_object();
    struct json_object *tests = json_object_new_array();
    if (!o || !tests || put_header(o, r))
        goto fail;
    for (size_t i = 0; i < r->stats.n_tests; i++) {
        struct json_object *t = test_json(r, i);
        if (!t || json_object_array_add(tests, t) != 0) {
            json_object_put(t);
            goto fail;
        }
    }
    if (wsc_json_put(o, "tests", tests, 0) == 0)
        return o;
    tests = NULL;
fail:
    json_object_put(tests);
    json_object_put(o);
    return NULL;
}

int wsc_load_json_write(const char *path, const struct wsc_load_report *r, char **err)
{
    struct json_object *doc = wsc_load_report_to_json(r);
    int rc = wsc_report_write_json(path, doc, err);
    json_object_put(doc);
    return rc;
}

/* ---- reading ------------------------------------------------------------------ */

static const char *str_member(const struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) &&
                   json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static int u64_member(const struct json_object *o, const char *key, uint64_t *out)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
        return -1;
    *out = (uint64_t)json_object_get_int64(v);
    return 0;
}

static int num_member(const struct json_object *o, const char *key, double *out)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) ||
        !(json_object_is_type(v, json_type_double) ||
          json_object_is_type(v, json_type_int)))
        return -1;
    *out = json_object_get_double(v);
    return 0;
}

int wsc_load_report_is_load(const struct json_object *doc)
{
    const char *kind =
        json_object_is_type(doc, json_type_object) ? str_member(doc, "kind") : NULL;
    return kind && strcmp(kind, WSC_LOAD_REPORT_KIND) == 0;
}

/* Takes msg (malloc'ed; NULL stands for out of memory). */
static int fail(char **err, char *msg)
{
    *err = msg ? msg : strdup("out of memory");
    return -1;
}

static int read_counters(const struct json_object *j, struct wsc_load_test *t)
{
    struct json_object *errs;
    if (u64_member(j, "sessions", &t->sessions) ||
        u64_member(j, "sessions_ok", &t->sessions_ok) ||
        u64_member(j, "sessions_failed", &t->sessions_failed) ||
        u64_member(j, "messages_sent", &t->messages_sent) ||
        u64_member(j, "messages_received", &t->messages_received) ||
        u64_member(j, "bytes_sent", &t->bytes_sent) ||
        u64_member(j, "bytes_received", &t->bytes_received) ||
        !json_object_object_get_ex(j, "errors", &errs))
        return -1;
    for (size_t e = 0; e < WSC_LOAD_N_ERRORS; e++)
        if (u64_member(errs, wsc_load_error_name(e), &t->errors[e]) < 0)
            return -1;
    return 0;
}

static int read_close_codes(const struct json_object *j, struct wsc_load_test *t)
{
    struct json_object *codes;
    if (!json_object_object_get_ex(j, "close_codes", &codes) ||
        !json_object_is_type(codes, json_type_object))
        return -1;
    json_object_object_foreach(codes, key, val) {
        int code = strcmp(key, "none") == 0    ? 0
                   : strcmp(key, "other") == 0 ? -1
                                               : atoi(key);
        if (!json_object_is_type(val, json_type_int) || json_object_get_int64(val) < 0)
            return -1;
        /* a report of ours keeps under the cap */
        if (t->n_close_codes == WSC_LOAD_MAX_CLOSE_CODES)
            return -1;
        t->close_codes[t->n_close_codes++] =
            (struct wsc_load_close_count){code, (uint64_t)json_object_get_int64(val)};
    }
    return 0;
}

static int read_hists(const struct json_object *j, struct wsc_load_test *t, char **err)
{
    struct json_object *hists;
    if (!json_object_object_get_ex(j, "histograms", &hists) ||
        !json_object_is_type(hists, json_type_object))
        return fail(err, wsc_strdup_printf("test '%s': no 'histograms' object", t->name));
    json_object_object_foreach(hists, name, val) {
        const char *why = NULL;
        struct wsc_histogram *h = wsc_load_hist(t, name);
        if (!h)
            return fail(err, NULL);
        if (wsc_hist_from_json(h, val, &why) < 0) {
            *err = wsc_strdup_printf("test '%s': histogram '%s': %s", t->name, name,
                                     why ? why : "invalid");
            return -1;
        }
    }
    return 0;
}

static int read_test(const struct json_object *j, struct wsc_load_report *r, size_t i,
                     char **err)
{
    struct wsc_load_test *t = &r->stats.tests[i];
    struct json_object *rules;
    const char *name = str_member(j, "name");
    struct wsc_test fake = {.name = (char *)name,
                            .plugin = (char *)str_member(j, "plugin"),
                            .check = (char *)str_member(j, "check")};
    if (!name)
        return fail(err, strdup("a test without a name"));
    if (wsc_load_test_init(t, &fake) < 0)
        return fail(err, NULL);
    if (read_counters(j, t) < 0 || read_close_codes(j, t) < 0)
        return fail(
            err, wsc_strdup_printf("test '%s': a counter is missing or invalid", name));
    if (str_member(j, "first_error"))
        wsc_load_first_error(t, str_member(j, "first_error"));
    if (json_object_object_get_ex(j, "rules", &rules) &&
        json_object_is_type(rules, json_type_array)) {
        json_object_put(r->rules[i]);
        r->rules[i] = json_object_get(rules);
    }
    return read_hists(j, t, err);
}

static int read_plan_and_shard(const struct json_object *doc, struct wsc_load_report *r)
{
    struct json_object *v, *sh;
    uint64_t n = 0;
    if (json_object_object_get_ex(doc, "plan", &v) && v)
        r->plan = json_object_get(v);
    if (json_object_object_get_ex(doc, "shard", &sh) &&
        json_object_is_type(sh, json_type_object)) {
        if (u64_member(sh, "index", &n) == 0)
            r->stats.shard.index = (unsigned)n;
        if (u64_member(sh, "total", &n) == 0)
            r->stats.shard.total = (unsigned)n;
    }
    if (u64_member(doc, "peak_connections", &n) == 0)
        r->stats.peak_connections = (unsigned)n;
    if (u64_member(doc, "peak_connecting", &n) == 0)
        r->stats.peak_connecting = (unsigned)n;
    if (u64_member(doc, "connection_limit", &n) == 0)
        r->stats.connection_limit = (unsigned)n;
    if (u64_member(doc, "source_addresses", &n) == 0)
        r->stats.source_addresses = (unsigned)n;
    if (u64_member(doc, "dropped_arrivals", &n) == 0)
        r->stats.dropped_arrivals = n;
    if (json_object_object_get_ex(doc, "interrupted", &v))
        r->interrupted = json_object_get_boolean(v);
    return 0;
}

int wsc_load_report_from_json(const struct json_object *doc, struct wsc_load_report *r,
                              char **err)
{
    struct json_object *tests, *v;
    *err = NULL;
    if (!wsc_load_report_is_load(doc))
        return fail(err, strdup("not the JSON report of a load run (kind \"load\")"));
    if (!json_object_object_get_ex(doc, "report_version", &v) ||
        json_object_get_int64(v) != WSC_JSON_REPORT_VERSION)
        return fail(err, strdup("another report_version than this wscheck's (1)"));
    if (!json_object_object_get_ex(doc, "tests", &tests) ||
        !json_object_is_type(tests, json_type_array))
        return fail(err, strdup("the report has no 'tests' array"));
    size_t n = json_object_array_length(tests);
    if (wsc_load_report_init(r, n) < 0)
        return fail(err, NULL);
    if (num_member(doc, "duration", &r->stats.duration) < 0 ||
        num_member(doc, "started_epoch", &r->stats.started) < 0)
        return fail(err, strdup("'duration' or 'started_epoch' is missing"));
    if (str_member(doc, "scenario") &&
        !(r->scenario = strdup(str_member(doc, "scenario"))))
        return fail(err, NULL);
    read_plan_and_shard(doc, r);
    for (size_t i = 0; i < n; i++)
        if (read_test(json_object_array_get_idx(tests, i), r, i, err) < 0)
            return -1;
    return 0;
}
