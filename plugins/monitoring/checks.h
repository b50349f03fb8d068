/* The checks of the monitoring plugin and what they share. The WebSocket
 * feeds (metrics, historical, alerts, dashboard) follow crackerjack's
 * monitoring endpoints by default (every path, type and shape is a param)
 * and use libwscheck's stream engine; the Prometheus, Alertmanager and
 * dashboard file checks talk HTTP through <wscheck/http.h>. */
#ifndef WSC_MONITORING_CHECKS_H
#define WSC_MONITORING_CHECKS_H

#include <stddef.h>

#include <json-c/json.h>

#include <wscheck/plugin.h>
#include <wscheck/stream.h>
#include <wscheck/ws.h>

/* crackerjack's monitoring port, as the quick check uses it. */
#define MON_DEFAULT_BASE "ws://localhost:8677"

void mon_metrics_stream(struct wsc_ctx *ctx, struct json_object *params);
void mon_historical(struct wsc_ctx *ctx, struct json_object *params);
void mon_alert_delivery(struct wsc_ctx *ctx, struct json_object *params);
void mon_dashboard_feed(struct wsc_ctx *ctx, struct json_object *params);

/* ---- validate.c ------------------------------------------------------------ */

/* A feed's params: url or base, pointers that are JSON Pointers. */
void mon_validate_feed(struct wsc_validation *v, const struct json_object *params);
/* The same, plus the stream options (wsc_stream_validate()). */
void mon_validate_stream_feed(struct wsc_validation *v, const struct json_object *params);
/* The same, plus the trigger (exactly one kind) and the acknowledgement. */
void mon_validate_alert_delivery(struct wsc_validation *v,
                                 const struct json_object *params);

#endif
