/* wscheck load --raw-samples FILE (load.h): a verification aid that writes
 * every value the run's histograms record, one line each, so that the exact
 * percentiles of a run can be computed and compared with those the report
 * gives from its buckets (bench/load-p99.py). Off in normal runs: a sample
 * then costs one test of a NULL pointer in wsc_hist_record().
 *
 * A line is "TEST<TAB>HISTOGRAM<TAB>VALUE": the test's index in the
 * report's "tests" (not its name, so no scenario text bypasses the
 * redaction of reports), the histogram's name as the report has it, and
 * the value in its unit with every digit a double holds. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "histogram_internal.h"
#include "load.h"

struct raw_samples {
    FILE *f;
    const struct wsc_load_stats *stats;
};

static struct raw_samples raw;

/* The test and name of histogram h: a walk of every histogram of the run,
 * acceptable for a verification run, never on in a measured one. */
static void tap(const struct wsc_histogram *h, double value, void *arg)
{
    const struct raw_samples *r = arg;
    for (size_t i = 0; i < r->stats->n_tests; i++) {
        const struct wsc_load_test *t = &r->stats->tests[i];
        for (size_t k = 0; k < t->n_hists; k++)
            if (t->hists[k].h == h) {
                fprintf(r->f, "%zu\t%s\t%.17g\n", i, t->hists[k].name, value);
                return;
            }
    }
}

int wsc_load_raw_samples_open(const char *path, const struct wsc_load_stats *stats,
                              char **err)
{
    raw.f = fopen(path, "w");
    if (!raw.f) {
        if (asprintf(err, "--raw-samples %s: %s", path, strerror(errno)) < 0)
            *err = NULL;
        return -1;
    }
    raw.stats = stats;
    wsc_hist_set_tap(tap, &raw);
    return 0;
}

int wsc_load_raw_samples_close(const char *path, char **err)
{
    if (!raw.f)
        return 0;
    wsc_hist_set_tap(NULL, NULL);
    int failed = ferror(raw.f);
    if (fclose(raw.f) != 0)
        failed = 1;
    raw.f = NULL;
    raw.stats = NULL;
    if (!failed)
        return 0;
    if (asprintf(err, "--raw-samples %s: cannot write the samples: %s", path,
                 strerror(errno ? errno : EIO)) < 0)
        *err = NULL;
    return -1;
}
