/* The monitoring plugin: a monitoring stack's WebSocket feeds (live
 * metrics, historical metrics, alerts, dashboards; crackerjack's shapes by
 * default, every path and shape configurable) and, through HTTP, the
 * Prometheus and Alertmanager behind them and Grafana dashboard files. */
#include <wscheck/expect.h>
#include <wscheck/stream.h>
#include <wscheck/ws.h>

#include "checks.h"
#include "prom.h"

/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define MON_SCHEMA(PROPS) "{\"type\":\"object\",\"properties\":{" PROPS "}}"

/* Where a feed is: url, or base + path. */
#define FEED(PATH)                                                             \
    WSC_WS_OPTION_PROPS ","                                                    \
    "\"base\":{\"type\":\"string\",\"default\":\"" MON_DEFAULT_BASE "\","      \
    "\"description\":\"The server's ws:// or wss:// base URL (url, when "      \
    "given, is used instead of base and path)\"},"                             \
    "\"path\":{\"type\":\"string\",\"default\":\"" PATH "\","                  \
    "\"description\":\"The feed's path under base\"},"                         \
    "\"type_pointer\":{\"type\":\"string\",\"default\":\"/type\","             \
    "\"description\":\"JSON Pointer of a message's type\"},"

#define TYPE(NAME, DEFAULT, DESCRIPTION)                                       \
    "\"" NAME "\":{\"type\":\"string\",\"default\":\"" DEFAULT "\","           \
    "\"description\":\"" DESCRIPTION "\"},"

/* crackerjack sends metrics_update to every metrics subscriber: the
 * historical and dashboard sockets too. */
#define BROADCAST                                                              \
    TYPE("broadcast_type", "metrics_update", "Type of the metrics broadcasts " \
         "every metrics subscriber gets; skipped (empty: none)")

#define PERIOD(DEFAULT, WHAT)                                                  \
    "\"interval\":{\"type\":\"number\",\"minimum\":0.01,\"default\":"    \
    DEFAULT ",\"description\":\"Seconds expected between two " WHAT "\"},"     \
    "\"tolerance\":{\"type\":\"number\",\"minimum\":0,\"description\":"        \
    "\"Seconds an interval may differ from interval (default: half of it)\"},"

#define METRICS_LIST(WHERE)                                                    \
    "\"metrics\":{\"type\":\"array\",\"items\":{\"type\":\"string\","          \
    "\"minLength\":1},\"default\":[\"quality_score\",\"test_coverage\","       \
    "\"hook_duration\",\"active_jobs\",\"error_count\"],\"description\":"     \
    "\"Members of " WHERE " that must be present and numeric\"},"            \
    "\"bounds\":{\"type\":\"object\",\"additionalProperties\":{\"type\":"      \
    "\"array\",\"items\":{\"type\":\"number\"},\"minItems\":2,\"maxItems\":2},"\
    "\"description\":\"Metric name -> [min, max] its value must lie in\"},"

static const char metrics_stream_schema[] = MON_SCHEMA(
    FEED("/ws/metrics/live")
    WSC_STREAM_OPTION_PROPS ","
    TYPE("initial_type", "initial_metrics", "Type of the first message (the snapshot)")
    TYPE("update_type", "metrics_update", "Type of the updates")
    TYPE("data_pointer", "/data", "JSON Pointer of the metrics in a message")
    TYPE("timestamp_pointer", "/timestamp", "JSON Pointer of a message's "
         "timestamp (never going back); empty: none")
    PERIOD("30", "updates")
    "\"updates\":{\"type\":\"integer\",\"minimum\":0,\"default\":2,"
    "\"description\":\"Periodic updates to wait for after the snapshot\"},"
    METRICS_LIST("the metrics")
    "\"request\":{\"default\":{\"type\":\"request_update\"},\"description\":"
    "\"Sent after the snapshot; the next update must answer it within "
    "request_within (null: no request)\"},"
    "\"request_within\":{\"type\":\"number\",\"minimum\":0,\"default\":5,"
    "\"description\":\"Seconds the answer to request may take\"},"
    WSC_EXPECT_PARAM("What the stream must show",
        WSC_EXPECT_OUTPUT("first", "The snapshot") ","
        WSC_EXPECT_OUTPUT("last", "The last update") ","
        WSC_EXPECT_OUTPUT("updates", "Updates received (the answer included)")));

