/* JSON report.
 *
 * The report repeats every result in full (status, attempts and the outcome
 * of each, whether it passed only after retries ("flaky"), duration,
 * message, metrics, outputs, notes, warnings, cases) and the trace of the
 * tests that failed or errored. Summaries count test cases as the JUnit
 * report has them: each case of a test counts as one. Strings from servers may hold any bytes; json-c escapes
 * control characters but copies broken UTF-8 through, so every string,
 * including those deep inside outputs and traces, is repaired first. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "report.h"
#include "atomic_write.h"
#include "json_util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

/* Nesting in outputs or traces deeper than this is written as null, so the
 * report stays within the 32 levels json-c's parser accepts by default (the
 * report itself wraps outputs in 6). Real outputs are far shallower. */
#define MAX_DEPTH 24

/* ---- Building the document ------------------------------------------------ */

/* A repaired copy of s, or JSON null for NULL. */
static int put_text(struct json_object *obj, const char *key, const char *s)
{
    if (!s)
        return wsc_json_put(obj, key, NULL, 1);
    char *safe = wsc_utf8_safe(s);
    if (!safe)
        return -1;
    int rc = wsc_json_put(obj, key, json_object_new_string(safe), 0);
    free(safe);
    return rc;
}

enum number_style { SECONDS, VALUE };

/* Seconds (and trace times in milliseconds) are written with three
 * decimals ("0.012"), measured values with
 * up to 15 significant digits; not finite numbers, which JSON cannot
 * express, as null. */
static int put_number(struct json_object *obj, const char *key, double v,
                      enum number_style style)
{
    if (!isfinite(v))
        return wsc_json_put(obj, key, NULL, 1);
    char text[400]; /* "%.3f" of the largest double has 309 digits */
    if (style == SECONDS)
        snprintf(text, sizeof text, "%.3f", v);
    else
        snprintf(text, sizeof text, "%.15g", v);
    return wsc_json_put(obj, key, json_object_new_double_s(v, text), 0);
}

static int put_count(struct json_object *obj, const char *key, size_t n)
{
    return wsc_json_put(obj, key, json_object_new_int64((int64_t)n), 0);
}

/* A copy of v with every string and key repaired. */
static struct json_object *safe_copy(struct json_object *v, int depth, int *failed);

static struct json_object *safe_object(struct json_object *v, int depth, int *failed)
{
    struct json_object *o = json_object_new_object();
    if (!o) {
        *failed = 1;
        return NULL;
    }
    json_object_object_foreach(v, key, value) {
        char *safe_key = wsc_utf8_safe(key);
        struct json_object *copy = safe_copy(value, depth + 1, failed);
        if (!safe_key || *failed || wsc_json_put(o, safe_key, copy, 1) != 0) {
            free(safe_key);
            json_object_put(copy);
            json_object_put(o);
            *failed = 1;
            return NULL;
        }
        free(safe_key);
    }
    return o;
}

static struct json_object *safe_array(struct json_object *v, int depth, int *failed)
{
    struct json_object *a = json_object_new_array();
    if (!a) {
        *failed = 1;
        return NULL;
    }
    size_t n = json_object_array_length(v);
    for (size_t i = 0; i < n; i++) {
        struct json_object *copy =
            safe_copy(json_object_array_get_idx(v, i), depth + 1, failed);
        if (*failed || json_object_array_add(a, copy) != 0) {
            json_object_put(copy);
            json_object_put(a);
            *failed = 1;
            return NULL;
        }
    }
    return a;
}

static struct json_object *safe_copy(struct json_object *v, int depth, int *failed)
{
    struct json_object *copy = NULL;
    if (!v || depth > MAX_DEPTH)
        return NULL;
    switch (json_object_get_type(v)) {
    case json_type_object:
        return safe_object(v, depth, failed);
    case json_type_array:
        return safe_array(v, depth, failed);
    case json_type_string: {
        char *safe = wsc_utf8_safe(json_object_get_string(v));
        copy = safe ? json_object_new_string(safe) : NULL;
        free(safe);
        break;
    }
    case json_type_double:
        if (!isfinite(json_object_get_double(v)))
            return NULL;
        copy = json_object_new_double(json_object_get_double(v));
        break;
    default: /* null, boolean, int: nothing to repair */
        if (json_object_deep_copy(v, &copy, NULL) != 0)
            copy = NULL;
        break;
    }
    if (!copy)
        *failed = 1;
    return copy;
}

static int put_copy(struct json_object *obj, const char *key, struct json_object *v,
                    struct json_object *(*empty)(void))
{
    int failed = 0;
    struct json_object *copy = v ? safe_copy(v, 0, &failed) : empty();
    if (failed || !copy) {
        json_object_put(copy);
        return -1;
    }
    return wsc_json_put(obj, key, copy, 0);
}

