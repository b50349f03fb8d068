/* Reading a JSON report back (for `wscheck merge`).
 *
 * A report's test objects carry the members of a serialised result
 * (wsc_result_to_json()), except "started", which is text there; the
 * result parser, which checks every type, reads them once that is turned
 * back into a number. Members a reader does not know are ignored, so a
 * report may grow members within one report_version. */
#include "report.h"
#include "json_util.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPORT_BYTES (512L * 1024 * 1024)

static int fail(char **err, const char *fmt, ...) WSC_PRINTF(2, 3);

static int fail(char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *err = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    return -1;
}

static char *read_all(const char *path, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, "cannot read: %s", strerror(errno));
        return NULL;
    }
    struct wsc_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= MAX_REPORT_BYTES)
        wsc_buf_append(&b, chunk, n);
    int bad = ferror(f) || b.failed, big = b.len > MAX_REPORT_BYTES;
    fclose(f);
    if (bad || big || !b.data) {
        fail(err, "cannot read: %s",
             bad   ? strerror(errno)
             : big ? "larger than 512 MiB"
                   : "empty file");
        wsc_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return wsc_buf_take(&b);
}

/* "YYYY-MM-DDTHH:MM:SS[.mmm]Z" (as wsc_format_utc() writes) to epoch
 * seconds. */
static int parse_utc(const char *text, double *out)
{
    struct tm tm = {0};
    int ms = 0, used = 0;
    if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
        return -1;
    if (text[used] == '.' && sscanf(text + used, ".%3d", &ms) != 1)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = (double)t + ms / 1000.0;
    return 0;
}

