/* `wscheck report`: reading results logs (JSON lines, one result a line)
 * and JSON reports (`wscheck run --json`), told apart by content: a first
 * line that is a whole JSON object without "suites" starts a results log.
 *
 * A log is read a line at a time into one buffer of REP_MAX_LINE bytes, so
 * a huge or endless line costs no more memory; a JSON report is read whole
 * (as `wscheck merge` does, up to 512 MiB). */
#include "report_model.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "util.h"

#define MAX_REPORT_BYTES (512L * 1024 * 1024)

struct reader {
    struct rep_set *set;
    const struct rep_filter *filter;
    const char *path;
    FILE *errs;
    size_t line;
};

const char *rep_status_name(enum rep_status s)
{
    static const char *const names[] = {"passed", "failed", "error", "skipped"};
    return names[s];
}

static int parse_status(const char *s, enum rep_status *out)
{
    for (int i = REP_PASSED; s && i <= REP_SKIPPED; i++)
        if (!strcmp(s, rep_status_name((enum rep_status)i))) {
            *out = (enum rep_status)i;
            return 0;
        }
    return -1;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

int rep_metric_is_latency(const struct rep_record *r, size_t i)
{
    return ends_with(r->metrics[i].name, "_ms") || (i < 64 && (r->ms_units >> i & 1));
}

int rep_metric_is_rate(const char *name)
{
    static const char *const tails[] = {"_per_s", "_per_sec", "_per_second", "_rps",
                                        "_mps"};
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++)
        if (ends_with(name, tails[i]))
            return 1;
    return 0;
}

static void record_free(struct rep_record *r)
{
    free(r->suite);
    free(r->test);
    free(r->server);
    free(r->plugin);
    free(r->message);
    for (size_t i = 0; i < r->n_metrics; i++)
        free(r->metrics[i].name);
    free(r->metrics);
    json_object_put(r->trace);
}

void rep_set_free(struct rep_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        record_free(&set->v[i]);
    free(set->v);
    memset(set, 0, sizeof *set);
}

static void bad(struct reader *rd, const char *why)
{
    rd->set->malformed++;
    if (rd->line)
        fprintf(rd->errs, "wscheck: %s:%zu: %s\n", rd->path, rd->line, why);
    else
        fprintf(rd->errs, "wscheck: %s: %s\n", rd->path, why);
}

static const char *str_member(const struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static int num_member(const struct json_object *o, const char *key, double *out)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) ||
        !(json_object_is_type(v, json_type_double) ||
          json_object_is_type(v, json_type_int)))
        return -1;
    *out = json_object_get_double(v);
    return isfinite(*out) ? 0 : -1;
}

static int dup_or_null(const char *s, char **out)
{
    *out = s ? strdup(s) : NULL;
    return s && !*out ? -1 : 0;
}

static int add_metric(struct rep_record *r, const char *name, double v, int is_ms)
{
    struct rep_metric *m = realloc(r->metrics, (r->n_metrics + 1) * sizeof *m);
    if (!m)
        return -1;
    r->metrics = m;
    if (!(m[r->n_metrics].name = strdup(name)))
        return -1;
    m[r->n_metrics].value = v;
    if (is_ms && r->n_metrics < 64)
        r->ms_units |= 1ULL << r->n_metrics;
    r->n_metrics++;
    return 0;
}

static int passes(const struct rep_filter *f, const struct rep_record *r)
{
    return (!f->has_since || r->time >= f->since) &&
           (!f->has_until || r->time <= f->until) &&
           (!f->suite || fnmatch(f->suite, r->suite, 0) == 0) &&
           (!f->test || fnmatch(f->test, r->test, 0) == 0);
}

