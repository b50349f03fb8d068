/* --include-performance-tests: after the quick checks, a short load stage
 * (wscheck load's engine) on every endpoint test that passed and can run
 * under load; each becomes a test "performance: NAME" of the same run and
 * reports, with the load metrics and thresholds. */
#ifndef WSC_QUICK_PERF_H
#define WSC_QUICK_PERF_H

#include <stdio.h>

#include "cli.h"

#define WSC_QUICK_PERF_CONNECTIONS 10
#define WSC_QUICK_PERF_DURATION 5.0

struct wsc_quick_perf {
    int enabled;          /* --include-performance-tests */
    unsigned connections; /* --performance-connections: VUs per test */
    double duration;      /* --performance-duration, s */
    /* set before the run */
    const struct wsc_scenario *scenario; /* the quick checks' own tests */
    const struct wsc_registry *reg;
    const struct wsc_run_config *cfg;
};

/* The hook wsc_execute() calls after the tests ran (cfg->after_run): adds
 * the suite "performance" to rr. 0, or -1 (printed) when the stage could
 * not run at all. */
int wsc_quick_perf_after_run(struct wsc_run_result *rr, void *arg);

#endif
