/* The monitor's metrics: every test's state, durations and check metrics in
 * the Prometheus text exposition format (0.0.4), served over HTTP by a
 * listener thread and written for node_exporter's textfile collector.
 * Label values come from the scenarios (suite and test names) and from the
 * metric names plugins declare, never from what servers send, and the
 * number of series is capped (wscheck_dropped_series_total counts the rest):
 * the cardinality of the exposition is bounded whatever the servers do. */
#ifndef WSC_MONITOR_METRICS_H
#define WSC_MONITOR_METRICS_H

#include <stddef.h>
#include <json-c/json.h>

struct monitor_metrics;
struct monitor_observation {
    const char *suite, *test; /* label values: from the scenario, never from servers */
    const char *status;       /* passed|failed|error|skipped */
    int up;                   /* monitor state: 1 up, 0 down (after N failures) */
    double duration_s;
    double finished;                   /* unix time, seconds */
    const struct json_object *metrics; /* object name -> number, may be NULL */
};
struct monitor_metrics *monitor_metrics_new(void);
void monitor_metrics_free(struct monitor_metrics *m);
/* thread-safe: the HTTP listener reads while the loop writes */
int monitor_metrics_observe(struct monitor_metrics *m,
                            const struct monitor_observation *o);
int monitor_metrics_round(struct monitor_metrics *m, double round_s, int overran);
/* after a reload: drop every series of tests not in keep (suite\ttest strings, n of them) */
void monitor_metrics_retain(struct monitor_metrics *m, const char *const *keep, size_t n);
/* Prometheus text exposition 0.0.4; caller frees */
char *monitor_metrics_render(struct monitor_metrics *m);
/* "127.0.0.1:9464", "[::1]:9464", ":9464": serves GET /metrics (and / with a
   link) from its own thread until monitor_metrics_free; *err on failure */
int monitor_metrics_listen(struct monitor_metrics *m, const char *addr, char **err);
/* node_exporter textfile collector: DIR/wscheck.prom written atomically
   (temp file + rename) */
int monitor_metrics_write_textfile(struct monitor_metrics *m, const char *dir,
                                   char **err);

/* The TCP port monitor_metrics_listen() bound (useful with port 0), or -1
 * when it is not listening. */
int monitor_metrics_port(struct monitor_metrics *m);

/* Caps on the series (wscheck_dropped_series_total counts what they refuse). */
#define MONITOR_METRICS_PER_TEST 64      /* check metrics of one test */
#define MONITOR_METRICS_MAX_SERIES 10000 /* every series of every test */

#endif
