/* Checks on what a run selects, judged on all its scenario files together
 * before anything runs: a run that would go green by mistake is an error. */
#ifndef WSC_SELECTION_H
#define WSC_SELECTION_H

#include <stddef.h>
#include <stdio.h>

#include "runner.h"
#include "scenario.h"

/* Reports on `out`, one line each, "wscheck: ..." when --tag/--filter
 * select no test of any file, and each --var (in cli_vars) that no test of
 * the files references, directly or through the file's vars (a test left
 * out by --tag still counts: it is validated, so it may need the --var).
 * Returns the number of problems, or -1 when out of memory. */
int wsc_selection_check(struct wsc_scenario *const *scs, size_t n,
                        const struct wsc_run_options *o, const struct wsc_vars *cli_vars,
                        FILE *out);

#endif
