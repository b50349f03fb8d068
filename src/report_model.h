/* `wscheck report`: the results it reads (from results logs and JSON
 * reports) and the aggregates it computes over them. One header for the
 * report_*.c files: input reading, time, message normalisation,
 * aggregation, and the text, JSON and HTML writers. */
#ifndef WSC_REPORT_MODEL_H
#define WSC_REPORT_MODEL_H

#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

/* A results-log line longer than this is skipped (and counted as
 * malformed): reading never holds more than one capped line in memory. */
#define REP_MAX_LINE (1024 * 1024)

enum rep_status { REP_PASSED, REP_FAILED, REP_ERROR, REP_SKIPPED };

struct rep_metric {
    char *name;
    double value;
};

/* One test's result: a line of a results log or a test of a JSON report.
 * Strings were redacted by the wscheck that wrote them. */
struct rep_record {
    double time; /* epoch seconds, when the test finished */
    char *suite, *test;
    char *server, *plugin, *message; /* may be NULL */
    enum rep_status status;
    double duration_ms; /* NaN when unknown */
    struct rep_metric *metrics;
    size_t n_metrics;
    /* the names of metrics in milliseconds by their unit (JSON reports
     * give units; results logs only names): bit i for metrics[i] < 64 */
    unsigned long long ms_units;
    struct json_object *trace; /* JSON reports, failed tests; may be NULL */
};

struct rep_filter {
    double since, until; /* only with has_since / has_until */
    int has_since, has_until;
    const char *suite, *test; /* fnmatch(3) patterns; NULL: any */
};

struct rep_set {
    struct rep_record *v;
    size_t n, cap;
    size_t inputs;    /* files read */
    size_t malformed; /* lines or reports skipped */
    size_t readable;  /* results read before filtering */
};

/* ---- report_time.c ---- */
/* RFC 3339 ("2026-12-04T05:30:00.123Z", "...+02:00", a date alone is its
 * midnight UTC) or, when now is not NaN, a time relative to now: a number
 * and s, m, h, d or w ("24h", "7d": that long before now). 0, or -1. */
int rep_parse_time(const char *text, double now, double *out);
/* "2026-12-04T05:30:00Z" (seconds) into buf (at least 32 bytes). */
void rep_format_time(char *buf, size_t size, double t);

/* ---- report_normalise.c ---- */
/* The failure message with what varies between occurrences replaced:
 * quoted values "<value>", UUIDs "<uuid>", hex ids "<hex>", IPv4
 * addresses "<ip>", ports ":<port>", other numbers "<n>". Malloc'ed. */
char *rep_normalise_message(const char *msg);

/* ---- report_input.c ---- */
/* Reads a results log or a JSON report (told apart by content; "-" is
 * standard input), appending the results that pass the filter. Malformed
 * lines are reported on errs as "FILE:LINE: why" and counted. Returns 0,
 * -1 when the file cannot be opened, -2 when out of memory (both reported
 * on errs too). */
int rep_read_input(struct rep_set *set, const char *path, const struct rep_filter *f,
                   FILE *errs);
void rep_set_free(struct rep_set *set);
const char *rep_status_name(enum rep_status s);
/* Is metric i of r a latency (its name ends in "_ms", or its unit is ms)? */
int rep_metric_is_latency(const struct rep_record *r, size_t i);
/* Is it a throughput (a rate per second: "_per_s", "_per_sec",
 * "_per_second", "_rps", "_mps" at the end of its name)? */
int rep_metric_is_rate(const char *name);

/* ---- report_agg.c ---- */
struct rep_values {
    double *v;
    size_t n, cap;
    int sorted;
};
/* Nearest rank: the smallest value with at least p% of the values less or
 * equal (p 0: the minimum). NaN when empty. Sorts the values. */
double rep_percentile(struct rep_values *vs, double p);
int rep_values_push(struct rep_values *vs, double v);

struct rep_counts {
    size_t passed, failed, errors, skipped;
};
size_t rep_counts_total(const struct rep_counts *c);
/* passed / (total - skipped), in percent; NaN when nothing ran. */
double rep_success_rate(const struct rep_counts *c);

struct rep_series {
    char *name;
    struct rep_values v;
};

struct rep_bucket {
    struct rep_counts c;
    struct rep_values dur;
    struct rep_series *lat; /* the latency metrics in this bucket */
    size_t n_lat;
};

/* First half of the window against the second. */
struct rep_trend {
    struct rep_counts c[2];
    struct rep_values dur[2];
    const char *verdict; /* "worse", "better", "steady", or NULL: a half is empty */
};

enum {
    REP_CAT_DEV_TOOLKIT,
    REP_CAT_CRACKERJACK,
    REP_CAT_MONITORING,
    REP_CAT_OTHER,
    REP_CATS
};
extern const char *const rep_category_names[REP_CATS];

struct rep_test {
    char *suite, *test, *server; /* server: the last one seen; may be NULL */
    struct rep_counts c;
    struct rep_values dur;
    struct rep_series *lat, *rate; /* latency and throughput metrics */
    size_t n_lat, n_rate;
    struct rep_bucket *buckets; /* n_buckets of the window */
    struct rep_trend trend;
};

struct rep_server {
    char *server; /* "-" for results without one */
    struct rep_counts c;
    struct rep_values dur;
    size_t n_tests;
    size_t calls[REP_CATS];
};

struct rep_pattern {
    char *pattern, *example;
    size_t count;
    double first, last;
    char **tests; /* "suite / test" */
    size_t n_tests;
};

struct rep_agg {
    double from, until;  /* times of the first and the last result */
    double bucket_s;     /* hour, day or week (more for long windows) */
    double first_bucket; /* start of bucket 0 */
    size_t n_buckets;    /* at most REP_MAX_BUCKETS */
    struct rep_counts c;
    struct rep_values dur;
    struct rep_trend trend;
    struct rep_test *tests;
    size_t n_tests;
    struct rep_server *servers;
    size_t n_servers;
    struct rep_pattern *patterns; /* most frequent first */
    size_t n_patterns;
    const struct rep_set *set;
};
#define REP_MAX_BUCKETS 200

/* 0, or -1 when out of memory. */
int rep_aggregate(struct rep_agg *a, const struct rep_set *set);
void rep_agg_free(struct rep_agg *a);
/* The bucket width for a window of span seconds. */
double rep_bucket_width(double span);
int rep_category(const char *plugin);

/* ---- writers ---- */
/* All three return 0, or -1 with *err (malloc'ed). */
int rep_write_text(FILE *out, struct rep_agg *a);
int rep_write_json(const char *path, struct rep_agg *a, char **err);
int rep_write_html(const char *path, struct rep_agg *a, char **err);
/* s with & < > " ' as character references, after wsc_xml_safe(). Malloc'ed. */
char *rep_html_escape(const char *s);

#endif
