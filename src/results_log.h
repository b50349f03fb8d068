/* The results log: JSON lines, one per test per round (`wscheck monitor
 * --log-results`) or per test per run (`wscheck run --store-results`),
 * appended, for `wscheck report` to read. */
#ifndef WSC_RESULTS_LOG_H
#define WSC_RESULTS_LOG_H

#include <stddef.h>
#include "result.h"
#include "scenario.h"

struct wsc_results_log;

/* Opens (creating it 0644 when missing) PATH for appending. NULL with
 * *err (malloc'ed, naming the path) on failure. */
struct wsc_results_log *wsc_results_log_open(const char *path, char **err);
/* Closes and opens the path again (after logrotate moved the file away).
 * On failure the old file stays open and *err says why; returns -1. */
int wsc_results_log_reopen(struct wsc_results_log *l, char **err);
/* Syncs and closes. NULL is fine. */
void wsc_results_log_close(struct wsc_results_log *l);

/* One line per test of s. source is "monitor" or "run"; round > 0 adds a
 * "round" member. servers[i] is the "server" of the test at index i of
 * the scenario (n of them; NULL entries and indexes past n: no member).
 * Every string comes from the (redacted) results or servers. Returns 0,
 * or -1 with *err (malloc'ed). */
int wsc_results_log_suite(struct wsc_results_log *l, const char *source,
                          unsigned long round, const struct wsc_suite_result *s,
                          char *const *servers, size_t n, char **err);
/* fsync: what was written so far survives a crash. 0 or -1 with *err. */
int wsc_results_log_sync(struct wsc_results_log *l, char **err);

/* The line of one result (used by wsc_results_log_suite(); a new object,
 * NULL when out of memory). */
struct json_object *wsc_results_log_line(const char *source, unsigned long round,
                                         const struct wsc_suite_result *s,
                                         const struct wsc_result *r, const char *server);

/* The "metrics" member: a new object, metric name -> number (the last
 * value of a name recorded twice); NULL when out of memory. */
struct json_object *wsc_results_log_metrics(const struct wsc_result *r);

/* "host:port" of each test of sc (n = sc->n_tests entries): from its "url"
 * param (userinfo and path left out, the scheme's port when none is
 * given) or its "host" and "port" params, with the file's and the command
 * line's variables expanded and the scenario's secrets redacted. An entry
 * is NULL when the test has no such param or it names a variable only
 * known at run time. NULL when out of memory. */
char **wsc_scenario_servers(const struct wsc_scenario *sc,
                            const struct wsc_vars *cli_vars,
                            const struct wsc_redactor *base);
void wsc_servers_free(char **servers, size_t n);

#endif
