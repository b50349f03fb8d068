/* wscheck-mock: the monitoring profile - crackerjack's monitoring
 * WebSockets (live and historical metrics, alerts, dashboard) on their
 * own port (8677), with metrics from synthetic series and the mock's own
 * counters, alerts raised by POST /alerts/trigger, the MCP tool
 * trigger_alert or a threshold, and faults for tests to catch. */
#ifndef WSCHECK_MOCK_MON_H
#define WSCHECK_MOCK_MON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <libwebsockets.h>

#include "mon_series.h"
#include "mon_options.h"

/* Alerts kept for active_alerts and the dashboard. */
#define MON_MAX_ACTIVE_ALERTS 100
/* UnifiedMetrics kept for the dashboard's historical_data. */
#define MON_HISTORY 10

struct mock_server;
struct mon_sock;

struct mon_state {
    struct mock_server *srv;
    struct mon_series series[MON_N_METRICS];
    struct mon_threshold thresholds[MON_MAX_RULES];
    size_t n_thresholds;
    json_object *active_alerts; /* array of QualityAlert, oldest first */
    json_object *history;       /* array of UnifiedMetrics, oldest first */
    double last_quality;        /* for trend_direction */
    bool has_last;
    struct mon_sock *socks;
    size_t n_socks;
    uint64_t opened;
    lws_sorted_usec_list_t tick; /* thresholds */
};

/* From the options; -1 (logged) on failure. */
int mon_init(struct mock_server *srv);
/* Starts the threshold timer, once srv->ctx exists. */
void mon_start(struct mock_server *srv);
/* Server exit: sockets close with 1001; mon_live() counts those open. */
void mon_shutdown(struct mock_server *srv);
size_t mon_live(const struct mock_server *srv);
/* Before the context goes (timers), and after it went. */
void mon_free(struct mock_server *srv);
void mon_free_final(struct mock_server *srv);

/* Seconds since the server started, for the series. */
double mon_elapsed(const struct mon_state *mon);

/* A UnifiedMetrics object for now (new reference). */
json_object *mon_metrics_now(struct mon_state *mon);

/* Builds a QualityAlert from a request's members (severity, message,
 * metric_name, current_value, threshold_value, git_hash; all optional).
 * Returns it, or NULL with the reason in err. */
json_object *mon_alert_from(json_object *req, char *err, size_t errlen);

/* Raises alert (taken): kept as active and sent to every subscriber
 * unless drop. Returns how many subscribers it was sent to. */
size_t mon_alert_raise(struct mon_state *mon, json_object *alert, bool drop);

extern const size_t mon_pss_size;

int mon_port_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                      void *in, size_t len);

#endif
