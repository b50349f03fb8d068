/* What `wscheck load` and `wscheck merge` make of a load run's figures
 * (load.h): named metrics, thresholds on them, the live line, the summary
 * table, the JSON report (histograms in their mergeable form) and JUnit
 * (one test case per threshold). */
#ifndef WSC_LOAD_REPORT_H
#define WSC_LOAD_REPORT_H

#include <stdio.h>

#include <json-c/json.h>

#include "load.h"

/* The "kind" of a load run's JSON report; `wscheck run` reports have none. */
#define WSC_LOAD_REPORT_KIND "load"

/* A load run as the reports see it. Each test's figures are in stats; its
 * threshold rules, metrics and threshold outcomes are JSON, so that a merged
 * report can re-apply the rules of its shards to the totals. */
struct wsc_load_report {
    struct wsc_load_stats stats;
    char *scenario;               /* the scenario file */
    struct json_object *plan;     /* the plan as the JSON report shows it */
    struct json_object **rules;   /* per test: [{"metric", "expect", "source"}] */
    struct json_object **metrics; /* per test: name -> number (wsc_load_report_finish) */
    struct json_object **thresholds; /* per test: the rules' outcomes */
    int interrupted;                 /* stopped by a signal */
    size_t n_alloc;                  /* the per-test arrays' length */
};

/* Allocates the per-test arrays for n tests (stats initialised too).
 * 0, or -1 when out of memory. */
int wsc_load_report_init(struct wsc_load_report *r, size_t n_tests);
void wsc_load_report_clear(struct wsc_load_report *r);

/* ---- metrics (load_report_metrics.c) ---------------------------------------- */

/* The metrics of test t over a run of `duration` seconds, as an object
 * name -> number in report order: sessions, sessions_ok, sessions_failed,
 * error_rate, sessions_per_s, messages_per_s, bytes_per_s,
 * dropped_arrivals, errors_KIND for every kind, then for every histogram
 * H (its name without "_ms", other characters than letters and digits as
 * '_'): H_count and, when it has samples, H_p50_ms, H_p90_ms, H_p99_ms,
 * H_p999_ms, H_max_ms, H_mean_ms. NULL when out of memory. */
struct json_object *wsc_load_metrics(const struct wsc_load_test *t, double duration,
                                     uint64_t dropped_arrivals);
/* The metric name of histogram `hist` with statistic `stat` ("p99_ms",
 * "count") in buf. */
void wsc_load_metric_name(char *buf, size_t size, const char *hist, const char *stat);
/* Is name a metric a load run can measure (whatever the test)? When not,
 * *hint is the nearest such name, or NULL. */
int wsc_load_metric_known(const char *name, const char **hint);
/* Is name a metric only a load run measures (not also one of a CI run's
 * checks, as ping-pong's rtt_p99_ms is)? */
int wsc_load_metric_only(const char *name);
/* The unit of a metric for people: "ms", "/s", "" (a count or a ratio). */
const char *wsc_load_metric_unit(const char *name);

/* ---- thresholds (load_report_thresholds.c) ---------------------------------- */

/* Parses a --threshold: "[TEST:]METRIC OP NUMBER" with OP one of < <= > >=
 * ==. *test is NULL for every test; *rule is {"metric", "expect": matcher,
 * "source": "--threshold"}. 0, or -1 with *why (malloc'ed). */
int wsc_load_threshold_parse(const char *text, char **test, struct json_object **rule,
                             char **why);
/* Appends to rules one rule per entry of expect_metrics (already expanded),
 * source "expect_metrics". 0, or -1 when out of memory. */
int wsc_load_rules_from_expect(struct json_object *rules,
                               const struct json_object *expect_metrics);
/* Evaluates the rules against the metrics: an array of {"metric",
 * "expect", "source", "status": "pass"|"fail"|"skipped", "value", "text",
 * "reason"}. *breached counts the failures. NULL when out of memory. */
struct json_object *wsc_load_thresholds_eval(const struct json_object *rules,
                                             const struct json_object *metrics,
                                             size_t *breached);
/* Computes every test's metrics and threshold outcomes from its figures;
 * returns how many thresholds were breached, or -1 when out of memory. */
long wsc_load_report_finish(struct wsc_load_report *r);

/* ---- outputs ------------------------------------------------------------------- */

/* The summary table at the end (load_report_text.c). */
void wsc_load_summary(FILE *out, const struct wsc_load_report *r, int color);

/* The live line (load_report_live.c): on a terminal, one line rewritten
 * every tick; elsewhere one line every `every` seconds. */
struct wsc_load_live_out {
    FILE *out;
    int tty;
    double every;     /* s between lines when not a terminal */
    double last;      /* elapsed at the last line written */
    int shown;        /* a terminal line is on screen */
    const char *unit; /* "VUs" or "/s": what the target counts */
};
void wsc_load_live_tick(const struct wsc_load_live *live, void *arg);
/* Ends a terminal line so that the summary starts on its own. */
void wsc_load_live_end(struct wsc_load_live_out *o);
/* Cuts a line to fit a terminal of `columns` columns (0: unknown). */
void wsc_load_live_fit(char *line, unsigned columns);
/* The line itself, for tests. */
void wsc_load_live_format(char *buf, size_t size, const struct wsc_load_live *live,
                          const char *unit);

/* The JSON report (load_report_json.c). */
struct json_object *wsc_load_report_to_json(const struct wsc_load_report *r);
int wsc_load_json_write(const char *path, const struct wsc_load_report *r, char **err);
/* Reads a load report written by wsc_load_json_write() into r (which the
 * caller clears). 0, or -1 with *err (malloc'ed). */
int wsc_load_report_from_json(const struct json_object *doc, struct wsc_load_report *r,
                              char **err);
/* Is doc a load run's report (kind "load")? */
int wsc_load_report_is_load(const struct json_object *doc);

/* JUnit XML, one test case per threshold (load_report_junit.c). */
int wsc_load_junit_write(const char *path, const struct wsc_load_report *r, char **err);

/* ---- merge (load_report_merge.c) ------------------------------------------------- */

/* Merges load reports (shards of one run): tests joined by name, figures
 * added, histograms merged bucket by bucket, the duration the longest
 * shard's, each test's rules the first report's that has it. The caller
 * then calls wsc_load_report_finish(). 0, or -1 with *err. */
int wsc_load_report_merge(struct wsc_load_report *in, size_t n,
                          struct wsc_load_report *out, char **err);

/* ---- wscheck merge (cmd_merge_load.c) ----------------------------------------------- */

struct wsc_merge_load_args {
    const char *json, *junit, *tap;
    int quiet, no_color;
};
/* Merges the reports at paths when they are load reports. Returns -1 when
 * none is (the caller merges run reports), else the exit status: a file
 * that cannot be read or parsed, or load and run reports mixed, is a usage
 * error (the problem printed). */
int wsc_merge_load_reports(const struct wsc_merge_load_args *a, char **paths, size_t n);

#endif
