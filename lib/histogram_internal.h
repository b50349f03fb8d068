/* The inside of a histogram, shared by histogram.c and its JSON form
 * (histogram_json.c). */
#ifndef WSC_HISTOGRAM_INTERNAL_H
#define WSC_HISTOGRAM_INTERNAL_H

#include <stdint.h>

#include <json-c/json.h>

#include <wscheck/histogram.h>

#define SUB_BUCKETS 64
/* frexp() exponents of the first and last binades: [2^-11, 2^23). */
#define EXP_MIN (-10)
#define EXP_MAX 23
#define BINADES (EXP_MAX - EXP_MIN + 1)
/* Bucket 0 holds values under WSC_HIST_LOWEST, the last one values from
 * WSC_HIST_HIGHEST up; the binades lie between. */
#define UNDERFLOW 0
#define OVERFLOW (1 + BINADES * SUB_BUCKETS)
#define BUCKETS (OVERFLOW + 1)

struct wsc_histogram {
    uint64_t count;
    double min, max;
    /* Neumaier-compensated sum, so the mean stays exact to the last digits
     * over billions of samples. */
    double sum, sum_error;
    uint64_t counts[BUCKETS];
};

/* The bucket layout, as the JSON form names it: histograms merge exactly
 * only when their layouts are the same. */
#define WSC_HIST_LAYOUT "log-linear 64/2^-11..2^23"

/* The JSON form: {"layout", "count", "min", "max", "sum", "buckets":
 * [[index, count], ...]} with only the buckets that counted something.
 * NULL when out of memory. */
struct json_object *wsc_hist_to_json(const struct wsc_histogram *h);
/* Reads the JSON form into h (reset first). Returns 0, or -1 with *why
 * (static text) when it is not one or has another layout. */
int wsc_hist_from_json(struct wsc_histogram *h, const struct json_object *j,
                       const char **why);

/* A verification aid (wscheck load --raw-samples): when set, every value
 * recorded by any histogram is also handed to fn, so that a run's exact
 * percentiles can be computed from its raw samples and compared with the
 * histogram's. Not for normal runs: NULL (the default) turns it off.
 * Process-wide; set it before recording starts. */
typedef void (*wsc_hist_tap_fn)(const struct wsc_histogram *h, double value, void *arg);
void wsc_hist_set_tap(wsc_hist_tap_fn fn, void *arg);

#endif
