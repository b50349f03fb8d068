/* Constant-memory log-linear latency histogram.
 *
 * Values (e.g. milliseconds) are counted in buckets whose width is a fixed
 * fraction of their magnitude, so percentiles keep a bounded relative error
 * (under 1%) whatever the number of samples, and memory never grows. */
#ifndef WSCHECK_HISTOGRAM_H
#define WSCHECK_HISTOGRAM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct wsc_histogram;

struct wsc_histogram *wsc_hist_new(void);
void wsc_hist_free(struct wsc_histogram *h);
/* Records one value; negative values count as 0. */
void wsc_hist_record(struct wsc_histogram *h, double value);
/* Adds every count of `from` into `into`. */
void wsc_hist_merge(struct wsc_histogram *into, const struct wsc_histogram *from);
uint64_t wsc_hist_count(const struct wsc_histogram *h);
double wsc_hist_min(const struct wsc_histogram *h);  /* exact; 0 when empty */
double wsc_hist_max(const struct wsc_histogram *h);  /* exact; 0 when empty */
double wsc_hist_mean(const struct wsc_histogram *h); /* exact; 0 when empty */
/* The value at percentile p (0..100), within the bucket precision, clamped
 * to [min, max]; 0 when empty. */
double wsc_hist_percentile(const struct wsc_histogram *h, double p);

#ifdef __cplusplus
}
#endif

#endif
