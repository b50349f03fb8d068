/* What the monitor's metrics module keeps between observations, shared by
 * its store (monitor_metrics.c), its rendering and its HTTP listener. */
#ifndef WSC_MONITOR_METRICS_INTERNAL_H
#define WSC_MONITOR_METRICS_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "monitor_metrics.h"

/* Upper bounds of the duration buckets, in seconds: from a loopback
 * handshake (5 ms) to a check near a long timeout (a minute). */
#define MM_TEST_BUCKETS 13
extern const double mm_test_buckets[MM_TEST_BUCKETS];
/* Rounds run a whole suite: from a tenth of a second to five minutes. */
#define MM_ROUND_BUCKETS 11
extern const double mm_round_buckets[MM_ROUND_BUCKETS];

enum { MM_PASSED, MM_FAILED, MM_ERROR, MM_SKIPPED, MM_N_STATUS };
extern const char *const mm_status_names[MM_N_STATUS];

/* A histogram as Prometheus shows it; counts per bucket, not cumulative
 * (summed when rendered); the last count is above every bound. */
struct mm_histogram {
    uint64_t counts[MM_TEST_BUCKETS + 1];
    uint64_t count;
    double sum;
};

struct mm_gauge {
    char *name;
    double value;
};

struct mm_test {
    char *suite, *test;
    int up;
    int status; /* MM_PASSED ... */
    struct mm_histogram duration;
    double last_success; /* 0: never passed */
    uint64_t failures, runs;
    struct mm_gauge *metrics;
    size_t n_metrics;
};

/* Series one test always has: up, four status ones, the histogram's
 * buckets (+Inf too), sum and count, last success, failures and runs. */
#define MM_SERIES_PER_TEST (1 + MM_N_STATUS + MM_TEST_BUCKETS + 3 + 3)

struct monitor_metrics {
    pthread_mutex_t lock;
    struct mm_test *tests;
    size_t n_tests, cap_tests;
    size_t series; /* series of every test, fixed and check metrics */
    uint64_t dropped;
    uint64_t rounds, overruns;
    struct mm_histogram round_duration;
    struct mm_listener *listener; /* NULL: not listening */
};

/* The exposition, with m->lock held by the caller. NULL when out of memory. */
char *mm_render_locked(const struct monitor_metrics *m);
/* Stops the listener thread and frees it. */
void mm_listener_stop(struct mm_listener *l);
int mm_listener_port(const struct mm_listener *l);

#endif
