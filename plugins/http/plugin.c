/* The http plugin: HTTP endpoint verification (requests with expectations,
 * health checks, service discovery). WebSocket upgrades are ws-basic's
 * handshake and reject checks. */
#include <wscheck/expect.h>

#include "checks.h"

/* The `expect` of request and health: the response's outputs. */
/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define EXPECT_RESPONSE(STATUS_DEFAULT)                                          \
    WSC_EXPECT_PARAM("What the response must be",                               \
                     WSC_EXPECT_STATUS(STATUS_DEFAULT) "," WSC_EXPECT_HEADERS "," \
                     WSC_EXPECT_BODY "," WSC_EXPECT_JSON ","                      \
                     WSC_EXPECT_OUTPUT("url", "The URL finally fetched"))

#define FOLLOW_REDIRECTS                                                         \
    "\"follow_redirects\":{\"type\":\"boolean\",\"default\":false,"            \
    "\"description\":\"Follow 3xx redirects (up to 10)\"}"

#define MAX_BODY_SIZE                                                            \
    "\"max_body_size\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1073741824,"  \
    "\"default\":8388608,\"description\":"                                     \
    "\"Largest response body accepted, in bytes; a larger one fails the test\"}"

static const char request_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    WSC_HTTP_SCHEMA_PROPS ","
    "\"method\":{\"type\":\"string\",\"default\":\"GET\",\"enum\":[\"GET\",\"HEAD\","
    "\"POST\",\"PUT\",\"PATCH\",\"DELETE\",\"OPTIONS\"],\"description\":\"HTTP method\"},"
    "\"body\":{\"type\":\"string\",\"description\":\"Request body, sent as is\"},"
    "\"json\":{\"type\":[\"object\",\"array\",\"string\",\"number\",\"boolean\"],"
    "\"description\":\"Request body as JSON (sets Content-Type: application/json); "
    "not with body\"},"
    FOLLOW_REDIRECTS "," MAX_BODY_SIZE ","
    EXPECT_RESPONSE("below 400") "}}";

static const char health_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    WSC_HTTP_SCHEMA_PROPS ","
    FOLLOW_REDIRECTS "," MAX_BODY_SIZE ","
    EXPECT_RESPONSE("2xx") "}}";

static const char discover_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    WSC_HTTP_SCHEMA_PROPS ","
    "\"paths\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
    "\"default\":[\"/\",\"/health\",\"/healthz\",\"/ready\",\"/status\",\"/metrics\","
    "\"/version\",\"/api\",\"/mcp\",\"/ws\"],"
    "\"description\":\"Paths to GET, relative to url\"},"
    FOLLOW_REDIRECTS ","
    WSC_EXPECT_PARAM("What the discovery must find",
                     WSC_EXPECT_OUTPUT("endpoints", "Matcher on the list of "
                                       "{path, status, content_type, total_ms, bytes}") ","
                     WSC_EXPECT_OUTPUT("responding", "Matcher on the paths that "
                                       "answered below 400, e.g. {\\\"$contains\\\": "
                                       "\\\"/health\\\"}")) "}}";
/* clang-format on */

/* What the checks record, so that expect_metrics thresholds naming them are
 * validated before the run. */
static const struct wsc_metric_decl timing_metrics[] = {
    {"dns_ms", "ms", "name lookup"},
    {"connect_ms", "ms", "TCP connect"},
    {"tls_ms", "ms", "TLS handshake (0 without TLS)"},
    {"ttfb_ms", "ms", "time to the first byte of the answer"},
    {"total_ms", "ms", "the whole request"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl discover_metrics[] = {
    {"responding", "count", "paths that answered below 400"},
    {NULL, NULL, NULL},
};

static const struct wsc_check checks[] = {
    {.name = "request",
     .summary = "send an HTTP request and check status, headers and body",
     .params_schema = request_schema,
     .run = http_check_request,
     .validate = http_validate_request,
     .metrics = timing_metrics},
    {.name = "health",
     .summary = "GET a health endpoint: 2xx (or the expectation) within the timeout",
     .params_schema = health_schema,
     .run = http_check_health,
     .metrics = timing_metrics},
    {.name = "discover",
     .summary = "GET a list of paths on a server and report which respond",
     .params_schema = discover_schema,
     .run = http_check_discover,
     .metrics = discover_metrics},
    {.name = NULL},
};

WSC_PLUGIN("http", "1.0.0", "HTTP endpoint verification: requests, health, discovery",
           checks);
