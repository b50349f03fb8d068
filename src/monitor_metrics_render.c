/* The monitor's metrics in the Prometheus text exposition format 0.0.4:
 * HELP and TYPE for every family (even one without series yet, so that a
 * scrape always names them), label values escaped as the format wants. */
#include "monitor_metrics_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

/* A label value: backslash, double quote and newline escaped; bytes that
 * are not UTF-8 replaced (the format is UTF-8). */
static void put_label(struct wsc_buf *b, const char *name, const char *value, int first)
{
    char *safe = wsc_utf8_safe(value);
    wsc_buf_printf(b, "%s%s=\"", first ? "" : ",", name);
    for (const char *p = safe ? safe : ""; *p; p++) {
        if (*p == '\\' || *p == '"')
            wsc_buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            wsc_buf_puts(b, "\\n");
        else
            wsc_buf_append(b, p, 1);
    }
    wsc_buf_puts(b, "\"");
    free(safe);
}

/* A sample value: the shortest form that reads back as the same double. */
static void put_value(struct wsc_buf *b, double v)
{
    char text[40];
    if (isnan(v)) {
        wsc_buf_puts(b, " NaN\n");
        return;
    }
    if (isinf(v)) {
        wsc_buf_puts(b, v > 0 ? " +Inf\n" : " -Inf\n");
        return;
    }
    snprintf(text, sizeof(text), "%.15g", v);
    if (strtod(text, NULL) != v)
        snprintf(text, sizeof(text), "%.17g", v);
    wsc_buf_printf(b, " %s\n", text);
}

static void head(struct wsc_buf *b, const char *name, const char *type, const char *help)
{
    wsc_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The label set of a series: the test's suite and test (when t), and one
 * more label (when extra); nothing at all for a series without labels. */
static void put_labels(struct wsc_buf *b, const struct mm_test *t, const char *extra,
                       const char *extra_value)
{
    if (!t && !extra)
        return;
    wsc_buf_puts(b, "{");
    if (t) {
        put_label(b, "suite", t->suite, 1);
        put_label(b, "test", t->test, 0);
    }
    if (extra)
        put_label(b, extra, extra_value, !t);
    wsc_buf_puts(b, "}");
}

static void put_histogram(struct wsc_buf *b, const char *name, const struct mm_test *t,
                          const struct mm_histogram *h, const double *bounds, size_t n)
{
    uint64_t cum = 0;
    char le[32];
    for (size_t i = 0; i <= n; i++) {
        cum += h->counts[i];
        snprintf(le, sizeof(le), "%g", i < n ? bounds[i] : INFINITY);
        wsc_buf_printf(b, "%s_bucket", name);
        put_labels(b, t, "le", i < n ? le : "+Inf");
        wsc_buf_printf(b, " %llu\n", (unsigned long long)cum);
    }
    wsc_buf_printf(b, "%s_sum", name);
    put_labels(b, t, NULL, NULL);
    put_value(b, h->sum);
    wsc_buf_printf(b, "%s_count", name);
    put_labels(b, t, NULL, NULL);
    wsc_buf_printf(b, " %llu\n", (unsigned long long)h->count);
}

static void put_counter(struct wsc_buf *b, const char *name, const struct mm_test *t,
                        uint64_t v)
{
    wsc_buf_puts(b, name);
    put_labels(b, t, NULL, NULL);
    wsc_buf_printf(b, " %llu\n", (unsigned long long)v);
}

static void test_state(struct wsc_buf *b, const struct monitor_metrics *m)
{
    head(b, "wscheck_test_up", "gauge",
         "Monitor state of the test: 1 up, 0 down (after the configured failures).");
    for (size_t i = 0; i < m->n_tests; i++)
        put_counter(b, "wscheck_test_up", &m->tests[i], (uint64_t)m->tests[i].up);
    head(b, "wscheck_test_status", "gauge",
         "Outcome of the test's last run: 1 for its status, 0 for the others.");
    for (size_t i = 0; i < m->n_tests; i++)
        for (int k = 0; k < MM_N_STATUS; k++) {
            wsc_buf_puts(b, "wscheck_test_status");
            put_labels(b, &m->tests[i], "status", mm_status_names[k]);
            wsc_buf_printf(b, " %d\n", m->tests[i].status == k);
        }
    head(b, "wscheck_test_last_success_timestamp_seconds", "gauge",
         "When the test last passed, in seconds since the Unix epoch "
         "(no series before its first pass).");
    for (size_t i = 0; i < m->n_tests; i++)
        if (m->tests[i].last_success > 0) {
            wsc_buf_puts(b, "wscheck_test_last_success_timestamp_seconds");
            put_labels(b, &m->tests[i], NULL, NULL);
            put_value(b, m->tests[i].last_success);
        }
}

static void test_counts(struct wsc_buf *b, const struct monitor_metrics *m)
{
    head(b, "wscheck_test_duration_seconds", "histogram",
         "Duration of the test's runs (every attempt), skipped runs left out.");
    for (size_t i = 0; i < m->n_tests; i++)
        put_histogram(b, "wscheck_test_duration_seconds", &m->tests[i],
                      &m->tests[i].duration, mm_test_buckets, MM_TEST_BUCKETS);
    head(b, "wscheck_test_runs_total", "counter",
         "Runs of the test, whatever their outcome.");
    for (size_t i = 0; i < m->n_tests; i++)
        put_counter(b, "wscheck_test_runs_total", &m->tests[i], m->tests[i].runs);
    head(b, "wscheck_test_failures_total", "counter",
         "Runs of the test that failed or errored.");
    for (size_t i = 0; i < m->n_tests; i++)
        put_counter(b, "wscheck_test_failures_total", &m->tests[i], m->tests[i].failures);
}

static void check_metrics(struct wsc_buf *b, const struct monitor_metrics *m)
{
    head(b, "wscheck_check_metric", "gauge",
         "Last value of each metric the test's check recorded, named by the plugin.");
    for (size_t i = 0; i < m->n_tests; i++)
        for (size_t k = 0; k < m->tests[i].n_metrics; k++) {
            wsc_buf_puts(b, "wscheck_check_metric");
            put_labels(b, &m->tests[i], "metric", m->tests[i].metrics[k].name);
            put_value(b, m->tests[i].metrics[k].value);
        }
    head(b, "wscheck_dropped_series_total", "counter",
         "Series refused by the caps (64 check metrics per test, 10000 series in all).");
    put_counter(b, "wscheck_dropped_series_total", NULL, m->dropped);
}

static void rounds(struct wsc_buf *b, const struct monitor_metrics *m)
{
    head(b, "wscheck_rounds_total", "counter", "Rounds of the monitor finished.");
    put_counter(b, "wscheck_rounds_total", NULL, m->rounds);
    head(b, "wscheck_round_duration_seconds", "histogram",
         "Duration of the monitor's rounds (every scenario once).");
    put_histogram(b, "wscheck_round_duration_seconds", NULL, &m->round_duration,
                  mm_round_buckets, MM_ROUND_BUCKETS);
    head(b, "wscheck_round_overruns_total", "counter",
         "Rounds that took longer than the interval and delayed the next.");
    put_counter(b, "wscheck_round_overruns_total", NULL, m->overruns);
}

char *mm_render_locked(const struct monitor_metrics *m)
{
    struct wsc_buf b = {0};
    test_state(&b, m);
    test_counts(&b, m);
    check_metrics(&b, m);
    rounds(&b, m);
    if (b.failed) {
        wsc_buf_free(&b);
        return NULL;
    }
    return wsc_buf_take(&b);
}
