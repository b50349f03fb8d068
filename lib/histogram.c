/* A log-linear histogram in the manner of HdrHistogram.
 *
 * frexp() splits a value into m * 2^e with m in [0.5, 1). Each power of two
 * ("binade") [2^(e-1), 2^e) is cut into SUB_BUCKETS linear buckets, so a
 * bucket is at most 1/SUB_BUCKETS of its lower bound wide, and reporting its
 * midpoint is off by at most 1/(2 * SUB_BUCKETS) = 0.78%. Finding the bucket
 * costs one frexp(), no log(); memory is one fixed array of counts. */
#include <wscheck/histogram.h>

#include "histogram_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static wsc_hist_tap_fn tap;
static void *tap_arg;

void wsc_hist_set_tap(wsc_hist_tap_fn fn, void *arg)
{
    tap = fn;
    tap_arg = arg;
}

struct wsc_histogram *wsc_hist_new(void)
{
    struct wsc_histogram *h = malloc(sizeof *h);
    if (h)
        wsc_hist_reset(h);
    return h;
}

void wsc_hist_free(struct wsc_histogram *h)
{
    free(h);
}

void wsc_hist_reset(struct wsc_histogram *h)
{
    if (h)
        memset(h, 0, sizeof *h);
}

static size_t bucket_of(double value)
{
    if (value < WSC_HIST_LOWEST)
        return UNDERFLOW;
    if (value >= WSC_HIST_HIGHEST)
        return OVERFLOW;
    int e;
    double m = frexp(value, &e);
    size_t sub = (size_t)((m - 0.5) * (2 * SUB_BUCKETS));
    if (sub >= SUB_BUCKETS) /* cannot happen with m < 1; kept for safety */
        sub = SUB_BUCKETS - 1;
    return 1 + (size_t)(e - EXP_MIN) * SUB_BUCKETS + sub;
}

/* The value reported for a bucket: its midpoint; the exact extremes for the
 * open-ended first and last buckets (the caller clamps to [min, max]). */
static double bucket_value(const struct wsc_histogram *h, size_t bucket)
{
    if (bucket == UNDERFLOW)
        return h->min;
    if (bucket == OVERFLOW)
        return h->max;
    size_t i = bucket - 1;
    int e = EXP_MIN + (int)(i / SUB_BUCKETS);
    double sub = (double)(i % SUB_BUCKETS);
    return ldexp(0.5 + (sub + 0.5) / (2 * SUB_BUCKETS), e);
}

static void add_to_sum(struct wsc_histogram *h, double value)
{
    double t = h->sum + value;
    if (fabs(h->sum) >= fabs(value))
        h->sum_error += (h->sum - t) + value;
    else
        h->sum_error += (value - t) + h->sum;
    h->sum = t;
}

void wsc_hist_record(struct wsc_histogram *h, double value)
{
    if (!h || !isfinite(value))
        return;
    if (value < 0)
        value = 0;
    if (h->count == 0 || value < h->min)
        h->min = value;
    if (h->count == 0 || value > h->max)
        h->max = value;
    h->count++;
    h->counts[bucket_of(value)]++;
    add_to_sum(h, value);
    if (tap)
        tap(h, value, tap_arg);
}

void wsc_hist_merge(struct wsc_histogram *into, const struct wsc_histogram *from)
{
    if (!into || !from || from->count == 0)
        return;
    /* Read `from` first: merging a histogram into itself doubles it. */
    double min = from->min, max = from->max, sum = from->sum, sum_error = from->sum_error;
    if (into->count == 0 || min < into->min)
        into->min = min;
    if (into->count == 0 || max > into->max)
        into->max = max;
    into->count += from->count;
    for (size_t i = 0; i < BUCKETS; i++)
        into->counts[i] += from->counts[i];
    add_to_sum(into, sum);
    into->sum_error += sum_error;
}

uint64_t wsc_hist_count(const struct wsc_histogram *h)
{
    return h ? h->count : 0;
}

double wsc_hist_min(const struct wsc_histogram *h)
{
    return h && h->count ? h->min : 0;
}

double wsc_hist_max(const struct wsc_histogram *h)
{
    return h && h->count ? h->max : 0;
}

double wsc_hist_mean(const struct wsc_histogram *h)
{
    if (!h || h->count == 0)
        return 0;
    double mean = (h->sum + h->sum_error) / (double)h->count;
    /* Rounding must not put the mean outside the values it averages. */
    return mean < h->min ? h->min : mean > h->max ? h->max : mean;
}

double wsc_hist_percentile(const struct wsc_histogram *h, double p)
{
    if (!h || h->count == 0)
        return 0;
    if (!(p > 0))
        return h->min;
    if (p >= 100)
        return h->max;
    /* The rank of the wanted value, 1-based: at least p% of the values are
     * at or below it. The tiny discount keeps 99.9% of 1000 at rank 999
     * despite the rounding of 99.9. */
    double exact = p * (double)h->count / 100.0;
    uint64_t rank = (uint64_t)ceil(exact * (1 - 1e-12));
    if (rank < 1)
        rank = 1;
    if (rank > h->count)
        rank = h->count;
    uint64_t seen = 0;
    size_t bucket = 0;
    for (; bucket < BUCKETS - 1; bucket++) {
        seen += h->counts[bucket];
        if (seen >= rank)
            break;
    }
    double v = bucket_value(h, bucket);
    return v < h->min ? h->min : v > h->max ? h->max : v;
}
