/* Building sample run results and reading back written reports, for the
 * report writers' tests (JUnit XML, JSON). Every helper asserts (fatally)
 * that memory and files could be had. */
#ifndef WSC_TEST_SAMPLE_RESULTS_H
#define WSC_TEST_SAMPLE_RESULTS_H

#include "report.h"

/* strdup that asserts; NULL stays NULL. */
char *wsc_sample_strdup(const char *s);

/* Appends a suite NAME from FILE to run: host "ci-runner-1", started at
 * 1700000000.5, lasting 1.25 s. */
struct wsc_suite_result *wsc_sample_suite(struct wsc_run_result *run, const char *name,
                                          const char *file);

/* Appends a test NAME of PLUGIN/CHECK to s with STATUS and MESSAGE (may be
 * NULL): started at 1700000000.5, lasting 12 ms, one attempt (none when
 * skipped). */
struct wsc_result *wsc_sample_result(struct wsc_suite_result *s, const char *name,
                                     const char *plugin, const char *check,
                                     enum wsc_status status, const char *message);

/* "DIR/NAME", malloc'ed. */
char *wsc_sample_path(const char *dir, const char *name);

/* The whole content of a file, malloc'ed and NUL-terminated. */
char *wsc_sample_read(const char *path);

/* How many names in dir start with prefix. */
int wsc_sample_count_entries(const char *dir, const char *prefix);

#endif
