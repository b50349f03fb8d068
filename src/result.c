/* Test results: statuses, counts, memory, and the JSON form that carries a
 * result from the forked child to the runner. The child may have been
 * corrupted by the check it ran, so reading that JSON trusts nothing. */
#include "result.h"
#include "json_util.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum wsc_status wsc_cases_status(const struct wsc_result *r)
{
    size_t failed = 0, errors = 0, skipped = 0;
    for (size_t i = 0; i < r->n_cases; i++) {
        failed += r->cases[i].status == WSC_FAILED;
        errors += r->cases[i].status == WSC_ERROR;
        skipped += r->cases[i].status == WSC_SKIPPED;
    }
    if (failed)
        return WSC_FAILED;
    if (errors)
        return WSC_ERROR;
    return r->n_cases && skipped == r->n_cases ? WSC_SKIPPED : WSC_PASSED;
}

int wsc_result_is_case(const struct wsc_result *r)
{
    return r->n_cases == 0 || (r->status != WSC_PASSED &&
                               (r->message != NULL || r->status != wsc_cases_status(r)));
}

static size_t result_count(const struct wsc_result *t, enum wsc_status st)
{
    size_t n = wsc_result_is_case(t) && t->status == st;
    for (size_t k = 0; k < t->n_cases; k++)
        n += t->cases[k].status == st;
    return n;
}

size_t wsc_suite_count(const struct wsc_suite_result *s, enum wsc_status st)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_tests; i++)
        n += result_count(&s->tests[i], st);
    return n;
}

size_t wsc_suite_total(const struct wsc_suite_result *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_tests; i++)
        n += (size_t)wsc_result_is_case(&s->tests[i]) + s->tests[i].n_cases;
    return n;
}

size_t wsc_run_count(const struct wsc_run_result *r, enum wsc_status st)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_suites; i++)
        n += wsc_suite_count(&r->suites[i], st);
    return n;
}

/* strdup() that passes NULL through; *failed is set on allocation failure. */
static char *dup_or_null(const char *s, int *failed)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *failed = 1;
    return d;
}

int wsc_result_add_metric(struct wsc_result *r, const char *name, double value,
                          const char *unit)
{
    if (!name || r->n_metrics >= SIZE_MAX / sizeof *r->metrics - 1)
        return -1;
    struct wsc_metric *grown =
        realloc(r->metrics, (r->n_metrics + 1) * sizeof *r->metrics);
    if (!grown)
        return -1;
    r->metrics = grown;

    int failed = 0;
    struct wsc_metric m = {dup_or_null(name, &failed), value, dup_or_null(unit, &failed)};
    if (failed) {
        free(m.name);
        free(m.unit);
        return -1;
    }
    r->metrics[r->n_metrics++] = m;
    return 0;
}

int wsc_result_add_warning(struct wsc_result *r, const char *text)
{
    if (!text || r->n_warnings >= SIZE_MAX / sizeof *r->warnings - 1)
        return -1;
    char **grown = realloc(r->warnings, (r->n_warnings + 1) * sizeof *r->warnings);
    if (!grown)
        return -1;
    r->warnings = grown;
    if (!(r->warnings[r->n_warnings] = strdup(text)))
        return -1;
    r->n_warnings++;
    return 0;
}

int wsc_result_add_case(struct wsc_result *r, const char *name, enum wsc_status st,
                        double duration, const char *message)
{
    if (!name || r->n_cases >= SIZE_MAX / sizeof *r->cases - 1)
        return -1;
    struct wsc_case *grown = realloc(r->cases, (r->n_cases + 1) * sizeof *r->cases);
    if (!grown)
        return -1;
    r->cases = grown;
    int failed = 0;
    struct wsc_case c = {dup_or_null(name, &failed), st, duration,
                         dup_or_null(message, &failed)};
    if (failed) {
        free(c.name);
        free(c.message);
        return -1;
    }
    r->cases[r->n_cases++] = c;
    return 0;
}