static const char *string_member(const struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static int number_member(const struct json_object *o, const char *key, double *out)
{
    struct json_object *v;
    *out = 0;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return 0; /* absent or null (not finite when written) */
    if (!json_object_is_type(v, json_type_double) &&
        !json_object_is_type(v, json_type_int))
        return -1;
    *out = json_object_get_double(v);
    return 0;
}

static int started_member(const struct json_object *o, double *out)
{
    const char *text = string_member(o, "started");
    *out = 0;
    return text ? parse_utc(text, out) : 0;
}

/* The evaluated expect_metrics: the parent computes them, so results carry
 * them outside wsc_result_from_json(); a merged report keeps them. */
static int read_thresholds(const struct json_object *j, struct wsc_result *r)
{
    struct json_object *arr;
    if (!json_object_object_get_ex(j, "thresholds", &arr) ||
        !json_object_is_type(arr, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *th = json_object_array_get_idx(arr, i), *expect, *value, *ok;
        const char *metric = string_member(th, "metric");
        if (!metric || !json_object_object_get_ex(th, "expect", &expect) ||
            !json_object_object_get_ex(th, "ok", &ok))
            return -1;
        int recorded = json_object_object_get_ex(th, "value", &value) && value != NULL;
        if (wsc_result_add_threshold(r, metric, expect, recorded,
                                     recorded ? json_object_get_double(value) : 0,
                                     json_object_get_boolean(ok)) < 0)
            return -1;
    }
    return 0;
}

static int read_test(const struct json_object *j, struct wsc_result *r, char **err)
{
    struct json_object *copy = NULL;
    double started;
    const char *name =
        json_object_is_type(j, json_type_object) ? string_member(j, "name") : NULL;
    if (!name)
        return fail(err, "a test has no name");
    if (started_member(j, &started) < 0)
        return fail(err, "test '%s': 'started' is not a UTC time", name);
    if (json_object_deep_copy((struct json_object *)j, &copy, NULL) != 0)
        return fail(err, "out of memory");
    json_object_object_add(copy, "started", json_object_new_double(started));
    int rc = wsc_result_from_json(r, copy);
    json_object_put(copy);
    if (rc < 0)
        return fail(err, "test '%s': a member has the wrong type", name);
    /* From here on r holds the test: a refusal frees it, as the suite counts
     * only the tests read whole. */
    const char *hist = "", *why = "";
    if (read_thresholds(j, r) < 0)
        rc = fail(err, "test '%s': a member has the wrong type", name);
    else if (wsc_result_histograms_valid(r, &hist, &why) < 0)
        rc = fail(err, "test '%s': histogram '%s': %s", name, hist, why);
    if (rc < 0)
        wsc_result_clear(r);
    return rc;
}

static int dup_member(const struct json_object *o, const char *key, char **out)
{
    const char *v = string_member(o, key);
    *out = v ? strdup(v) : NULL;
    return v && !*out ? -1 : 0;
}

static int read_suite(const struct json_object *j, struct wsc_suite_result *s, char **err)
{
    struct json_object *tests;
    if (!json_object_is_type(j, json_type_object) ||
        !json_object_object_get_ex(j, "tests", &tests) ||
        !json_object_is_type(tests, json_type_array))
        return fail(err, "a suite has no 'tests' array");
    if (dup_member(j, "name", &s->name) || dup_member(j, "file", &s->file) ||
        dup_member(j, "hostname", &s->hostname))
        return fail(err, "out of memory");
    if (started_member(j, &s->started) < 0 || number_member(j, "duration", &s->duration))
        return fail(err, "suite '%s': 'started' or 'duration' is invalid",
                    s->name ? s->name : "");
    size_t n = json_object_array_length(tests);
    s->tests = calloc(n ? n : 1, sizeof *s->tests);
    if (!s->tests)
        return fail(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (read_test(json_object_array_get_idx(tests, i), &s->tests[i], err) < 0)
            return -1;
        s->n_tests++;
    }
    return 0;
}

static int read_shard(const struct json_object *doc, struct wsc_run_result *r)
{
    struct json_object *shard, *v;
    if (!json_object_object_get_ex(doc, "shard", &shard) || !shard)
        return 0;
    if (!json_object_is_type(shard, json_type_object))
        return -1;
    if (json_object_object_get_ex(shard, "index", &v) &&
        json_object_is_type(v, json_type_int))
        r->shard_index = (unsigned)json_object_get_int(v);
    if (json_object_object_get_ex(shard, "total", &v) &&
        json_object_is_type(v, json_type_int))
        r->shard_total = (unsigned)json_object_get_int(v);
    return 0;
}

static int check_header(const struct json_object *doc, char **err)
{
    struct json_object *v;
    const char *tool =
        json_object_is_type(doc, json_type_object) ? string_member(doc, "tool") : NULL;
    if (!tool || strcmp(tool, "wscheck") != 0)
        return fail(err, "not a wscheck JSON report (no \"tool\": \"wscheck\")");
    if (!json_object_object_get_ex(doc, "report_version", &v) ||
        !json_object_is_type(v, json_type_int))
        return fail(err,
                    "a JSON report without report_version (written by wscheck %s "
                    "or older); this wscheck reads report_version 1",
                    string_member(doc, "version") ? string_member(doc, "version")
                                                  : "0.1.0");
    if (json_object_get_int64(v) != WSC_JSON_REPORT_VERSION) {
        char n[32];
        snprintf(n, sizeof n, "%lld", (long long)json_object_get_int64(v));
        return fail(err, "JSON report version %s; this wscheck reads report_version 1",
                    n);
    }
    return 0;
}

static int read_document(const struct json_object *doc, struct wsc_run_result *r,
                         char **err)
{
    struct json_object *suites;
    if (check_header(doc, err) < 0)
        return -1;
    if (!json_object_object_get_ex(doc, "suites", &suites) ||
        !json_object_is_type(suites, json_type_array))
        return fail(err, "the report has no 'suites' array");
    if (started_member(doc, &r->started) < 0 ||
        number_member(doc, "duration", &r->duration) || read_shard(doc, r) < 0)
        return fail(err, "'started', 'duration' or 'shard' is invalid");
    size_t n = json_object_array_length(suites);
    r->suites = calloc(n ? n : 1, sizeof *r->suites);
    if (!r->suites)
        return fail(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        /* counted first, so that clearing frees what a failed read left */
        r->n_suites++;
        if (read_suite(json_object_array_get_idx(suites, i), &r->suites[i], err) < 0)
            return -1;
    }
    return 0;
}

int wsc_json_report_read(const char *path, struct wsc_run_result *r, char **err)
{
    size_t len = 0;
    const char *why = NULL;
    memset(r, 0, sizeof *r);
    *err = NULL;
    char *text = read_all(path, &len, err);
    if (!text)
        return -1;
    struct json_object *doc = wsc_json_parse_report(text, len, &why);
    free(text);
    if (!doc)
        return fail(err, "not JSON: %s", why ? why : "parse error");
    int rc = read_document(doc, r, err);
    json_object_put(doc);
    return rc;
}
