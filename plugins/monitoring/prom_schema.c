/* Params schemas, declared metrics and validate callbacks of the
 * Prometheus, Alertmanager and dashboard checks. */
#include <stdio.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/http.h>
#include <wscheck/match.h>
#include <wscheck/params.h>

#include "prom.h"

/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define SERVER_URL(WHAT)                                                         \
    "\"url\":{\"type\":\"string\",\"description\":\"" WHAT "\"},"

/* WSC_HTTP_SCHEMA_PROPS without its url, described per check. */
#define HTTP_PROPS_BUT_URL                                                       \
    "\"headers\":{\"type\":\"object\",\"description\":"                        \
    "\"Request headers, name to value; null removes a default header\"},"      \
    "\"ca_file\":{\"type\":\"string\",\"description\":"                        \
    "\"PEM file of CA certificates to trust instead of the system's\"},"       \
    "\"insecure\":{\"type\":\"boolean\",\"default\":false,\"description\":"    \
    "\"Skip TLS certificate and host name verification\"},"                    \
    "\"client_cert\":{\"type\":\"string\",\"description\":"                    \
    "\"PEM client certificate for mutual TLS\"},"                              \
    "\"client_key\":{\"type\":\"string\",\"description\":"                     \
    "\"PEM private key of client_cert\"}"

#define ALERT_MATCH                                                              \
    "\"alert\":{\"type\":\"string\",\"minLength\":1,\"description\":"          \
    "\"The alert's name (its alertname label)\"},"                             \
    "\"labels\":{\"type\":\"object\",\"x-wsc-expect\":true,\"description\":"   \
    "\"Labels the alert must have: name to value, or to a matcher such as "    \
    "{\\\"$regex\\\": \\\"^mock\\\"}; other labels may be there too\"},"

#define POLLING                                                                  \
    "\"within\":{\"type\":\"number\",\"minimum\":0,\"default\":30,"            \
    "\"description\":\"Seconds the state may take to be reached\"},"           \
    "\"interval\":{\"type\":\"number\",\"minimum\":0.05,\"default\":1,"        \
    "\"description\":\"Seconds between two looks at the server\"},"

const char prom_query_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\",\"query\"],\"properties\":{"
    SERVER_URL("Base URL of the Prometheus server, e.g. http://127.0.0.1:9090")
    HTTP_PROPS_BUT_URL ","
    "\"query\":{\"type\":\"string\",\"minLength\":1,\"description\":"
    "\"The PromQL expression, evaluated by /api/v1/query\"},"
    "\"time\":{\"type\":[\"string\",\"number\"],\"description\":"
    "\"Evaluation time: RFC 3339 or Unix seconds (default: now)\"},"
    WSC_EXPECT_PARAM("What the result must be",
        WSC_EXPECT_OUTPUT("result_type", "vector, matrix, scalar or string") ","
        WSC_EXPECT_OUTPUT("series", "Matcher on the list of {labels, value} "
                          "(a matrix: {labels, values}), e.g. {\\\"$contains\\\": "
                          "{\\\"labels\\\": {\\\"job\\\": \\\"mock\\\"}}}") ","
        WSC_EXPECT_OUTPUT("count", "How many series (0: an empty result)") ","
        WSC_EXPECT_OUTPUT("value", "The value when there is one series, or a scalar") ","
        WSC_EXPECT_OUTPUT("min", "The smallest sample value of all series") ","
        WSC_EXPECT_OUTPUT("max", "The largest sample value of all series")) "}}";

const char prom_alert_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    SERVER_URL("Base URL of the Prometheus server, e.g. http://127.0.0.1:9090")
    HTTP_PROPS_BUT_URL "," ALERT_MATCH POLLING
    "\"state\":{\"type\":\"string\",\"enum\":[\"firing\",\"pending\",\"inactive\"],"
    "\"default\":\"firing\",\"description\":\"The state to reach: firing, pending "
    "(or already firing) or inactive (no such alert any more)\"},"
    WSC_EXPECT_PARAM("What the alert must be once in its state",
        WSC_EXPECT_OUTPUT("state", "firing, pending or inactive") ","
        WSC_EXPECT_OUTPUT("labels", "Matcher on all its labels") ","
        WSC_EXPECT_OUTPUT("annotations", "Matcher on its annotations") ","
        WSC_EXPECT_OUTPUT("active_at", "When it became active (RFC 3339)") ","
        WSC_EXPECT_OUTPUT("value", "The value of the rule's expression")) "}}";

const char prom_am_alert_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    SERVER_URL("Base URL of Alertmanager, e.g. http://127.0.0.1:9093")
    HTTP_PROPS_BUT_URL "," ALERT_MATCH POLLING
    "\"state\":{\"type\":\"string\",\"enum\":[\"any\",\"active\",\"suppressed\","
    "\"unprocessed\"],\"default\":\"any\",\"description\":"
    "\"The state the alert must be in (suppressed: silenced or inhibited)\"},"
    WSC_EXPECT_PARAM("What the alert must be once there",
        WSC_EXPECT_OUTPUT("state", "active, suppressed or unprocessed") ","
        WSC_EXPECT_OUTPUT("labels", "Matcher on all its labels") ","
        WSC_EXPECT_OUTPUT("annotations", "Matcher on its annotations") ","
        WSC_EXPECT_OUTPUT("receivers", "The names of the receivers it was routed to") ","
        WSC_EXPECT_OUTPUT("starts_at", "When it started (RFC 3339)") ","
        WSC_EXPECT_OUTPUT("silenced_by", "IDs of the silences that mute it") ","
        WSC_EXPECT_OUTPUT("inhibited_by", "Fingerprints of the alerts inhibiting it") ","
        WSC_EXPECT_OUTPUT("fingerprint", "Alertmanager's fingerprint of it")) "}}";