int wsc_result_add_threshold(struct wsc_result *r, const char *metric,
                             struct json_object *expect, int recorded, double value,
                             int ok)
{
    struct wsc_threshold *grown =
        realloc(r->thresholds, (r->n_thresholds + 1) * sizeof *grown);
    if (!grown)
        return -1;
    r->thresholds = grown;
    char *name = strdup(metric);
    if (!name)
        return -1;
    r->thresholds[r->n_thresholds++] =
        (struct wsc_threshold){name, json_object_get(expect), recorded, value, ok};
    return 0;
}

static void clear_thresholds(struct wsc_result *r)
{
    for (size_t i = 0; i < r->n_thresholds; i++) {
        free(r->thresholds[i].metric);
        json_object_put(r->thresholds[i].expect);
    }
    free(r->thresholds);
    r->thresholds = NULL;
    r->n_thresholds = 0;
}

int wsc_result_add_attempt(struct wsc_result *r, enum wsc_status st, double duration,
                           const char *message)
{
    struct wsc_attempt *grown =
        realloc(r->attempt_log, (r->n_attempt_log + 1) * sizeof *grown);
    if (!grown)
        return -1;
    r->attempt_log = grown;
    int failed = 0;
    struct wsc_attempt a = {st, duration, dup_or_null(message, &failed)};
    if (failed)
        return -1;
    r->attempt_log[r->n_attempt_log++] = a;
    return 0;
}

size_t wsc_result_flaky(const struct wsc_result *r)
{
    if (r->status != WSC_PASSED)
        return 0;
    size_t bad = 0;
    for (size_t i = 0; i < r->n_attempt_log; i++)
        bad += r->attempt_log[i].status == WSC_FAILED ||
               r->attempt_log[i].status == WSC_ERROR;
    return bad;
}

size_t wsc_run_flaky(const struct wsc_run_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_suites; i++)
        for (size_t k = 0; k < r->suites[i].n_tests; k++)
            n += wsc_result_flaky(&r->suites[i].tests[k]) > 0;
    return n;
}

static void clear_attempt_log(struct wsc_result *r)
{
    for (size_t i = 0; i < r->n_attempt_log; i++)
        free(r->attempt_log[i].message);
    free(r->attempt_log);
    r->attempt_log = NULL;
    r->n_attempt_log = 0;
}

void wsc_result_clear_attempt(struct wsc_result *r)
{
    clear_thresholds(r);
    for (size_t i = 0; i < r->n_warnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    r->warnings = NULL;
    r->n_warnings = 0;
    for (size_t i = 0; i < r->n_cases; i++) {
        free(r->cases[i].name);
        free(r->cases[i].message);
    }
    free(r->cases);
    r->cases = NULL;
    r->n_cases = 0;
    free(r->message);
    r->message = NULL;
    free(r->log);
    r->log = NULL;
    for (size_t i = 0; i < r->n_metrics; i++) {
        free(r->metrics[i].name);
        free(r->metrics[i].unit);
    }
    free(r->metrics);
    r->metrics = NULL;
    r->n_metrics = 0;
    json_object_put(r->outputs);
    r->outputs = NULL;
    json_object_put(r->trace);
    r->trace = NULL;
    json_object_put(r->histograms);
    r->histograms = NULL;
}

void wsc_result_clear(struct wsc_result *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->plugin);
    free(r->check);
    wsc_result_clear_attempt(r);
    clear_attempt_log(r);
    memset(r, 0, sizeof *r);
}

void wsc_suite_result_clear(struct wsc_suite_result *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_tests; i++)
        wsc_result_clear(&s->tests[i]);
    free(s->tests);
    free(s->name);
    free(s->file);
    free(s->hostname);
    memset(s, 0, sizeof *s);
}

void wsc_run_result_clear(struct wsc_run_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_suites; i++)
        wsc_suite_result_clear(&r->suites[i]);
    free(r->suites);
    memset(r, 0, sizeof *r);
}

/* ---- To JSON -------------------------------------------------------------- */

