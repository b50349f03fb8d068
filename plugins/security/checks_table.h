/* The hardening checks' schemas and rows, included once by plugin.c. */
#ifndef WSC_SECURITY_CHECKS_TABLE_H
#define WSC_SECURITY_CHECKS_TABLE_H

#include <wscheck/ws.h>

#include "checks_hardening.h"

/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define SEC_CODES(NAME, DEFAULT, DESCRIPTION)                                   \
    "\"" NAME "\":{\"type\":[\"integer\",\"array\"],\"items\":{\"type\":"        \
    "\"integer\"},\"default\":" DEFAULT ",\"description\":\"" DESCRIPTION "\"}"

#define SEC_HEALTH_PROPS                                                        \
    "\"ping_within\":{\"type\":\"number\",\"minimum\":0,\"default\":2,"         \
    "\"description\":\"Seconds a fresh connection's ping may take after each " \
    "case (the server must still serve)\"}"

static const char sec_tls_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    "\"url\":{\"type\":\"string\",\"description\":\"The wss:// or https:// "
    "endpoint\"},"
    "\"ca_file\":{\"type\":\"string\",\"description\":\"PEM file of the CA "
    "certificates the chain must lead to (default: the system's)\"},"
    "\"min_days\":{\"type\":\"number\",\"minimum\":0,\"default\":14,"
    "\"description\":\"Fewest days the certificate must still be valid\"},"
    "\"require_tls\":{\"type\":\"boolean\",\"default\":false,\"description\":"
    "\"The plain endpoint must be refused (no WebSocket upgrade, no HTTP "
    "answer below 400)\"},"
    "\"plain_url\":{\"type\":\"string\",\"description\":\"The plain endpoint "
    "for require_tls (default: url with ws:// or http://)\"},"
    "\"connect_timeout\":{\"type\":\"number\",\"minimum\":0,\"description\":"
    "\"Seconds each handshake may take (default: the test's timeout)\"}}}";

static const char sec_limits_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    WSC_WS_OPTION_PROPS ","
    "\"oversize_bytes\":{\"type\":\"integer\",\"minimum\":0,\"default\":2097152,"
    "\"description\":\"Size of the oversize text message, above the server's "
    "limit (0: no oversize case)\"},"
    SEC_CODES("oversize_close_codes", "[1009]",
              "Close codes that answer the oversize message") ","
    "\"connections\":{\"type\":\"integer\",\"minimum\":0,\"default\":0,"
    "\"description\":\"Connections held open at once from this client, one "
    "of which must be refused (0: no connections case)\"},"
    SEC_CODES("connection_statuses", "[503,429,403]",
              "HTTP statuses that refuse a connection over the limit") ","
    SEC_CODES("connection_close_codes", "[1013,1008]",
              "Close codes that refuse a connection over the limit") ","
    "\"flood\":{\"type\":\"integer\",\"minimum\":0,\"default\":0,"
    "\"description\":\"Messages sent at once that must be rate-limited "
    "(0: no flood case)\"},"
    "\"flood_message\":{\"type\":\"string\",\"default\":\"{\\\"type\\\":"
    "\\\"ping\\\"}\",\"description\":\"The text of each flood message\"},"
    SEC_CODES("flood_close_codes", "[1008,1013]",
              "Close codes that rate-limit the flood") ","
    "\"flood_error\":{\"description\":\"Matcher on a JSON message that "
    "rate-limits the flood instead of a close\"},"
    "\"close_within\":{\"type\":\"number\",\"minimum\":0,\"default\":2,"
    "\"description\":\"Seconds the close (or error) may take\"},"
    SEC_HEALTH_PROPS "}}";

static const char sec_robustness_schema[] =
    "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":{"
    WSC_WS_OPTION_PROPS ","
    "\"templates\":{\"type\":\"array\",\"items\":{\"type\":\"object\"},"
    "\"default\":[],\"description\":\"Messages the server knows: each member "
    "in turn is sent with a value of the wrong type\"},"
    "\"nesting_depth\":{\"type\":\"integer\",\"minimum\":1,\"default\":10000,"
    "\"description\":\"Depth of the nested JSON arrays\"},"
    "\"huge_bytes\":{\"type\":\"integer\",\"minimum\":1,\"default\":1048576,"
    "\"description\":\"Length of the huge JSON string\"},"
    "\"error\":{\"description\":\"Matcher on the error message that answers "
    "hostile input (default: any message or a close answers)\"},"
    "\"answer_within\":{\"type\":\"number\",\"minimum\":0,\"default\":2,"
    "\"description\":\"Seconds the answer may take\"},"
    SEC_HEALTH_PROPS "}}";

static const char sec_secrets_schema[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"files\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
    "\"minLength\":1},\"default\":[],\"description\":\"Glob patterns of the "
    "log files to scan\"},"
    "\"log_url\":{\"type\":\"string\",\"description\":\"An http:// or "
    "https:// endpoint whose body is scanned\"},"
    "\"secrets\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
    "\"minLength\":1},\"default\":[],\"description\":\"Values that must not "
    "appear (registered as secrets: never reported)\"},"
    "\"max_reported\":{\"type\":\"integer\",\"minimum\":1,\"default\":10,"
    "\"description\":\"Findings named in the failure message and the notes (all are "
    "in the findings output)\"},"
    "\"max_bytes\":{\"type\":\"integer\",\"minimum\":1,\"default\":67108864,"
    "\"description\":\"Largest log_url body read\"}}}";
/* clang-format on */

static const struct wsc_metric_decl sec_tls_metrics[] = {
    {"cert_days_left", "days", "days until the server certificate expires"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl sec_secrets_metrics[] = {
    {"findings", "count", "lines holding a secret"},
    {"lines", "count", "lines scanned"},
    {NULL, NULL, NULL},
};

#define SEC_HARDENING_CHECKS                                                        \
    {.name = "tls",                                                                 \
     .summary = "wss/https: chain, host name, expiry, TLS >= 1.2, plain refused",   \
     .params_schema = sec_tls_schema,                                               \
     .run = sec_check_tls,                                                          \
     .validate = sec_validate_tls,                                                  \
     .metrics = sec_tls_metrics,                                                    \
     .flags = WSC_CHECK_CASES},                                                     \
        {.name = "limits",                                                          \
         .summary =                                                                 \
             "oversize messages, connections and floods refused; serving goes on",  \
         .params_schema = sec_limits_schema,                                        \
         .run = sec_check_limits,                                                   \
         .validate = sec_validate_ws_url,                                           \
         .flags = WSC_CHECK_CASES},                                                 \
        {.name = "input_robustness",                                                \
         .summary = "hostile input answered by an error or a close, never a crash", \
         .params_schema = sec_robustness_schema,                                    \
         .run = sec_check_input_robustness,                                         \
         .validate = sec_validate_ws_url,                                           \
         .flags = WSC_CHECK_CASES},                                                 \
    {                                                                               \
        .name = "secrets_in_logs",                                                  \
        .summary = "log files or an HTTP endpoint hold no secrets",                 \
        .params_schema = sec_secrets_schema, .run = sec_check_secrets_in_logs,      \
        .validate = sec_validate_secrets_in_logs, .metrics = sec_secrets_metrics    \
    }

#endif
