/* Unit tests of the latency histogram: the relative error bound over the
 * whole range and on known distributions, percentiles, merge, and the edge
 * cases (empty, negative, NaN, out of range). */
#include "tap.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <wscheck/histogram.h>

/* The promise made to users; the design bound (WSC_HIST_MAX_ERROR) is tighter. */
#define PROMISED_ERROR 0.01

/* ---- Helpers ----------------------------------------------------------------- */

/* A CUnit assertion at this file's LINE whose failure text shows what went
 * wrong. */
#define report(passed, line, ...) wsc_tap_assert((passed), __FILE__, (line), __VA_ARGS__)

static double relative_error(double estimate, double exact)
{
    if (exact == 0)
        return fabs(estimate);
    return fabs(estimate - exact) / fabs(exact);
}

#define NEAR(estimate, exact, bound)                                             \
    do {                                                                         \
        double e_ = (estimate), x_ = (exact);                                    \
        report(relative_error(e_, x_) < (bound), __LINE__,                       \
               "%s = %.9g, want %.9g within %g (error %.3g)", #estimate, e_, x_, \
               (double)(bound), relative_error(e_, x_));                         \
    } while (0)

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double uniform01(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The exact percentile by the histogram's definition: the value of rank
 * ceil(p% of n) in sorted order. */
static double exact_percentile(const double *sorted, size_t n, double p)
{
    if (p <= 0)
        return sorted[0];
    double r = ceil(p * (double)n / 100.0 - 1e-9);
    size_t rank = r < 1 ? 1 : (size_t)r;
    return sorted[(rank > n ? n : rank) - 1];
}

static const double checked_percentiles[] = {
    0, 0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100,
};

/* Records n values drawn by `draw` and compares every checked percentile
 * with the exact one. */
static void check_distribution(const char *name, double (*draw)(void), size_t n)
{
    struct wsc_histogram *h = wsc_hist_new();
    double *values = malloc(n * sizeof *values);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(values);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        values[i] = draw();
        sum += values[i];
        wsc_hist_record(h, values[i]);
    }
    qsort(values, n, sizeof *values, compare_doubles);
    CU_ASSERT_EQUAL(wsc_hist_count(h), n);
    CU_ASSERT_EQUAL(wsc_hist_min(h), values[0]);
    CU_ASSERT_EQUAL(wsc_hist_max(h), values[n - 1]);
    NEAR(wsc_hist_mean(h), sum / (double)n, 1e-9);
    double worst = 0;
    for (size_t i = 0; i < sizeof checked_percentiles / sizeof checked_percentiles[0];
         i++) {
        double p = checked_percentiles[i];
        double exact = exact_percentile(values, n, p),
               estimate = wsc_hist_percentile(h, p);
        double err = relative_error(estimate, exact);
        report(err < PROMISED_ERROR && err <= WSC_HIST_MAX_ERROR, __LINE__,
               "%s: p%g = %.9g, exact %.9g (error %.3g)", name, p, estimate, exact, err);
        if (err > worst)
            worst = err;
    }
    printf("# %s: worst relative error %.4f%% over %zu samples\n", name, worst * 100, n);
    free(values);
    wsc_hist_free(h);
}

/* Milliseconds spread evenly in log scale from 1 microsecond to 1 hour. */
static double draw_log_uniform(void)
{
    return 0.001 * pow(3.6e9, uniform01());
}

/* Exponential latencies with a 20 ms mean. */
static double draw_exponential(void)
{
    return -20.0 * log(1.0 - uniform01());
}

/* Two modes: most requests ~2 ms, a tail near 800 ms. */
static double draw_bimodal(void)
{
    return uniform01() < 0.9 ? 1.5 + uniform01() : 700 + 200 * uniform01();
}

/* ---- Tests ------------------------------------------------------------------- */

static void test_empty(void)
{
    struct wsc_histogram *h = wsc_hist_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(wsc_hist_count(h), 0);
    CU_ASSERT_EQUAL(wsc_hist_min(h), 0);
    CU_ASSERT_EQUAL(wsc_hist_max(h), 0);
    CU_ASSERT_EQUAL(wsc_hist_mean(h), 0);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 0), 0);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 50), 0);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 100), 0);
    wsc_hist_free(h);
    /* NULL is an empty histogram, never a crash. */
    CU_ASSERT_EQUAL(wsc_hist_count(NULL), 0);
    CU_ASSERT_EQUAL(wsc_hist_min(NULL), 0);
    CU_ASSERT_EQUAL(wsc_hist_max(NULL), 0);
    CU_ASSERT_EQUAL(wsc_hist_mean(NULL), 0);
    CU_ASSERT_EQUAL(wsc_hist_percentile(NULL, 50), 0);
    wsc_hist_record(NULL, 1);
    wsc_hist_merge(NULL, NULL);
    wsc_hist_reset(NULL);
    wsc_hist_free(NULL);
}

