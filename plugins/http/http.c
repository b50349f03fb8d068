/* The http plugin: HTTP endpoint verification (requests with expectations,
 * health checks, service discovery) and WebSocket upgrade negotiation. */
#include <wscheck/ws.h>

#include "checks.h"

/* Members of an HTTP expectation; the whole object is a matcher. */
#define EXPECT_RESPONSE(STATUS_DEFAULT)                                          \
    "\"expect\":{\"type\":\"object\",\"x-wsc-expect\":true,\"description\":"   \
    "\"What the response must be (each member optional)\",\"properties\":{"     \
    "\"status\":{\"type\":[\"integer\",\"array\",\"object\"],\"description\":" \
    "\"Status code, list of accepted codes, or matcher (default: "             \
    STATUS_DEFAULT ")\"},"                                                      \
    "\"headers\":{\"type\":\"object\",\"description\":"                        \
    "\"Matcher on the response headers; names are case-insensitive\"},"        \
    "\"body\":{\"type\":[\"string\",\"object\"],\"description\":"              \
    "\"The body text, or a matcher on it such as {\\\"$contains\\\": \\\"ok\\\"}\"}," \
    "\"json\":{\"description\":\"Matcher on the body parsed as JSON\"}}}"

#define FOLLOW_REDIRECTS                                                         \
    "\"follow_redirects\":{\"type\":\"boolean\",\"default\":false,"            \
    "\"description\":\"Follow 3xx redirects (up to 10)\"}"

#define MAX_BODY                                                                 \
    "\"max_body\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1073741824,"  \
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
    FOLLOW_REDIRECTS "," MAX_BODY ","
    EXPECT_RESPONSE("below 400") "}}";

static const char health_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    WSC_HTTP_SCHEMA_PROPS ","
    FOLLOW_REDIRECTS "," MAX_BODY ","
    EXPECT_RESPONSE("2xx") "}}";

static const char discover_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    WSC_HTTP_SCHEMA_PROPS ","
    "\"paths\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
    "\"default\":[\"/\",\"/health\",\"/healthz\",\"/ready\",\"/status\",\"/metrics\","
    "\"/version\",\"/api\",\"/mcp\",\"/ws\"],"
    "\"description\":\"Paths to GET, relative to url\"},"
    FOLLOW_REDIRECTS ","
    "\"expect\":{\"type\":\"object\",\"x-wsc-expect\":true,\"description\":"
    "\"Matcher on the outputs {endpoints, responding}, e.g. "
    "{\\\"responding\\\": {\\\"$contains\\\": \\\"/health\\\"}}\"}}}";

static const char upgrade_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    WSC_WS_OPTION_PROPS ","
    "\"expect_status\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":599,"
    "\"default\":101,\"description\":\"Status the server must answer: 101 (upgrade, "
    "fully verified) or a refusal such as 400, 403 or 426\"},"
    "\"expect\":{\"type\":\"object\",\"x-wsc-expect\":true,\"description\":"
    "\"Matcher on the outputs {status, headers, subprotocol}\"}}}";

static const struct wsc_check checks[] = {
    {.name = "request", .summary = "send an HTTP request and check status, headers and body", .params_schema = request_schema, .run = http_check_request, .validate = http_validate_request},
    {.name = "health", .summary = "GET a health endpoint: 2xx (or the expectation) within the timeout", .params_schema = health_schema, .run = http_check_health},
    {.name = "discover", .summary = "GET a list of paths on a server and report which respond", .params_schema = discover_schema, .run = http_check_discover},
    {.name = "upgrade", .summary = "send a WebSocket upgrade request and check the negotiation", .params_schema = upgrade_schema, .run = http_check_upgrade},
    {.name = NULL},
};

WSC_PLUGIN("http", "1.0.0", "HTTP endpoint verification and WebSocket upgrade negotiation",
           checks);
