/* Runs the tests of a scenario, each in a forked child. */
#ifndef WSC_RUNNER_H
#define WSC_RUNNER_H

#include <signal.h>
#include <sys/types.h>
#include "registry.h"
#include "report.h"
#include "result.h"
#include "scenario.h"
#include "vars.h"
#include "redact.h"

struct wsc_run_options {
    double timeout; /* > 0: overrides every test's timeout */
    int retries;    /* >= 0: overrides every test's retries */
    char **tags;    /* run only tests with one of these tags */
    size_t n_tags;
    char **filters; /* run only tests whose name matches a glob */
    size_t n_filters;
    int fail_fast; /* stop after the first failed or errored test */
    int no_fork;   /* run checks in-process (debugging only) */
    int skip_all;  /* report every test as skipped (fail-fast
                      stopped an earlier file) */
    /* Set (by a signal handler) when the run is interrupted: the running
     * test's process group is killed, it and the rest are skipped
     * "interrupted". NULL: never. */
    const volatile sig_atomic_t *interrupted;
    /* Set when --fail-fast stopped another file running in parallel: the
     * tests not started yet are skipped as after a failure. NULL: never. */
    const volatile sig_atomic_t *stop;
    int strict; /* a test with warnings fails */
    int verbose;
    const struct wsc_vars *cli_vars;
    /* What every scenario's redactor starts from: --secret-name names
     * (NULL: the default names). Results are redacted before on_result. */
    const struct wsc_redactor *redactor;
    const struct wsc_console *console; /* NULL: no console lines */
    /* Called with each finished result before it is printed or kept. */
    void (*on_result)(const struct wsc_test *t, struct wsc_result *r, void *arg);
    void *on_result_arg;
};

/* Makes the calling (just forked) process die with signal SIG when its
 * parent PARENT dies (PR_SET_PDEATHSIG on Linux); exits at once when the
 * parent is already gone. */
void wsc_die_with_parent(pid_t parent, int sig);

/* Runs one scenario; fills *out (which the caller clears). Returns 0, or -1
 * when the scenario's variables cannot be set up (reported through diag). */
int wsc_run_scenario(const struct wsc_scenario *sc, const struct wsc_registry *reg,
                     const struct wsc_run_options *o, struct wsc_suite_result *out,
                     struct wsc_diag *diag);

/* Is this test selected by --tag / --filter? */
int wsc_test_selected(const struct wsc_test *t, const struct wsc_run_options *o);

#endif
