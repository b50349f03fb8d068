/* wscheck-mock: its own counters, gauges and a latency histogram, served
 * as Prometheus text (exposition format 0.0.4) on GET /metrics of every
 * HTTP port, so the mock is itself a monitorable service.
 *
 * Names are wscheck_mock_*; label values are bounded: callers pass names
 * from fixed sets, and past METRICS_MAX_SERIES distinct label sets the
 * rest are counted under "other". The counters are process-wide, as the
 * server is. */
#ifndef WSCHECK_MOCK_METRICS_H
#define WSCHECK_MOCK_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "http_reply.h"

#define METRICS_MAX_SERIES 64
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct mock_server;

/* A message received (or sent) on an endpoint ("websocket", "monitoring",
 * ...), by its type (a protocol name, "unknown" or "invalid"). Both are
 * copied. */
void metrics_message_received(const char *endpoint, const char *type);
void metrics_message_sent(const char *endpoint, const char *type);

/* An MCP request handled: its method ("other" for unknown ones), the tool
 * for tools/call ("" otherwise, "unknown" for a tool that does not exist),
 * whether it was answered with an error, and how long answering (or
 * deferring) it took. */
void metrics_mcp_request(const char *method, const char *tool, bool error,
                         int64_t duration_us);

/* A connection opened on an endpoint the server's own counters do not
 * cover (the monitoring sockets): counted in connections_total. */
void metrics_connection_opened(const char *endpoint);

/* An alert raised by the monitoring profile, by severity; and one alert
 * frame written to a subscriber. */
void metrics_alert_raised(const char *severity);
void metrics_alert_delivered(void);

/* Currently open connections per endpoint, asked for at scrape time from
 * the parts that own them. */
typedef uint64_t (*metrics_gauge_fn)(const struct mock_server *srv);
void metrics_register_gauge(const char *endpoint, metrics_gauge_fn fn);

/* Sums for the monitoring profile's counter series. */
uint64_t metrics_connections_now(const struct mock_server *srv);
uint64_t metrics_connections_total(const struct mock_server *srv);
uint64_t metrics_messages_received(void);
uint64_t metrics_mcp_requests(void);

/* The exposition text (malloc'ed, *len bytes), or NULL if out of memory. */
char *metrics_render(const struct mock_server *srv, size_t *len);

/* GET /metrics on any port: prepares the reply in r and starts it.
 * Returns 0, or -1 (close the connection). */
int metrics_http_reply(const struct mock_server *srv, struct lws *wsi,
                       struct http_reply *r);

/* Whether uri (len bytes, no query) is /metrics. */
bool metrics_path(const char *uri, int len);

#endif