static void test_single_value(void)
{
    struct wsc_histogram *h = wsc_hist_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    wsc_hist_record(h, 42.42);
    CU_ASSERT_EQUAL(wsc_hist_count(h), 1);
    CU_ASSERT_EQUAL(wsc_hist_min(h), 42.42);
    CU_ASSERT_EQUAL(wsc_hist_max(h), 42.42);
    CU_ASSERT_EQUAL(wsc_hist_mean(h), 42.42);
    /* the bucket midpoint is clamped to [min, max]: exact */
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 0), 42.42);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 50), 42.42);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 100), 42.42);
    wsc_hist_reset(h);
    CU_ASSERT_EQUAL(wsc_hist_count(h), 0);
    CU_ASSERT_EQUAL(wsc_hist_max(h), 0);
    wsc_hist_free(h);
}

static void test_uniform_percentiles(void)
{
    struct wsc_histogram *h = wsc_hist_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    for (int i = 100; i >= 1; i--) /* order does not matter */
        wsc_hist_record(h, i);
    CU_ASSERT_EQUAL(wsc_hist_count(h), 100);
    CU_ASSERT_EQUAL(wsc_hist_min(h), 1);
    CU_ASSERT_EQUAL(wsc_hist_max(h), 100);
    CU_ASSERT_EQUAL(wsc_hist_mean(h), 50.5);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 0), 1);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 100), 100);
    NEAR(wsc_hist_percentile(h, 50), 50, PROMISED_ERROR);
    NEAR(wsc_hist_percentile(h, 1), 1, PROMISED_ERROR);
    NEAR(wsc_hist_percentile(h, 25), 25, PROMISED_ERROR);
    NEAR(wsc_hist_percentile(h, 75), 75, PROMISED_ERROR);
    NEAR(wsc_hist_percentile(h, 90), 90, PROMISED_ERROR);
    NEAR(wsc_hist_percentile(h, 99), 99, PROMISED_ERROR);
    NEAR(wsc_hist_percentile(h, 99.5), 100, PROMISED_ERROR);
    NEAR(wsc_hist_percentile(h, 50.5), 51, PROMISED_ERROR);
    /* percentiles never decrease with p and stay within [min, max] */
    double previous = 0;
    for (double p = 0; p <= 100; p += 0.25) {
        double v = wsc_hist_percentile(h, p);
        report(v >= previous && v >= 1 && v <= 100, __LINE__, "p%g = %g after %g", p, v,
               previous);
        previous = v;
    }
    /* p out of range is clamped; NaN counts as 0 */
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, -5), 1);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 250), 100);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, NAN), 1);
    wsc_hist_free(h);
}

/* Every value of the promised range, alone between a smaller and a bigger
 * one (so clamping cannot help), is reported within the error bound. */
static void test_error_bound_over_range(void)
{
    struct wsc_histogram *h = wsc_hist_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    double worst = 0, worst_at = 0;
    size_t steps = 0;
    for (double v = 0.001; v <= 3.6e6; v *= 1.0007, steps++) {
        wsc_hist_reset(h);
        wsc_hist_record(h, 0);
        wsc_hist_record(h, v);
        wsc_hist_record(h, 1e12);
        double err = relative_error(wsc_hist_percentile(h, 50), v);
        if (err > worst) {
            worst = err;
            worst_at = v;
        }
    }
    report(worst < PROMISED_ERROR && worst <= WSC_HIST_MAX_ERROR, __LINE__,
           "worst relative error %.4g at %.9g", worst, worst_at);
    report(steps > 30000, __LINE__, "%zu values tried", steps);
    printf("# range sweep: worst relative error %.4f%% over %zu values\n", worst * 100,
           steps);
    /* The bounds of the range themselves. */
    const double edges[] = {0.001, 3.6e6, WSC_HIST_LOWEST, WSC_HIST_HIGHEST * 0.9999999};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        wsc_hist_reset(h);
        wsc_hist_record(h, 0);
        wsc_hist_record(h, edges[i]);
        wsc_hist_record(h, 1e12);
        NEAR(wsc_hist_percentile(h, 50), edges[i], PROMISED_ERROR);
    }
    wsc_hist_free(h);
}

