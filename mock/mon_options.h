/* wscheck-mock: the monitoring profile's settings (--monitoring-*,
 * --series, --alert-threshold, --monitoring-fault). */
#ifndef WSCHECK_MOCK_MON_OPTIONS_H
#define WSCHECK_MOCK_MON_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define MOCK_MONITORING_PORT 8677
#define MON_MAX_RULES 16

/* Misbehaviours, for every socket (--monitoring-fault) or one socket
 * (?fault= on its path). */
enum mon_fault {
    MON_FAULT_STALL = 1 << 0,          /* nothing more after the first frames */
    MON_FAULT_DUPLICATE = 1 << 1,      /* one frame sent twice */
    MON_FAULT_OUT_OF_ORDER = 1 << 2,   /* a timestamp going back */
    MON_FAULT_MISSING_METRIC = 1 << 3, /* a UnifiedMetrics member dropped */
    MON_FAULT_ALERT_DROPPED = 1 << 4,  /* alerts accepted, never sent */
    MON_FAULT_PANEL_MISSING = 1 << 5,  /* a DashboardState member dropped */
};

struct mon_options {
    char *host;
    int port;
    double metrics_interval;     /* s of client silence before a metrics_update */
    double dashboard_interval;   /* s after the previous dashboard_update */
    int history_per_day;         /* historical records per day asked for */
    char *series[MON_MAX_RULES]; /* "NAME=EXPR" */
    size_t n_series;
    char *thresholds[MON_MAX_RULES]; /* "NAME<VALUE[:SEVERITY]" or ">" */
    size_t n_thresholds;
    unsigned faults; /* enum mon_fault, for every socket */
};

/* Defaults; -1 if out of memory. */
int mon_options_init(struct mon_options *o);
void mon_options_free(struct mon_options *o);

/* Sets the option name (canonical, "-" separated) if it is one of the
 * profile's: *known tells. Returns 0, or -1 for a bad value. */
int mon_options_set(struct mon_options *o, const char *name, const char *value,
                    bool *known);

/* A fault's flag by name ("stall", "out-of-order", ...), or 0. */
unsigned mon_fault_by_name(const char *name);

#endif
