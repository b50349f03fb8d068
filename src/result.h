/* Test results as the runner collects them and the reports consume them. */
#ifndef WSC_RESULT_H
#define WSC_RESULT_H

#include <stddef.h>
#include <json-c/json.h>

#include "status.h"

struct wsc_metric {
    char *name;
    double value;
    char *unit; /* may be NULL */
};

/* One `expect_metrics` threshold as the runner evaluated it. */
struct wsc_threshold {
    char *metric;               /* the metric it names */
    struct json_object *expect; /* the matcher, as written */
    int recorded;               /* did the check record the metric? */
    double value;               /* the value matched (the last recorded) */
    int ok;                     /* did it hold? */
};

/* One case of a test that reports several (wsc_case()): each is a test case
 * of its own in every report, named "TEST / CASE". */
struct wsc_case {
    char *name;
    enum wsc_status status;
    double duration; /* seconds; < 0: unknown */
    char *message;   /* why it did not pass; may be NULL */
};

/* One attempt of a test: a test retried until it passed keeps the attempts
 * that failed, so that reports can say it is flaky. */
struct wsc_attempt {
    enum wsc_status status;
    double duration; /* seconds */
    char *message;   /* may be NULL */
};

struct wsc_result {
    char *name;   /* test name */
    char *plugin; /* plugin name; classname = <suite>.<plugin> */
    char *check;
    enum wsc_status status;
    char *message;   /* reason for failed/error/skipped; may be NULL */
    char *log;       /* notes (system-out); may be NULL */
    double started;  /* wall clock, epoch seconds */
    double duration; /* seconds, all attempts together */
    int attempts;    /* 0 when skipped without running */
    size_t index;    /* position in its scenario's "tests" (merged reports
                        list tests in file order by it) */
    struct wsc_metric *metrics;
    size_t n_metrics;
    struct json_object *outputs; /* object, may be NULL */
    struct json_object *trace;   /* array, may be NULL; kept for failed tests */
    char **warnings;             /* wsc_warn() texts, in order */
    size_t n_warnings;
    struct wsc_case *cases; /* wsc_case() outcomes, in order */
    size_t n_cases;
    /* wsc_metric_histogram(): object name -> JSON form of the histogram
     * (lib/histogram_internal.h) with its "unit"; NULL when none */
    struct json_object *histograms;
    struct wsc_threshold *thresholds; /* expect_metrics, in file order */
    size_t n_thresholds;
    struct wsc_attempt *attempt_log; /* every attempt, in order */
    size_t n_attempt_log;
};

struct wsc_suite_result {
    char *name; /* scenario "name" */
    char *file; /* scenario file path */
    char *hostname;
    double started;  /* wall clock, epoch seconds */
    double duration; /* seconds */
    struct wsc_result *tests;
    size_t n_tests;
};

struct wsc_run_result {
    struct wsc_suite_result *suites;
    size_t n_suites;
    double started;
    double duration;
    unsigned shard_index, shard_total; /* --shard I/N; 0/0: not sharded */
};

/* A test with cases is reported as its cases; it is a test case of its own
 * too only when its outcome is more than its cases say (a crash, a timeout,
 * wsc_fail(), --strict warnings). A test without cases is always one. */
int wsc_result_is_case(const struct wsc_result *r);
/* What the cases of r say about the test: failed when one failed, else an
 * error when one errored, else skipped when every case was, else passed. */
enum wsc_status wsc_cases_status(const struct wsc_result *r);

/* Counts of one status over a suite or a run, and all of them: test cases
 * as the reports show them (a test's cases each count as one). */
size_t wsc_suite_count(const struct wsc_suite_result *s, enum wsc_status st);
size_t wsc_suite_total(const struct wsc_suite_result *s);
size_t wsc_run_count(const struct wsc_run_result *r, enum wsc_status st);

/* Adds a metric to a result (copies name and unit). Returns 0 or -1. */
int wsc_result_add_metric(struct wsc_result *r, const char *name, double value,
                          const char *unit);
/* Adds a warning or a case (copying the strings). Return 0 or -1. */
int wsc_result_add_warning(struct wsc_result *r, const char *text);
int wsc_result_add_case(struct wsc_result *r, const char *name, enum wsc_status st,
                        double duration, const char *message);
/* Adds an evaluated threshold (copies metric, takes a reference to
 * expect). Returns 0 or -1. */
int wsc_result_add_threshold(struct wsc_result *r, const char *metric,
                             struct json_object *expect, int recorded, double value,
                             int ok);
/* Records an attempt (copying the message). Returns 0 or -1. */
int wsc_result_add_attempt(struct wsc_result *r, enum wsc_status st, double duration,
                           const char *message);
/* How many attempts failed or errored before the test passed: 0 unless the
 * test passed after retries (is flaky). */
size_t wsc_result_flaky(const struct wsc_result *r);
/* Tests (not cases) of a run that passed after retries. */
size_t wsc_run_flaky(const struct wsc_run_result *r);
/* Frees what one attempt produced (message, log, metrics, outputs, trace,
 * warnings, cases, histograms, thresholds), keeping the test's identity, timing and attempts
 * (their count and their log). */
void wsc_result_clear_attempt(struct wsc_result *r);
void wsc_result_clear(struct wsc_result *r); /* frees members, zeroes */
void wsc_suite_result_clear(struct wsc_suite_result *s);
void wsc_run_result_clear(struct wsc_run_result *r);

/* Serialises a result to JSON and back (used between the forked child and
 * the runner, and by the JSON report). to_json copies everything (NULL when
 * out of memory). from_json overwrites *r without freeing what it held (pass
 * a zeroed or cleared result); it accepts exactly what to_json writes, with
 * absent or null optional members, and returns 0, or -1 with *r zeroed when
 * anything has the wrong type or value. */
struct json_object *wsc_result_to_json(const struct wsc_result *r);
int wsc_result_from_json(struct wsc_result *r, const struct json_object *j);

/* Formats a number for people: integers without decimals, others with three
 * ("1.234"), tiny ones in %g form. Always NUL-terminates buf. */
void wsc_format_number(char *buf, size_t size, double v);
/* Is unit one that counts things ("count", or none)? Such values are shown
 * as bare numbers: "lost: 0", not "lost: 0 count". */
int wsc_unit_is_count(const char *unit);
/* A metric's value for people: "1.234 ms", "3" for a count. Always
 * NUL-terminates buf. */
void wsc_format_metric(char *buf, size_t size, double value, const char *unit);
/* Formats epoch seconds as UTC "YYYY-MM-DDTHH:MM:SS" (the JUnit timestamp);
 * with `precise`, as "YYYY-MM-DDTHH:MM:SS.mmmZ". Times before 1970 or past
 * year 9999 are clamped. buf needs 25 bytes. */
void wsc_format_utc(char *buf, size_t size, double epoch, int precise);

#endif