static void test_distributions(void)
{
    check_distribution("log-uniform 1us..1h", draw_log_uniform, 200000);
    check_distribution("exponential mean 20ms", draw_exponential, 200000);
    check_distribution("bimodal 2ms/800ms", draw_bimodal, 100000);
}

static void test_merge(void)
{
    struct wsc_histogram *a = wsc_hist_new(), *b = wsc_hist_new(), *all = wsc_hist_new();
    struct wsc_histogram *empty = wsc_hist_new();
    CU_ASSERT_FATAL(a && b && all && empty);
    for (int i = 1; i <= 1000; i++) {
        double v = 0.37 * i * i;
        wsc_hist_record(i % 3 ? a : b, v);
        wsc_hist_record(all, v);
    }
    wsc_hist_merge(a, b);
    CU_ASSERT_EQUAL(wsc_hist_count(a), 1000);
    CU_ASSERT_EQUAL(wsc_hist_min(a), wsc_hist_min(all));
    CU_ASSERT_EQUAL(wsc_hist_max(a), wsc_hist_max(all));
    NEAR(wsc_hist_mean(a), wsc_hist_mean(all), 1e-12);
    for (double p = 0; p <= 100; p += 0.5)
        report(wsc_hist_percentile(a, p) == wsc_hist_percentile(all, p), __LINE__,
               "merged p%g = %.9g, recorded together %.9g", p, wsc_hist_percentile(a, p),
               wsc_hist_percentile(all, p));

    /* Merging an empty histogram changes nothing. */
    wsc_hist_merge(a, empty);
    wsc_hist_merge(a, NULL);
    CU_ASSERT_EQUAL(wsc_hist_count(a), 1000);
    CU_ASSERT_EQUAL(wsc_hist_min(a), wsc_hist_min(all));

    /* Merging into an empty one copies, min and max included. */
    wsc_hist_merge(empty, b);
    CU_ASSERT_EQUAL(wsc_hist_count(empty), wsc_hist_count(b));
    CU_ASSERT_EQUAL(wsc_hist_min(empty), wsc_hist_min(b));
    CU_ASSERT_EQUAL(wsc_hist_max(empty), wsc_hist_max(b));
    CU_ASSERT_EQUAL(wsc_hist_mean(empty), wsc_hist_mean(b));
    CU_ASSERT_EQUAL(wsc_hist_percentile(empty, 50), wsc_hist_percentile(b, 50));

    /* Into itself: every count doubles, the distribution stays. */
    wsc_hist_merge(all, all);
    CU_ASSERT_EQUAL(wsc_hist_count(all), 2000);
    CU_ASSERT_EQUAL(wsc_hist_percentile(all, 50), wsc_hist_percentile(a, 50));
    NEAR(wsc_hist_mean(all), wsc_hist_mean(a), 1e-12);

    /* Merging a histogram of lower values lowers the min. */
    wsc_hist_reset(b);
    wsc_hist_record(b, 0.01);
    wsc_hist_merge(a, b);
    CU_ASSERT_EQUAL(wsc_hist_min(a), 0.01);
    CU_ASSERT_EQUAL(wsc_hist_max(a), wsc_hist_max(all));
    wsc_hist_free(a);
    wsc_hist_free(b);
    wsc_hist_free(all);
    wsc_hist_free(empty);
}

static void test_negative_values(void)
{
    struct wsc_histogram *h = wsc_hist_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    wsc_hist_record(h, -5);
    CU_ASSERT_EQUAL(wsc_hist_count(h), 1);
    CU_ASSERT_EQUAL(wsc_hist_min(h), 0);
    CU_ASSERT_EQUAL(wsc_hist_max(h), 0);
    CU_ASSERT_EQUAL(wsc_hist_mean(h), 0);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 50), 0);
    wsc_hist_record(h, 10);
    wsc_hist_record(h, -1e300);
    CU_ASSERT_EQUAL(wsc_hist_count(h), 3);
    CU_ASSERT_EQUAL(wsc_hist_min(h), 0);
    CU_ASSERT_EQUAL(wsc_hist_max(h), 10);
    NEAR(wsc_hist_mean(h), 10.0 / 3, 1e-15);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 50), 0);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 100), 10);
    wsc_hist_free(h);
}