static int put_string(struct json_object *obj, const char *key, const char *s)
{
    return wsc_json_put(obj, key, s ? json_object_new_string(s) : NULL, s == NULL);
}

/* A deep copy of v, or JSON null for NULL; *failed on allocation failure. */
static struct json_object *copy_json(struct json_object *v, int *failed)
{
    struct json_object *copy = NULL;
    if (v && json_object_deep_copy(v, &copy, NULL) != 0) {
        *failed = 1;
        return NULL;
    }
    return copy;
}

static struct json_object *metrics_to_json(const struct wsc_result *r)
{
    struct json_object *arr = json_object_new_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < r->n_metrics; i++) {
        const struct wsc_metric *m = &r->metrics[i];
        struct json_object *o = json_object_new_object();
        if (!o || json_object_array_add(arr, o) != 0) {
            json_object_put(o);
            json_object_put(arr);
            return NULL;
        }
        if (put_string(o, "name", m->name) ||
            wsc_json_put(o, "value", json_object_new_double(m->value), 0) ||
            put_string(o, "unit", m->unit)) {
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

static struct json_object *warnings_to_json(const struct wsc_result *r)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < r->n_warnings; i++) {
        struct json_object *w = json_object_new_string(r->warnings[i]);
        if (!w || json_object_array_add(arr, w) != 0) {
            json_object_put(w);
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

/* A case's duration is null when unknown. */
static struct json_object *cases_to_json(const struct wsc_result *r)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < r->n_cases; i++) {
        const struct wsc_case *c = &r->cases[i];
        struct json_object *o = json_object_new_object();
        if (!o || json_object_array_add(arr, o) != 0) {
            json_object_put(o);
            json_object_put(arr);
            return NULL;
        }
        if (put_string(o, "name", c->name) ||
            put_string(o, "status", wsc_status_name(c->status)) ||
            wsc_json_put(o, "duration",
                         c->duration >= 0 ? json_object_new_double(c->duration) : NULL,
                         c->duration < 0) ||
            put_string(o, "message", c->message)) {
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

/* [{"status", "duration" (seconds), "message"}] */
static struct json_object *attempt_log_to_json(const struct wsc_result *r)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < r->n_attempt_log; i++) {
        const struct wsc_attempt *a = &r->attempt_log[i];
        struct json_object *o = json_object_new_object();
        if (!o || json_object_array_add(arr, o) != 0) {
            json_object_put(o);
            json_object_put(arr);
            return NULL;
        }
        if (put_string(o, "status", wsc_status_name(a->status)) ||
            wsc_json_put(o, "duration", json_object_new_double(a->duration), 0) ||
            put_string(o, "message", a->message)) {
            json_object_put(arr);
            return NULL;
        }
    }
    return arr;
}

struct json_object *wsc_result_to_json(const struct wsc_result *r)
{
    struct json_object *j = json_object_new_object();
    if (!j)
        return NULL;
    /* wsc_json_put() takes each value as it goes, so one put of j frees everything. */
    int failed = 0;
    if (put_string(j, "name", r->name) || put_string(j, "plugin", r->plugin) ||
        put_string(j, "check", r->check) ||
        put_string(j, "status", wsc_status_name(r->status)) ||
        put_string(j, "message", r->message) || put_string(j, "log", r->log) ||
        wsc_json_put(j, "started", json_object_new_double(r->started), 0) ||
        wsc_json_put(j, "duration", json_object_new_double(r->duration), 0) ||
        wsc_json_put(j, "attempts", json_object_new_int(r->attempts), 0) ||
        wsc_json_put(j, "index", json_object_new_int64((int64_t)r->index), 0) ||
        wsc_json_put(j, "metrics", metrics_to_json(r), 0) ||
        wsc_json_put(j, "warnings", warnings_to_json(r), 0) ||
        wsc_json_put(j, "cases", cases_to_json(r), 0) ||
        wsc_json_put(j, "attempt_log", attempt_log_to_json(r), 0) ||
        wsc_json_put(j, "outputs", copy_json(r->outputs, &failed), 1) || failed ||
        wsc_json_put(j, "trace", copy_json(r->trace, &failed), 1) || failed ||
        (r->histograms &&
         (wsc_json_put(j, "histograms", copy_json(r->histograms, &failed), 1) ||
          failed))) {
        json_object_put(j);
        return NULL;
    }
    return j;
}

/* ---- From JSON ------------------------------------------------------------ */

/* Member `key` of j, or NULL when it is absent or JSON null. */
static struct json_object *member(const struct json_object *j, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(j, key, &v))
        return NULL;
    return v;
}

/* Copies an optional string member. Returns -1 when it is not a string or
 * cannot be copied. */
static int get_string(const struct json_object *j, const char *key, char **out)
{
    struct json_object *v = member(j, key);
    *out = NULL;
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return -1;
    *out = strdup(json_object_get_string(v));
    return *out ? 0 : -1;
}

static int get_number(const struct json_object *j, const char *key, double *out)
{
    struct json_object *v = member(j, key);
    *out = 0;
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_double) &&
        !json_object_is_type(v, json_type_int))
        return -1;
    *out = json_object_get_double(v);
    return 0;
}