static const char historical_schema[] = MON_SCHEMA(
    FEED("/ws/metrics/historical/{days}")
    "\"days\":{\"type\":\"integer\",\"minimum\":0,\"default\":7,"
    "\"description\":\"Replaces {days} in path\"},"
    BROADCAST
    TYPE("chunk_type", "historical_chunk", "Type of a chunk")
    TYPE("complete_type", "historical_complete", "Type of the completion message")
    TYPE("data_pointer", "/data", "JSON Pointer of a chunk's records (an array)")
    TYPE("index_pointer", "/chunk_index", "JSON Pointer of a chunk's index (0, 1, ...)")
    TYPE("total_pointer", "/total_chunks", "JSON Pointer of a chunk's chunk count")
    TYPE("records_pointer", "/total_records", "JSON Pointer of the completion's "
         "record count")
    "\"max_chunk_size\":{\"type\":\"integer\",\"minimum\":1,\"default\":100,"
    "\"description\":\"Most records in one chunk\"},"
    "\"min_records\":{\"type\":\"integer\",\"minimum\":0,\"default\":0,"
    "\"description\":\"Fewest records in the whole stream\"},"
    "\"record_order\":{\"type\":\"string\",\"description\":\"JSON Pointer in a "
    "record of a value that never goes back across the stream, e.g. "
    "/timestamp\"},"
    "\"metrics\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
    "\"minLength\":1},\"default\":[],\"description\":"
    "\"Members every record must have as numbers\"},"
    "\"max_gap\":{\"type\":\"number\",\"minimum\":0,\"default\":5,"
    "\"description\":\"Longest silence allowed before the completion, seconds\"},"
    "\"invalid_days\":{\"type\":[\"integer\",\"string\",\"null\"],\"default\":366,"
    "\"description\":\"A {days} the server must refuse with 403 (null: not "
    "tried)\"},"
    WSC_EXPECT_PARAM("What the stream must show",
        WSC_EXPECT_OUTPUT("chunks", "Chunks received") ","
        WSC_EXPECT_OUTPUT("total_records", "Records in all the chunks") ","
        WSC_EXPECT_OUTPUT("complete", "The completion message")));

static const char alert_delivery_schema[] = MON_SCHEMA(
    FEED("/ws/alerts/subscribe")
    "\"subscribe\":{\"description\":\"Sent first: a string as text, anything "
    "else as JSON text (default: nothing)\"},"
    TYPE("initial_type", "active_alerts", "Type of the first message (empty: no "
         "first message is awaited)")
    TYPE("alert_type", "alert", "Type of an alert message")
    "\"trigger\":{\"type\":\"object\",\"description\":\"What raises the alert: "
    "{url, method, body, headers} (an HTTP request), {mcp, tool, arguments} (an "
    "MCP tool call) or {command} (run by /bin/sh)\"},"
    "\"alert\":{\"x-wsc-expect\":true,\"description\":\"Expectation of the "
    "awaited alert message, e.g. {\\\"data\\\": {\\\"metric_name\\\": "
    "\\\"error_count\\\"}} (default: any alert)\"},"
    "\"fields\":{\"type\":\"object\",\"additionalProperties\":{\"type\":"
    "[\"string\",\"array\"]},\"description\":\"JSON Pointer -> the JSON type "
    "(or types) the alert message must have there (default: QualityAlert's)\"},"
    "\"within\":{\"type\":\"number\",\"minimum\":0,\"default\":3,"
    "\"description\":\"Seconds from the trigger to the alert\"},"
    "\"linger\":{\"type\":\"number\",\"minimum\":0,\"default\":1,"
    "\"description\":\"Seconds to keep listening for the same alert again "
    "(a duplicate fails)\"},"
    "\"ack\":{\"type\":\"object\",\"properties\":{\"send\":{},\"expect\":"
    "{\"x-wsc-expect\":true},\"within\":{\"type\":\"number\",\"minimum\":0}},"
    "\"required\":[\"send\"],\"additionalProperties\":false,\"description\":"
    "\"An acknowledgement round trip: send (strings \\\"$alert/POINTER\\\" "
    "are replaced by the alert's value there), then a message matching "
    "expect within seconds (default 2)\"},"
    WSC_EXPECT_PARAM("What the channel must show",
        WSC_EXPECT_OUTPUT("first", "The first message") ","
        WSC_EXPECT_OUTPUT("alert", "The alert message") ","
        WSC_EXPECT_OUTPUT("ack", "The answer to the acknowledgement") ","
        WSC_EXPECT_OUTPUT("trigger", "What the trigger answered: {status, "
                          "body} (HTTP), {result} (MCP), {exit_status, "
                          "output} (command)")));