static void test_non_finite_ignored(void)
{
    struct wsc_histogram *h = wsc_hist_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    wsc_hist_record(h, NAN);
    CU_ASSERT_EQUAL(wsc_hist_count(h), 0);
    CU_ASSERT_EQUAL(wsc_hist_max(h), 0);
    wsc_hist_record(h, 3);
    wsc_hist_record(h, NAN);
    wsc_hist_record(h, -NAN);
    wsc_hist_record(h, INFINITY);
    wsc_hist_record(h, -INFINITY);
    wsc_hist_record(h, 7);
    CU_ASSERT_EQUAL(wsc_hist_count(h), 2);
    CU_ASSERT_EQUAL(wsc_hist_min(h), 3);
    CU_ASSERT_EQUAL(wsc_hist_max(h), 7);
    CU_ASSERT_EQUAL(wsc_hist_mean(h), 5);
    CU_ASSERT(!isnan(wsc_hist_percentile(h, 50)));
    NEAR(wsc_hist_percentile(h, 50), 3, PROMISED_ERROR);
    wsc_hist_free(h);
}

static void test_out_of_range(void)
{
    struct wsc_histogram *h = wsc_hist_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    /* Below the first bucket: reported as the exact min, with an absolute
     * error under WSC_HIST_LOWEST. */
    wsc_hist_record(h, 1e-9);
    wsc_hist_record(h, 1e-6);
    wsc_hist_record(h, 0);
    wsc_hist_record(h, 5);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 25), 0);
    CU_ASSERT(wsc_hist_percentile(h, 75) < WSC_HIST_LOWEST);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 100), 5);
    NEAR(wsc_hist_mean(h), (1e-9 + 1e-6 + 5) / 4, 1e-15);
    /* Above the last: reported as the exact max. */
    wsc_hist_reset(h);
    wsc_hist_record(h, 1);
    wsc_hist_record(h, 1e9);
    wsc_hist_record(h, 2e9);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 50), 2e9);
    CU_ASSERT(wsc_hist_percentile(h, 50) >= WSC_HIST_HIGHEST);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 100), 2e9);
    NEAR(wsc_hist_percentile(h, 10), 1, PROMISED_ERROR);
    CU_ASSERT_EQUAL(wsc_hist_max(h), 2e9);
    wsc_hist_record(h, 1e300);
    CU_ASSERT_EQUAL(wsc_hist_max(h), 1e300);
    CU_ASSERT_EQUAL(wsc_hist_percentile(h, 100), 1e300);
    wsc_hist_free(h);
}

static void test_exact_mean(void)
{
    struct wsc_histogram *h = wsc_hist_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    /* Naive summation of a million 0.1 drifts by ~1e-11; the compensated
     * sum does not. */
    for (int i = 0; i < 1000000; i++)
        wsc_hist_record(h, 0.1);
    CU_ASSERT_EQUAL(wsc_hist_count(h), 1000000);
    NEAR(wsc_hist_mean(h), 0.1, 1e-15);
    CU_ASSERT(wsc_hist_mean(h) >= wsc_hist_min(h) && wsc_hist_mean(h) <= wsc_hist_max(h));
    /* Mixed magnitudes: the small values are not lost next to a big one. */
    wsc_hist_reset(h);
    wsc_hist_record(h, 1e16);
    for (int i = 0; i < 1000; i++)
        wsc_hist_record(h, 1);
    NEAR(wsc_hist_mean(h), (1e16 + 1000) / 1001, 1e-15);
    wsc_hist_free(h);
}

static CU_TestInfo histogram_tests[] = {
    {"empty histogram and NULL", test_empty},
    {"single value is exact", test_single_value},
    {"percentiles of 1..100", test_uniform_percentiles},
    {"error bound over 1us..1h", test_error_bound_over_range},
    {"known distributions", test_distributions},
    {"merge", test_merge},
    {"negative values count as 0", test_negative_values},
    {"NaN and infinities are ignored", test_non_finite_ignored},
    {"values outside the buckets", test_out_of_range},
    {"mean is exact", test_exact_mean},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"histogram", NULL, NULL, NULL, NULL, histogram_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
