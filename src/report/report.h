/* Reports: console lines, JUnit XML, JSON. */
#ifndef WSC_REPORT_H
#define WSC_REPORT_H

#include <stdio.h>
#include "result.h"
#include "atomic_write.h" /* wsc_report_write_file(), which both use */
#include "progress.h"

struct wsc_console {
    FILE *out;
    int color;                     /* ANSI colours (wsc_console_open() decides) */
    int quiet;                     /* only failures and the summary */
    int verbose;                   /* also notes, metrics; 2: frames as they go (-vv) */
    enum wsc_when color_mode;      /* --color */
    enum wsc_when progress_mode;   /* --progress */
    struct wsc_progress *progress; /* from wsc_console_open(); may be NULL */
};

/* Once the console stream is known: decides colours (--color; with auto,
 * NO_COLOR set and not empty disables them, else FORCE_COLOR enables them
 * unless it is empty, "0" or "false", else only on a terminal) and starts
 * the live part (--progress). wsc_console_close() clears and frees it. */
void wsc_console_open(struct wsc_console *c);
void wsc_console_close(struct wsc_console *c);

/* One line per test: status, suite and test name, duration, and on failure
 * the message; a test that passed after failed attempts says "flaky: N
 * failed attempts", with why each failed under it. */
void wsc_console_test(const struct wsc_console *c, const struct wsc_suite_result *s,
                      const struct wsc_result *r);
/* "N passed, N failed, N errors, N skipped in T s"; "N passed (M flaky)"
 * when tests passed only after retries. */
void wsc_console_summary(const struct wsc_console *c, const struct wsc_run_result *r);

/* Both write to PATH.tmp.XXXXXX and rename; never leave a half-written file.
 * Return 0, or -1 with *err (malloc'ed) naming the path and the reason. */
int wsc_junit_write(const char *path, const struct wsc_run_result *r, char **err);
/* How JUnit shows the attempts of a retried test: in the suite's
 * <system-err> only (valid on the Ant and Jenkins schemas), or there and as
 * Surefire's flakyFailure/rerunFailure elements (Jenkins' schema only). */
enum wsc_junit_flaky { WSC_JUNIT_FLAKY_PORTABLE, WSC_JUNIT_FLAKY_SUREFIRE };
struct wsc_junit_options {
    enum wsc_junit_flaky flaky;
};
/* wsc_junit_write() with options (NULL: the defaults). */
int wsc_junit_write_with(const char *path, const struct wsc_run_result *r,
                         const struct wsc_junit_options *o, char **err);
int wsc_json_report_write(const char *path, const struct wsc_run_result *r, char **err);
/* Writes doc as pretty JSON and a newline to path (wsc_report_write_file():
 * atomically, or "-" for standard output); doc NULL (out of memory) fails
 * as a write would. 0, or -1 with *err. */
int wsc_report_write_json(const char *path, const struct json_object *doc, char **err);
/* TAP version 13 (prove, Test::Harness): one test point per test case. */
int wsc_tap_write(const char *path, const struct wsc_run_result *r, char **err);

/* The JSON report's top-level "histograms": for each name a check gave to
 * wsc_metric_histogram(), the histograms of every test added up (JSON form
 * plus "unit", "tests", "mean", "p50", "p90", "p95", "p99"). NULL when out
 * of memory. */
struct json_object *wsc_report_histograms(const struct wsc_run_result *r);
/* Are the histograms of t in the JSON form with this wscheck's layout?
 * Returns 0, or -1 with *name and *why (static text) saying which is not. */
int wsc_result_histograms_valid(const struct wsc_result *t, const char **name,
                                const char **why);

/* The version of the JSON report's layout ("report_version"): `wscheck
 * merge` reads only reports of this version. */
#define WSC_JSON_REPORT_VERSION 1
/* Reads a JSON report written by wsc_json_report_write() into *r (which
 * the caller clears). Returns 0, or -1 with *err (malloc'ed) saying what is
 * wrong, without the path. */
int wsc_json_report_read(const char *path, struct wsc_run_result *r, char **err);

/* Makes text safe for XML 1.0: invalid UTF-8 bytes (and U+FFFE, U+FFFF)
 * become U+FFFD, control characters other than tab/newline/CR become "\xNN"
 * text (C1 controls "\u00NN"). Malloc'ed; NULL input gives "". */
char *wsc_xml_safe(const char *s);
/* Only repairs the encoding (invalid UTF-8 -> U+FFFD): for JSON, which
 * escapes control characters itself. Malloc'ed; NULL input gives "". */
char *wsc_utf8_safe(const char *s);
/* As wsc_xml_safe(), and CR becomes "\r" too: for the terminal, where it
 * would overwrite the line. Malloc'ed; NULL input gives "". */
char *wsc_term_safe(const char *s);

#endif