static const char dashboard_feed_schema[] = MON_SCHEMA(
    FEED("/ws/dashboard/overview")
    WSC_STREAM_OPTION_PROPS ","
    TYPE("update_type", "dashboard_update", "Type of a dashboard message")
    BROADCAST
    TYPE("panels_pointer", "/data", "JSON Pointer of the object whose members "
         "are the panels")
    TYPE("timestamp_pointer", "/timestamp", "JSON Pointer of a message's "
         "timestamp (never going back); empty: none")
    "\"panels\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
    "\"minLength\":1},\"default\":[\"current_metrics\",\"historical_data\","
    "\"active_alerts\",\"system_health\",\"recommendations\",\"last_updated\"],"
    "\"description\":\"Panels every dashboard message must carry\"},"
    "\"fields\":{\"type\":\"object\",\"additionalProperties\":{\"type\":"
    "[\"string\",\"array\"]},\"description\":\"JSON Pointer -> the JSON type "
    "(or types) every dashboard message must have there (default: "
    "DashboardState's)\"},"
    PERIOD("11", "refreshes")
    "\"refreshes\":{\"type\":\"integer\",\"minimum\":0,\"default\":1,"
    "\"description\":\"Refreshes to wait for after the first message\"},"
    WSC_EXPECT_PARAM("What the feed must show",
        WSC_EXPECT_OUTPUT("first", "The first dashboard message") ","
        WSC_EXPECT_OUTPUT("last", "The last one") ","
        WSC_EXPECT_OUTPUT("panels", "The panels of the first one") ","
        WSC_EXPECT_OUTPUT("refreshes", "Refreshes received")));
/* clang-format on */

static const struct wsc_metric_decl metrics_stream_metrics[] = {
    WSC_STREAM_METRIC_DECLS,
    {"interval_p50_ms", "ms", "Median time between two updates"},
    {"interval_p99_ms", "ms", "99th percentile of the time between two updates"},
    {"request_ms", "ms", "request to its answer"},
    {"updates", "count", "Updates received (the answer included)"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl historical_metrics[] = {
    WSC_STREAM_METRIC_DECLS,
    {"chunks", "count", "Chunks received"},
    {"records", "count", "Records in all the chunks"},
    {"complete_ms", "ms", "Connection to the completion message"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl alert_metrics[] = {
    WSC_STREAM_METRIC_DECLS,
    {"delivery_ms", "ms", "Trigger to the alert message"},
    {"ack_ms", "ms", "Acknowledgement to its answer"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl dashboard_metrics[] = {
    WSC_STREAM_METRIC_DECLS,
    {"interval_p50_ms", "ms", "Median time between two refreshes"},
    {"interval_p99_ms", "ms", "99th percentile of the time between two refreshes"},
    {"first_ms", "ms", "Connection to the first dashboard message"},
    {"refreshes", "count", "Refreshes received"},
    {NULL, NULL, NULL},
};

static const struct wsc_check checks[] = {
    {.name = "metrics_stream",
     .summary = "live metrics: snapshot, updates on time, metrics present and "
                "bounded, no duplicates, request_update answered",
     .params_schema = metrics_stream_schema,
     .run = mon_metrics_stream,
     .validate = mon_validate_stream_feed,
     .metrics = metrics_stream_metrics},
    {.name = "historical",
     .summary = "historical metrics: every chunk, in order, then a completion "
                "with the right total",
     .params_schema = historical_schema,
     .run = mon_historical,
     .validate = mon_validate_feed,
     .metrics = historical_metrics},
    {.name = "alert_delivery",
     .summary = "subscribe to alerts, trigger one, and expect it once within a time",
     .params_schema = alert_delivery_schema,
     .run = mon_alert_delivery,
     .validate = mon_validate_alert_delivery,
     .metrics = alert_metrics},
    {.name = "dashboard_feed",
     .summary = "dashboard feed: required panels and field types, refreshes "
                "keep the shape",
     .params_schema = dashboard_feed_schema,
     .run = mon_dashboard_feed,
     .validate = mon_validate_stream_feed,
     .metrics = dashboard_metrics},
    PROM_CHECK_ROWS,
    {.name = NULL},
};

WSC_PLUGIN("monitoring", "1.0.0",
           "monitoring stacks: metrics, alert and dashboard feeds, Prometheus, "
           "Alertmanager, Grafana dashboards",
           checks);
