/* The tests of the quick check --test-monitoring. */
#ifndef WSC_QUICK_MONITORING_H
#define WSC_QUICK_MONITORING_H

#include <json-c/json.h>

struct wsc_quick_monitoring {
    const char *host;          /* of the monitoring server */
    long port;                 /* its WebSocket (and trigger) port, 8677 */
    double timeout;            /* --timeout: each test's at least */
    double metrics_interval;   /* seconds between metrics updates, 30 */
    double dashboard_interval; /* seconds between dashboard refreshes, 11 */
    int streaming;             /* --verify-metrics-streaming */
    int alerts;                /* --test-alert-delivery */
    int dashboards;            /* --validate-dashboard-feeds */
};

/* Appends the tests to `tests` (a scenario's "tests" array). 0, or -1
 * when out of memory. */
int wsc_quick_monitoring(struct json_object *tests, const struct wsc_quick_monitoring *q);

#endif