/* The trace, its times ("t_ms") written to the microsecond: three decimals. */
static int put_trace(struct json_object *obj, struct json_object *trace)
{
    if (put_copy(obj, "trace", trace, json_object_new_array))
        return -1;
    struct json_object *copy = json_object_object_get(obj, "trace");
    for (size_t i = 0; i < json_object_array_length(copy); i++) {
        struct json_object *e = json_object_array_get_idx(copy, i), *t;
        if (json_object_is_type(e, json_type_object) &&
            json_object_object_get_ex(e, "t_ms", &t) &&
            json_object_is_type(t, json_type_double) &&
            put_number(e, "t_ms", json_object_get_double(t), SECONDS))
            return -1;
    }
    return 0;
}

/* The counts of test cases, and of the tests that passed after retries. */
static struct json_object *summary(size_t passed, size_t failed, size_t errors,
                                   size_t skipped, size_t flaky)
{
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    if (put_count(o, "passed", passed) || put_count(o, "failed", failed) ||
        put_count(o, "errors", errors) || put_count(o, "skipped", skipped) ||
        put_count(o, "total", passed + failed + errors + skipped) ||
        put_count(o, "flaky", flaky)) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static struct json_object *metrics(const struct wsc_result *t)
{
    struct json_object *arr = json_object_new_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < t->n_metrics; i++) {
        struct json_object *m = json_object_new_object();
        if (!m || put_text(m, "name", t->metrics[i].name) ||
            put_number(m, "value", t->metrics[i].value, VALUE) ||
            put_text(m, "unit", t->metrics[i].unit) ||
            json_object_array_add(arr, m) != 0) {
            json_object_put(m);
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

static struct json_object *warnings(const struct wsc_result *t)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < t->n_warnings; i++) {
        char *safe = wsc_utf8_safe(t->warnings[i]);
        struct json_object *w = safe ? json_object_new_string(safe) : NULL;
        free(safe);
        if (!w || json_object_array_add(arr, w) != 0) {
            json_object_put(w);
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

/* {"metric", "expect" (the matcher as written), "value" (null when the
 * check did not record the metric), "ok"}: the test's expect_metrics, as
 * evaluated. */
static struct json_object *thresholds(const struct wsc_result *t)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < t->n_thresholds; i++) {
        const struct wsc_threshold *th = &t->thresholds[i];
        struct json_object *o = json_object_new_object();
        if (!o || put_text(o, "metric", th->metric) ||
            put_copy(o, "expect", th->expect, json_object_new_object) ||
            (th->recorded ? put_number(o, "value", th->value, VALUE)
                          : wsc_json_put(o, "value", NULL, 1)) ||
            wsc_json_put(o, "ok", json_object_new_boolean(th->ok), 0) ||
            json_object_array_add(arr, o) != 0) {
            json_object_put(o);
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

/* Every attempt, in order: {"attempt", "status", "duration", "message"}. */
static struct json_object *attempt_log(const struct wsc_result *t)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < t->n_attempt_log; i++) {
        const struct wsc_attempt *a = &t->attempt_log[i];
        struct json_object *o = json_object_new_object();
        if (!o || put_count(o, "attempt", i + 1) ||
            put_text(o, "status", wsc_status_name(a->status)) ||
            put_number(o, "duration", a->duration, SECONDS) ||
            put_text(o, "message", a->message) || json_object_array_add(arr, o) != 0) {
            json_object_put(o);
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

/* {"name", "status", "duration" (seconds, null when unknown), "message"} */
static struct json_object *cases(const struct wsc_result *t)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < t->n_cases; i++) {
        const struct wsc_case *c = &t->cases[i];
        struct json_object *o = json_object_new_object();
        if (!o || put_text(o, "name", c->name) ||
            put_text(o, "status", wsc_status_name(c->status)) ||
            (c->duration >= 0 ? put_number(o, "duration", c->duration, SECONDS)
                              : wsc_json_put(o, "duration", NULL, 1)) ||
            put_text(o, "message", c->message) || json_object_array_add(arr, o) != 0) {
            json_object_put(o);
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

static struct json_object *test_json(const struct wsc_result *t)
{
    char started[32];
    wsc_format_utc(started, sizeof started, t->started, 1);
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    int with_trace = t->status == WSC_FAILED || t->status == WSC_ERROR;
    if (put_text(o, "name", t->name) || put_text(o, "plugin", t->plugin) ||
        put_text(o, "check", t->check) ||
        put_text(o, "status", wsc_status_name(t->status)) ||
        wsc_json_put(o, "attempts", json_object_new_int(t->attempts), 0) ||
        wsc_json_put(o, "flaky", json_object_new_boolean(wsc_result_flaky(t) > 0), 0) ||
        wsc_json_put(o, "attempt_log", attempt_log(t), 0) ||
        put_count(o, "index", t->index) || put_text(o, "started", started) ||
        put_number(o, "duration", t->duration, SECONDS) ||
        put_text(o, "message", t->message) || wsc_json_put(o, "metrics", metrics(t), 0) ||
        wsc_json_put(o, "warnings", warnings(t), 0) ||
        wsc_json_put(o, "cases", cases(t), 0) ||
        wsc_json_put(o, "thresholds", thresholds(t), 0) ||
        put_copy(o, "outputs", t->outputs, json_object_new_object) ||
        (with_trace && put_trace(o, t->trace)) ||
        (t->histograms &&
         put_copy(o, "histograms", t->histograms, json_object_new_object)) ||
        put_text(o, "log", t->log)) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static size_t suite_flaky(const struct wsc_suite_result *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_tests; i++)
        n += wsc_result_flaky(&s->tests[i]) > 0;
    return n;
}

static struct json_object *suite_json(const struct wsc_suite_result *s)
{
    char started[32];
    wsc_format_utc(started, sizeof started, s->started, 1);
    struct json_object *o = json_object_new_object();
    struct json_object *tests = json_object_new_array();
    if (!o || !tests || put_text(o, "name", s->name) || put_text(o, "file", s->file) ||
        put_text(o, "hostname", s->hostname) || put_text(o, "started", started) ||
        put_number(o, "duration", s->duration, SECONDS) ||
        wsc_json_put(o, "summary",
                     summary(wsc_suite_count(s, WSC_PASSED),
                             wsc_suite_count(s, WSC_FAILED),
                             wsc_suite_count(s, WSC_ERROR),
                             wsc_suite_count(s, WSC_SKIPPED), suite_flaky(s)),
                     0))
        goto fail;
    for (size_t i = 0; i < s->n_tests; i++) {
        struct json_object *t = test_json(&s->tests[i]);
        if (!t || json_object_array_add(tests, t) != 0) {
            json_object_put(t);
            goto fail;
        }
    }
    if (wsc_json_put(o, "tests", tests, 0) == 0)
        return o;
    tests = NULL; /* wsc_json_put() freed it */
fail:
    json_object_put(tests);
    json_object_put(o);
    return NULL;
}

/* {"index": I, "total": N} for a run of --shard I/N, else null. */
static int put_shard(struct json_object *o, const struct wsc_run_result *r)
{
    if (!r->shard_total)
        return wsc_json_put(o, "shard", NULL, 1);
    struct json_object *s = json_object_new_object();
    if (!s || put_count(s, "index", r->shard_index) ||
        put_count(s, "total", r->shard_total)) {
        json_object_put(s);
        return -1;
    }
    return wsc_json_put(o, "shard", s, 0);
}

static struct json_object *report_json(const struct wsc_run_result *r)
{
    char started[32];
    wsc_format_utc(started, sizeof started, r->started, 1);
    struct json_object *o = json_object_new_object();
    struct json_object *suites = json_object_new_array();
    if (!o || !suites || put_text(o, "tool", "wscheck") ||
        put_text(o, "version", PACKAGE_VERSION) ||
        wsc_json_put(o, "report_version", json_object_new_int(WSC_JSON_REPORT_VERSION),
                     0) ||
        put_shard(o, r) || put_text(o, "started", started) ||
        put_number(o, "duration", r->duration, SECONDS) ||
        wsc_json_put(o, "summary",
                     summary(wsc_run_count(r, WSC_PASSED), wsc_run_count(r, WSC_FAILED),
                             wsc_run_count(r, WSC_ERROR), wsc_run_count(r, WSC_SKIPPED),
                             wsc_run_flaky(r)),
                     0) ||
        wsc_json_put(o, "histograms", wsc_report_histograms(r), 0))
        goto fail;
    for (size_t i = 0; i < r->n_suites; i++) {
        struct json_object *s = suite_json(&r->suites[i]);
        if (!s || json_object_array_add(suites, s) != 0) {
            json_object_put(s);
            goto fail;
        }
    }
    if (wsc_json_put(o, "suites", suites, 0) == 0)
        return o;
    suites = NULL;
fail:
    json_object_put(suites);
    json_object_put(o);
    return NULL;
}

int wsc_report_write_json(const char *path, const struct json_object *doc, char **err)
{
    const char *text = doc ? json_object_to_json_string_ext(
                                 (struct json_object *)doc,
                                 JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                     JSON_C_TO_STRING_NOSLASHESCAPE)
                           : NULL;
    char *with_newline = NULL;
    int rc;
    if (!text || asprintf(&with_newline, "%s\n", text) < 0) {
        rc = wsc_report_write_error(path, ENOMEM, err);
    } else {
        rc = wsc_report_write_file(path, with_newline, strlen(with_newline), err);
        free(with_newline);
    }
    return rc;
}

int wsc_json_report_write(const char *path, const struct wsc_run_result *r, char **err)
{
    struct json_object *doc = report_json(r);
    int rc = wsc_report_write_json(path, doc, err);
    json_object_put(doc);
    return rc;
}
