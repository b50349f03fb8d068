/* Constant-memory log-linear latency histogram.
 *
 * Values (e.g. milliseconds) are counted in buckets whose width is a fixed
 * fraction of their magnitude, so percentiles keep a bounded relative error
 * (under 1%) whatever the number of samples, and memory never grows.
 *
 * The buckets cover [WSC_HIST_LOWEST, WSC_HIST_HIGHEST): in milliseconds,
 * from under 1 microsecond to over 2 hours. Smaller values (zero included)
 * share the first bucket and larger ones the last; percentiles falling there
 * are reported as the exact min or max. Min, max and mean are always exact. */
#ifndef WSCHECK_HISTOGRAM_H
#define WSCHECK_HISTOGRAM_H

#include <stdint.h>

#include <wscheck/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bounds of the precise range (2^-11 and 2^23). */
#define WSC_HIST_LOWEST 0.00048828125
#define WSC_HIST_HIGHEST 8388608.0
/* Worst relative error of a percentile inside the precise range. */
#define WSC_HIST_MAX_ERROR 0.0078125

struct wsc_histogram;

/* NULL when out of memory. */
WSC_EXPORT struct wsc_histogram *wsc_hist_new(void);
WSC_EXPORT void wsc_hist_free(struct wsc_histogram *h);
/* Forgets every value. */
WSC_EXPORT void wsc_hist_reset(struct wsc_histogram *h);
/* Records one value; negative values count as 0; NaN and infinities are
 * ignored. */
WSC_EXPORT void wsc_hist_record(struct wsc_histogram *h, double value);
/* Adds every count of `from` into `into`. */
WSC_EXPORT void wsc_hist_merge(struct wsc_histogram *into,
                               const struct wsc_histogram *from);
WSC_EXPORT uint64_t wsc_hist_count(const struct wsc_histogram *h);
WSC_EXPORT double wsc_hist_min(const struct wsc_histogram *h);  /* exact; 0 when empty */
WSC_EXPORT double wsc_hist_max(const struct wsc_histogram *h);  /* exact; 0 when empty */
WSC_EXPORT double wsc_hist_mean(const struct wsc_histogram *h); /* exact; 0 when empty */
/* The value at percentile p (0..100): the smallest recorded value such that
 * at least p% of the values are less or equal, within the bucket precision,
 * clamped to [min, max]. p <= 0 (or NaN) gives min, p >= 100 gives max; 0
 * when empty. */
WSC_EXPORT double wsc_hist_percentile(const struct wsc_histogram *h, double p);

#ifdef __cplusplus
}
#endif

#endif
