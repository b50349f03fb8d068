/* The ping-pong plugin's table: checks and their params schemas. */
#include "ping_pong.h"

/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define COUNT_PARAM                                                             \
    "\"count\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 1000000,"  \
    " \"default\": 5, \"description\": \"Round trips to measure\"}"

#define INTERVAL_PARAM                                                          \
    "\"interval\": {\"type\": \"number\", \"minimum\": 0, \"default\": 0,"      \
    " \"description\": \"Seconds to wait between round trips\"}"

#define WITHIN_PARAM(WHAT)                                                      \
    "\"within\": {\"type\": \"number\", \"minimum\": 0.001, \"default\": 2,"   \
    " \"description\": \"Seconds allowed for each " WHAT " before it counts as"  \
    " lost\"}"

static const char control_schema[] =
    "{\"type\": \"object\", \"required\": [\"url\"], \"properties\": {"
    WSC_WS_OPTION_PROPS ", "
    COUNT_PARAM ", "
    "\"payload\": {\"type\": \"string\", \"maxLength\": 110, \"default\": \"wscheck\","
    " \"description\": \"Ping payload; each ping carries it followed by -N, its"
    " sequence number, so that a late pong is never taken for a newer one\"}, "
    INTERVAL_PARAM ", "
    WITHIN_PARAM("pong")
    "}}";

static const char app_schema[] =
    "{\"type\": \"object\", \"required\": [\"url\"], \"properties\": {"
    WSC_WS_OPTION_PROPS ", "
    "\"request\": {\"type\": [\"object\", \"array\", \"string\"],"
    " \"default\": {\"type\": \"ping\"},"
    " \"description\": \"Message sent for each round trip: a JSON value is sent"
    " as its text, a string as it is\"}, "
    "\"reply\": {\"x-wsc-expect\": true, \"default\": {\"type\": \"pong\"},"
    " \"description\": \"Matcher that tells the reply (a text that is not JSON"
    " is matched as a string); other messages, such as a welcome, are"
    " skipped\"}, "
    COUNT_PARAM ", "
    INTERVAL_PARAM ", "
    WITHIN_PARAM("reply")
    "}}";

static const char keepalive_schema[] =
    "{\"type\": \"object\", \"required\": [\"url\"], \"properties\": {"
    WSC_WS_OPTION_PROPS ", "
    "\"duration\": {\"type\": \"number\", \"minimum\": 0, \"default\": 5,"
    " \"description\": \"Seconds to stay connected without sending data,"
    " answering the server's pings\"}, "
    "\"server_ping_within\": {\"type\": \"number\", \"minimum\": 0.001,"
    " \"description\": \"The server must ping at least this often (seconds,"
    " counted from the connection on); unset: pings are optional\"}, "
    WITHIN_PARAM("closing ping's pong (which proves the connection still works)")
    "}}";
/* clang-format on */

/* What the checks record, so that expect_metrics thresholds naming them are
 * validated before the run. */
#define RTT_METRICS                                                             \
    {"handshake_ms", "ms", "time from connecting to the end of the handshake"}, \
        {"rtt_min_ms", "ms", "fastest round trip"},                             \
        {"rtt_p50_ms", "ms", "median round trip"},                              \
        {"rtt_p90_ms", "ms", "90th percentile round trip"},                     \
        {"rtt_p99_ms", "ms", "99th percentile round trip"},                     \
        {"rtt_max_ms", "ms", "slowest round trip"},                             \
        {"lost", "count", "pings without an answer in time"},                   \
    {                                                                           \
        NULL, NULL, NULL                                                        \
    }

static const struct wsc_metric_decl rounds_metrics[] = {RTT_METRICS};

static const struct wsc_metric_decl keepalive_metrics[] = {
    {"handshake_ms", "ms", "time from connecting to the end of the handshake"},
    {"rtt_ms", "ms", "round trip of the closing ping"},
    {"server_pings", "count", "pings the server sent"},
    {"max_ping_gap_ms", "ms", "longest time between two server pings"},
    {"connected_ms", "ms", "time the connection was held"},
    {NULL, NULL, NULL},
};

static const struct wsc_check checks[] = {
    {.name = "control",
     .summary = "RFC 6455 ping/pong round trips: each pong echoes its ping in time",
     .params_schema = control_schema,
     .run = pp_control,
     .metrics = rounds_metrics},
    {.name = "app",
     .summary =
         "application-level ping (default {\"type\":\"ping\"} -> {\"type\":\"pong\"})"
         " round trips",
     .params_schema = app_schema,
     .run = pp_app,
     .metrics = rounds_metrics},
    {.name = "keepalive",
     .summary = "stay connected without sending data, answering server pings",
     .params_schema = keepalive_schema,
     .run = pp_keepalive,
     .metrics = keepalive_metrics},
    {.name = NULL},
};

WSC_PLUGIN("ping-pong", "1.0.0", "WebSocket ping/pong round trips and keepalive", checks);