static int get_attempts(const struct json_object *j, int *out)
{
    struct json_object *v = member(j, "attempts");
    *out = 0;
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_int))
        return -1;
    int64_t n = json_object_get_int64(v);
    if (n < 0 || n > INT_MAX)
        return -1;
    *out = (int)n;
    return 0;
}

static int get_index(const struct json_object *j, size_t *out)
{
    struct json_object *v = member(j, "index");
    *out = 0;
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
        return -1;
    *out = (size_t)json_object_get_int64(v);
    return 0;
}

static int get_status(const struct json_object *j, enum wsc_status *out)
{
    struct json_object *v = member(j, "status");
    if (!v || !json_object_is_type(v, json_type_string))
        return -1;
    return wsc_status_from_name(json_object_get_string(v), out);
}

/* Copies an optional member of the given container type. */
static int get_container(const struct json_object *j, const char *key,
                         enum json_type type, struct json_object **out)
{
    struct json_object *v = member(j, key);
    *out = NULL;
    if (!v)
        return 0;
    if (!json_object_is_type(v, type))
        return -1;
    return json_object_deep_copy(v, out, NULL) == 0 ? 0 : -1;
}

static int get_metrics(const struct json_object *j, struct wsc_result *r)
{
    struct json_object *arr = member(j, "metrics");
    if (!arr)
        return 0;
    if (!json_object_is_type(arr, json_type_array))
        return -1;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        struct json_object *m = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(m, json_type_object))
            return -1;
        struct json_object *name = member(m, "name");
        struct json_object *unit = member(m, "unit");
        double value;
        if (!name || !json_object_is_type(name, json_type_string) ||
            (unit && !json_object_is_type(unit, json_type_string)) ||
            !member(m, "value") || get_number(m, "value", &value) != 0)
            return -1;
        if (wsc_result_add_metric(r, json_object_get_string(name), value,
                                  unit ? json_object_get_string(unit) : NULL))
            return -1;
    }
    return 0;
}

static int get_warnings(const struct json_object *j, struct wsc_result *r)
{
    struct json_object *arr = member(j, "warnings");
    if (!arr)
        return 0;
    if (!json_object_is_type(arr, json_type_array))
        return -1;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *w = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(w, json_type_string) ||
            wsc_result_add_warning(r, json_object_get_string(w)) < 0)
            return -1;
    }
    return 0;
}

static int get_case(const struct json_object *c, struct wsc_result *r)
{
    struct json_object *name = member(c, "name");
    enum wsc_status st;
    double duration = -1;
    char *message = NULL;
    if (!json_object_is_type(c, json_type_object) || !name ||
        !json_object_is_type(name, json_type_string) || get_status(c, &st) ||
        (member(c, "duration") && get_number(c, "duration", &duration)) ||
        get_string(c, "message", &message))
        return -1;
    int rc = wsc_result_add_case(r, json_object_get_string(name), st, duration, message);
    free(message);
    return rc;
}

