/* The quick checks' operations options from the check_websocket.py seed:
 * --generate-report, --generate-detailed-report, --continuous-monitoring,
 * --scheduled-check, --alert-on-failure, --email-on-failure, --log-results
 * and --store-results, --integrate-analytics, --test-configuration. They
 * reuse `wscheck report`, `wscheck monitor` and the alert channels. */
#ifndef WSC_QUICK_SEED_H
#define WSC_QUICK_SEED_H

#include <stdio.h>
#include <json-c/json.h>

#include "cli.h"

#define WSC_DETAILED_REPORT_FILE "wscheck-report.html"

struct wsc_quick_seed {
    int report;              /* --generate-report[=FILE] */
    const char *report_file; /* NULL: the console */
    int detailed;            /* --generate-detailed-report[=FILE] */
    const char *detailed_file;
    int continuous;          /* --continuous-monitoring */
    double interval;         /* --interval S; < 0: unset */
    unsigned long count;     /* --count N (continuous); 0: until stopped */
    int alert_on_failure;    /* --alert-on-failure */
    int scheduled;           /* --scheduled-check */
    const char *store;       /* --log-results / --store-results FILE */
    int email;               /* --email-on-failure[=ADDRESS] */
    const char *email_to;    /* the address given, else the configuration's */
    int integrate;           /* --integrate-analytics */
    const char *config_path; /* --config (or --test-configuration), or NULL */
    /* during the run */
    char *tmp_json;               /* the run's JSON report for the reports */
    struct json_object *failures; /* [{suite, test, message, time}] */
    size_t n_results;
};

/* Checks the options against each other (before anything runs). Returns -1
 * to go on, else an exit status. */
int wsc_seed_check(struct wsc_quick_seed *q);
/* Before a single run: --store-results and the JSON report the reports
 * read go into cfg. Returns -1 to go on, else an exit status. */
int wsc_seed_prepare(struct wsc_quick_seed *q, struct wsc_run_config *cfg);
/* Each finished suite: its failures are kept for the alerts and the mail. */
void wsc_seed_collect(struct wsc_quick_seed *q, const struct wsc_suite_result *s);
/* After a single run with status: the reports, the analytics, the alerts
 * and the mail. A report that cannot be written makes the status 3; an
 * alert or mail that cannot be sent is only reported. */
int wsc_seed_finish(struct wsc_quick_seed *q, const struct wsc_run_config *cfg,
                    FILE *console, int status);
void wsc_seed_free(struct wsc_quick_seed *q);

/* --continuous-monitoring: the scenarios (validated here; names[i] is
 * scenario i's file) run by `wscheck monitor`'s loop, which takes scs
 * over. Returns the exit status. */
int wsc_seed_monitor(struct wsc_quick_seed *q, const struct wsc_registry *reg,
                     struct wsc_scenario **scs, char **names, size_t n, int verbose,
                     int strict);

/* --test-configuration FILE: 1 a scenario file (it has "tests"), 0 a
 * configuration file (it has "mcp_server_endpoints"), else -1 (reported). */
int wsc_seed_file_kind(const char *path);

#endif
