/* wscheck-mock: the values of the monitoring profile's UnifiedMetrics -
 * synthetic series (constant, ramp, sine, seeded random walk) or the
 * mock's own counters - and the thresholds that raise alerts on them. */
#ifndef WSCHECK_MOCK_MON_SERIES_H
#define WSCHECK_MOCK_MON_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mock_server;

/* The numeric members of UnifiedMetrics. */
enum mon_metric {
    MON_QUALITY_SCORE,
    MON_TEST_COVERAGE,
    MON_HOOK_DURATION,
    MON_ACTIVE_JOBS,
    MON_ERROR_COUNT,
    MON_N_METRICS
};

enum mon_series_kind {
    SERIES_CONST,
    SERIES_RAMP,
    SERIES_SINE,
    SERIES_WALK,
    SERIES_COUNTER
};

enum mon_counter {
    COUNTER_CONNECTIONS,       /* WebSocket connections open now, all ports */
    COUNTER_CONNECTIONS_TOTAL, /* accepted since the start */
    COUNTER_MESSAGES,          /* messages received */
    COUNTER_ERRORS,
    COUNTER_MCP_CALLS /* MCP requests handled */
};

struct mon_series {
    enum mon_series_kind kind;
    double p[4]; /* the expression's numbers */
    int n_p;
    enum mon_counter counter;
    /* a walk: its value after `steps` whole seconds */
    uint64_t rng;
    int64_t steps;
    double value;
};

struct mon_threshold {
    enum mon_metric metric;
    bool above; /* ">": fires above value; "<": below */
    double value;
    const char *severity; /* "info", "warning" or "critical" */
    bool firing;          /* crossed: not raised again until back */
};

/* A member's name ("quality_score", ...) and back; -1 if unknown. */
const char *mon_metric_name(enum mon_metric m);
int mon_metric_by_name(const char *name, size_t len);
/* Whether the member is an int in UnifiedMetrics. */
bool mon_metric_is_int(enum mon_metric m);

/* The default series of a member. */
void mon_series_default(enum mon_metric m, struct mon_series *s);

/* Parses "NAME=EXPR" into *m and *s. Returns 0 or -1. */
int mon_series_parse(const char *text, enum mon_metric *m, struct mon_series *s);
int mon_series_check(const char *text);

/* The value at t seconds since the start, negative for history (clamped
 * to what the member can hold: scores and coverage within 0-100, the
 * others not negative). */
double mon_series_value(struct mon_series *s, enum mon_metric m,
                        const struct mock_server *srv, double t);

/* Parses "NAME<VALUE[:SEVERITY]" or "NAME>VALUE[:SEVERITY]". */
int mon_threshold_parse(const char *text, struct mon_threshold *th);
int mon_threshold_check(const char *text);

#endif