static int get_cases(const struct json_object *j, struct wsc_result *r)
{
    struct json_object *arr = member(j, "cases");
    if (!arr)
        return 0;
    if (!json_object_is_type(arr, json_type_array))
        return -1;
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        if (get_case(json_object_array_get_idx(arr, i), r) < 0)
            return -1;
    return 0;
}

static int get_attempt(const struct json_object *a, struct wsc_result *r)
{
    enum wsc_status st;
    double duration = 0;
    char *message = NULL;
    if (!json_object_is_type(a, json_type_object) || get_status(a, &st) ||
        get_number(a, "duration", &duration) || get_string(a, "message", &message))
        return -1;
    int rc = wsc_result_add_attempt(r, st, duration, message);
    free(message);
    return rc;
}

static int get_attempt_log(const struct json_object *j, struct wsc_result *r)
{
    struct json_object *arr = member(j, "attempt_log");
    if (!arr)
        return 0;
    if (!json_object_is_type(arr, json_type_array))
        return -1;
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        if (get_attempt(json_object_array_get_idx(arr, i), r) < 0)
            return -1;
    return 0;
}

int wsc_result_from_json(struct wsc_result *r, const struct json_object *j)
{
    struct wsc_result tmp = {0};
    memset(r, 0, sizeof *r);
    if (!j || !json_object_is_type(j, json_type_object))
        return -1;
    if (get_string(j, "name", &tmp.name) || get_string(j, "plugin", &tmp.plugin) ||
        get_string(j, "check", &tmp.check) || get_status(j, &tmp.status) ||
        get_string(j, "message", &tmp.message) || get_string(j, "log", &tmp.log) ||
        get_number(j, "started", &tmp.started) ||
        get_number(j, "duration", &tmp.duration) || get_attempts(j, &tmp.attempts) ||
        get_index(j, &tmp.index) || get_metrics(j, &tmp) || get_warnings(j, &tmp) ||
        get_cases(j, &tmp) || get_attempt_log(j, &tmp) ||
        get_container(j, "outputs", json_type_object, &tmp.outputs) ||
        get_container(j, "trace", json_type_array, &tmp.trace) ||
        get_container(j, "histograms", json_type_object, &tmp.histograms)) {
        wsc_result_clear(&tmp);
        return -1;
    }
    *r = tmp;
    return 0;
}

/* ---- Formatting ----------------------------------------------------------- */

void wsc_format_number(char *buf, size_t size, double v)
{
    if (!size)
        return;
    if (!isfinite(v))
        snprintf(buf, size, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else if (fabs(v) < 0.001)
        snprintf(buf, size, "%.3g", v);
    else
        snprintf(buf, size, "%.3f", v);
}

int wsc_unit_is_count(const char *unit)
{
    return !unit || !*unit || strcmp(unit, "count") == 0;
}

void wsc_format_metric(char *buf, size_t size, double value, const char *unit)
{
    char number[64];
    if (!size)
        return;
    wsc_format_number(number, sizeof number, value);
    if (wsc_unit_is_count(unit))
        snprintf(buf, size, "%s", number);
    else
        snprintf(buf, size, "%s %s", number, unit);
}

void wsc_format_utc(char *buf, size_t size, double epoch, int precise)
{
    /* 253402300799 is 9999-12-31T23:59:59, the last four-digit year. */
    if (!(epoch >= 0))
        epoch = 0;
    if (epoch > 253402300799.0)
        epoch = 253402300799.0;
    time_t secs = (time_t)epoch;
    int millis = (int)((epoch - (double)secs) * 1000.0);
    if (millis > 999)
        millis = 999;

    struct tm tm;
    if (!size)
        return;
    if (!gmtime_r(&secs, &tm)) {
        snprintf(buf, size, "1970-01-01T00:00:00%s", precise ? ".000Z" : "");
        return;
    }
    if (precise)
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    else
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