/* Takes r into the set when the filter lets it through, else frees it. */
static int keep(struct reader *rd, struct rep_record *r)
{
    struct rep_set *s = rd->set;
    s->readable++;
    if (!passes(rd->filter, r)) {
        record_free(r);
        return 0;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        struct rep_record *v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            record_free(r);
            return -1;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = *r;
    return 0;
}

static int common_strings(struct rep_record *r, const struct json_object *o,
                          const char *suite, const char *test)
{
    return dup_or_null(suite ? suite : "", &r->suite) || dup_or_null(test, &r->test) ||
           dup_or_null(str_member(o, "plugin"), &r->plugin) ||
           dup_or_null(str_member(o, "message"), &r->message);
}

/* ---- results logs --------------------------------------------------------- */

static int log_metrics(struct rep_record *r, const struct json_object *o)
{
    struct json_object *m;
    if (!json_object_object_get_ex(o, "metrics", &m) ||
        !json_object_is_type(m, json_type_object))
        return 0;
    json_object_object_foreach(m, name, value) {
        if (!json_object_is_type(value, json_type_double) &&
            !json_object_is_type(value, json_type_int))
            continue;
        double v = json_object_get_double(value);
        if (isfinite(v) && add_metric(r, name, v, 0) < 0)
            return -1;
    }
    return 0;
}

/* One line's object into a record; *why when it is not a result. */
static int log_record(const struct json_object *o, struct rep_record *r, const char **why)
{
    const char *test = str_member(o, "test"), *time = str_member(o, "time");
    memset(r, 0, sizeof *r);
    r->duration_ms = NAN;
    if (!test)
        return *why = "no \"test\" (a string)", -1;
    if (!time || rep_parse_time(time, NAN, &r->time) < 0)
        return *why = "\"time\" is not an RFC 3339 time", -1;
    if (parse_status(str_member(o, "status"), &r->status) < 0)
        return *why = "\"status\" is not passed, failed, error or skipped", -1;
    double d;
    if (num_member(o, "duration_ms", &d) == 0)
        r->duration_ms = d;
    if (common_strings(r, o, str_member(o, "suite"), test) ||
        dup_or_null(str_member(o, "server"), &r->server) || log_metrics(r, o) < 0) {
        record_free(r);
        return *why = "out of memory", -2;
    }
    return 0;
}

static int log_line(struct reader *rd, const char *text, size_t len)
{
    const char *why = NULL;
    struct rep_record r;
    struct json_object *o = wsc_json_parse_report(text, len, &why);
    if (!o) {
        char msg[300];
        snprintf(msg, sizeof msg, "not JSON: %s", why ? why : "parse error");
        bad(rd, msg);
        return 0;
    }
    int rc = json_object_is_type(o, json_type_object) ? log_record(o, &r, &why)
                                                      : (why = "not a JSON object", -1);
    json_object_put(o);
    if (rc == -2)
        return -1;
    if (rc < 0) {
        bad(rd, why);
        return 0;
    }
    return keep(rd, &r);
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Reads the next line into buf (cap bytes), without its newline. Returns
 * its length, or -1 at the end; a longer line is read to its end, its start
 * kept, and *too_long set. */
static long next_line(FILE *in, char *buf, size_t cap, int *too_long)
{
    size_t n = 0;
    int c;
    *too_long = 0;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (n + 1 < cap)
            buf[n++] = (char)c;
        else
            *too_long = 1;
    }
    buf[n] = 0;
    return c == EOF && n == 0 && !*too_long ? -1 : (long)n;
}

/* From the line in buf (rd->line, its length n) to the end. */
static int read_log(struct reader *rd, FILE *in, char *buf, long n, int too_long)
{
    for (; n >= 0; rd->line++, n = next_line(in, buf, REP_MAX_LINE, &too_long)) {
        if (too_long)
            bad(rd, "line longer than 1 MiB, skipped");
        else if (!blank(buf, (size_t)n) && log_line(rd, buf, (size_t)n) < 0)
            return -1;
    }
    return 0;
}

/* ---- JSON reports ------------------------------------------------------- */

static int report_metrics(struct rep_record *r, const struct json_object *t)
{
    struct json_object *arr;
    if (!json_object_object_get_ex(t, "metrics", &arr) ||
        !json_object_is_type(arr, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *m = json_object_array_get_idx(arr, i);
        const char *name = str_member(m, "name"), *unit = str_member(m, "unit");
        double v;
        if (name && num_member(m, "value", &v) == 0 &&
            add_metric(r, name, v, unit && !strcmp(unit, "ms")) < 0)
            return -1;
    }
    return 0;
}

/* A test of a report: it finished at started + duration. */
static int report_test(struct reader *rd, const struct json_object *t, const char *suite)
{
    struct rep_record r = {0};
    const char *name = str_member(t, "name"), *started = str_member(t, "started");
    double d = 0;
    r.duration_ms = NAN;
    if (!name || !started || rep_parse_time(started, NAN, &r.time) < 0 ||
        parse_status(str_member(t, "status"), &r.status) < 0) {
        bad(rd, "a test without a name, a UTC 'started' or a known status, skipped");
        return 0;
    }
    if (num_member(t, "duration", &d) == 0) {
        r.duration_ms = d * 1000.0;
        r.time += d;
    }
    struct json_object *trace;
    if (json_object_object_get_ex(t, "trace", &trace) &&
        json_object_is_type(trace, json_type_array) && json_object_array_length(trace))
        r.trace = json_object_get(trace);
    if (common_strings(&r, t, suite, name) || report_metrics(&r, t) < 0) {
        record_free(&r);
        return -1;
    }
    return keep(rd, &r);
}

static int report_doc(struct reader *rd, const struct json_object *doc)
{
    struct json_object *suites;
    const char *tool = str_member(doc, "tool");
    if (!tool || strcmp(tool, "wscheck") ||
        !json_object_object_get_ex(doc, "suites", &suites) ||
        !json_object_is_type(suites, json_type_array)) {
        bad(rd, "neither a results log nor a wscheck JSON report");
        return 0;
    }
    for (size_t i = 0; i < json_object_array_length(suites); i++) {
        struct json_object *s = json_object_array_get_idx(suites, i), *tests;
        if (!json_object_object_get_ex(s, "tests", &tests) ||
            !json_object_is_type(tests, json_type_array))
            continue;
        for (size_t k = 0; k < json_object_array_length(tests); k++)
            if (report_test(rd, json_object_array_get_idx(tests, k),
                            str_member(s, "name")) < 0)
                return -1;
    }
    return 0;
}

/* The rest of the file after its first line, all parsed as one document. */
static int read_report(struct reader *rd, FILE *in, const char *first, size_t first_len)
{
    struct wsc_buf b = {0};
    char chunk[65536];
    size_t n;
    wsc_buf_append(&b, first, first_len);
    wsc_buf_append(&b, "\n", 1);
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0 && b.len <= MAX_REPORT_BYTES)
        wsc_buf_append(&b, chunk, n);
    if (b.failed || b.len > MAX_REPORT_BYTES || ferror(in)) {
        bad(rd, b.failed     ? "out of memory"
                : ferror(in) ? strerror(errno)
                             : "larger than 512 MiB");
        wsc_buf_free(&b);
        return 0;
    }
    const char *why = NULL;
    struct json_object *doc = wsc_json_parse_report(b.data, b.len, &why);
    wsc_buf_free(&b);
    if (!doc) {
        char msg[300];
        snprintf(msg, sizeof msg, "neither a results log nor a JSON report: %s",
                 why ? why : "parse error");
        bad(rd, msg);
        return 0;
    }
    int rc = report_doc(rd, doc);
    json_object_put(doc);
    return rc;
}

/* ---- telling them apart --------------------------------------------------- */

/* Does the first line start a results log? Yes when it is a whole JSON
 * object that is not a report, and when it is not JSON at all (its lines
 * are then reported one by one); no when it is the start of a document
 * (a pretty-printed report's "{"). */
static int starts_log(const char *line, size_t len)
{
    struct json_tokener *tok = json_tokener_new();
    if (!tok)
        return 1;
    struct json_object *o = json_tokener_parse_ex(tok, line, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    int log = o ? json_object_is_type(o, json_type_object) &&
                      !json_object_object_get_ex(o, "suites", NULL)
                : e != json_tokener_continue;
    json_object_put(o);
    json_tokener_free(tok);
    return log;
}

static int read_stream(struct reader *rd, FILE *in)
{
    char *buf = malloc(REP_MAX_LINE);
    int too_long = 0, rc = 0;
    long n;
    if (!buf)
        return -1;
    do { /* leading blank lines */
        n = next_line(in, buf, REP_MAX_LINE, &too_long);
        rd->line++;
    } while (n >= 0 && !too_long && blank(buf, (size_t)n));
    if (n < 0) {
        rd->line = 0;
        bad(rd, "empty: no results");
    } else if (too_long || starts_log(buf, (size_t)n)) {
        rc = read_log(rd, in, buf, n, too_long);
    } else {
        rd->line = 0; /* a report's errors are the whole file's */
        rc = read_report(rd, in, buf, (size_t)n);
    }
    free(buf);
    return rc;
}

int rep_read_input(struct rep_set *set, const char *path, const struct rep_filter *f,
                   FILE *errs)
{
    struct reader rd = {set, f, path, errs, 0};
    int is_stdin = !strcmp(path, "-");
    FILE *in = is_stdin ? stdin : fopen(path, "r");
    if (!in) {
        fprintf(errs, "wscheck: %s: cannot read: %s\n", path, strerror(errno));
        set->malformed++;
        return -1;
    }
    set->inputs++;
    int rc = read_stream(&rd, in);
    if (rc < 0) {
        fprintf(errs, "wscheck: %s: out of memory\n", path);
        rc = -2;
    } else if (ferror(in)) {
        rd.line = 0;
        bad(&rd, strerror(errno));
    }
    if (!is_stdin)
        fclose(in);
    return rc;
}