const char prom_dashboard_schema[] =
    "{\"type\":\"object\",\"required\":[\"file\"],\"properties\":{"
    "\"file\":{\"type\":\"string\",\"minLength\":1,\"description\":"
    "\"The dashboard's JSON file (as exported, or as the HTTP API's "
    "{\\\"dashboard\\\": ...}); relative to the working directory\"},"
    SERVER_URL("Base URL of a Prometheus server: when given, every Prometheus "
               "query must be accepted by its /api/v1/query")
    HTTP_PROPS_BUT_URL ","
    "\"variables\":{\"type\":\"object\",\"description\":\"Values of dashboard "
    "variables for the queries sent to Prometheus, name to string (default: "
    "each variable's current value)\"},"
    "\"query_fields\":{\"type\":\"object\",\"description\":\"Where targets of a "
    "datasource type keep their query, type to member name, added to the "
    "built-in ones (e.g. {\\\"my-datasource\\\": \\\"queryText\\\"})\"},"
    WSC_EXPECT_PARAM("What the dashboard must hold",
        WSC_EXPECT_OUTPUT("title", "The dashboard's title") ","
        WSC_EXPECT_OUTPUT("uid", "The dashboard's uid") ","
        WSC_EXPECT_OUTPUT("tags", "The dashboard's tags") ","
        WSC_EXPECT_OUTPUT("panels", "Matcher on the list of panels, rows' panels "
                          "included: {id, title, type, targets: [{refId, query}]}") ","
        WSC_EXPECT_OUTPUT("panel_titles", "Matcher on the panel titles, e.g. "
                          "{\\\"$contains\\\": \\\"Connections\\\"}") ","
        WSC_EXPECT_OUTPUT("variables", "The names of the dashboard's variables")) "}}";
/* clang-format on */

const struct wsc_metric_decl prom_query_metrics[] = {
    {"total_ms", "ms", "the query's HTTP request"},
    {"series", "count", "series in the result"},
    {NULL, NULL, NULL},
};

const struct wsc_metric_decl prom_alert_metrics[] = {
    {"time_to_state_ms", "ms", "from the first look until the state was seen"},
    {"polls", "count", "looks at the server's alerts"},
    {NULL, NULL, NULL},
};

const struct wsc_metric_decl prom_dashboard_metrics[] = {
    {"panels", "count", "panels, rows' panels included, rows not"},
    {"targets", "count", "queries of all panels"},
    {"queries_validated", "count", "queries that Prometheus accepted"},
    {NULL, NULL, NULL},
};

void prom_validate_alert(struct wsc_validation *v, const struct json_object *params)
{
    struct json_object *alert = NULL, *labels = NULL, *within = NULL;
    json_object_object_get_ex(params, "alert", &alert);
    json_object_object_get_ex(params, "labels", &labels);
    if (!alert && (!labels || json_object_object_length(labels) == 0))
        wsc_invalid(v, "", "give alert, labels or both: which alert to look for");
    if (json_object_is_type(labels, json_type_object) && alert) {
        struct json_object *dup = NULL;
        if (json_object_object_get_ex(labels, "alertname", &dup))
            wsc_invalid(v, "/labels/alertname",
                        "give the alert's name once: alert or "
                        "labels.alertname");
    }
    json_object_object_get_ex(params, "within", &within);
    double timeout = wsc_validation_timeout(v);
    if ((json_object_is_type(within, json_type_double) ||
         json_object_is_type(within, json_type_int)) &&
        timeout > 0 && json_object_get_double(within) >= timeout)
        wsc_invalid(v, "/within", "%g s does not fit in the test's timeout of %g s",
                    json_object_get_double(within), timeout);
}

void prom_validate_dashboard(struct wsc_validation *v, const struct json_object *params)
{
    struct json_object *vars = NULL, *fields = NULL;
    if (json_object_object_get_ex(params, "variables", &vars) &&
        json_object_is_type(vars, json_type_object)) {
        json_object_object_foreach(vars, key, val) {
            if (!json_object_is_type(val, json_type_string) &&
                !json_object_is_type(val, json_type_int) &&
                !json_object_is_type(val, json_type_double)) {
                char ptr[300];
                snprintf(ptr, sizeof ptr, "/variables/%s", key);
                wsc_invalid(v, ptr, "a variable's value is a string or a number");
            }
        }
    }
    if (json_object_object_get_ex(params, "query_fields", &fields) &&
        json_object_is_type(fields, json_type_object)) {
        json_object_object_foreach(fields, key, val) {
            if (!json_object_is_type(val, json_type_string)) {
                char ptr[300];
                snprintf(ptr, sizeof ptr, "/query_fields/%s", key);
                wsc_invalid(v, ptr, "the name of a target's member, a string");
            }
        }
    }
}
