/* The ws-basic plugin's table: its checks and their params schemas. */
#include "ws_basic.h"

#include <wscheck/expect.h>
#include <wscheck/stream.h>

/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define OBJECT_SCHEMA(REQUIRED, PROPS)                                         \
    "{\"type\":\"object\",\"required\":[" REQUIRED "],\"properties\":{"        \
    WSC_WS_OPTION_PROPS PROPS "}}"

/* `expect` on the upgrade answer (outputs status, headers, subprotocol,
 * body), the same in handshake and reject. */
#define EXPECT_ANSWER(WHAT, STATUS_DEFAULT)                                    \
    "," WSC_EXPECT_PARAM(WHAT, WSC_EXPECT_STATUS(STATUS_DEFAULT) ","           \
                         WSC_EXPECT_HEADERS "," WSC_EXPECT_SUBPROTOCOL ","     \
                         WSC_EXPECT_OUTPUT("body", "The refusal's body (a "    \
                                           "string or a matcher); \\\"\\\" " \
                                           "after a 101"))

static const char handshake_schema[] = OBJECT_SCHEMA(
    "\"url\"", EXPECT_ANSWER("What the upgrade answer must be", "101"));

static const char connect_close_schema[] = OBJECT_SCHEMA(
    "\"url\"",
    ",\"count\":{\"type\":\"integer\",\"minimum\":1,\"default\":10,"
    "\"description\":\"Connections to open and close with 1000, one after "
    "the other\"}");

static const char conversation_schema[] = OBJECT_SCHEMA(
    "\"url\",\"steps\"",
    ",\"steps\":{\"type\":\"array\",\"items\":{\"type\":\"object\"},"
    "\"x-wsc-deferred\":true,\"description\":"
    "\"The exchange, in order; each step is an object with one action: send, "
    "send_binary, expect, expect_text, expect_binary, expect_none, capture, "
    "ping, expect_pong, close, expect_close, sleep, connect (modifiers: "
    "within, skip_until, capture, conn, ignore). Variables are expanded as "
    "each step runs, so values captured by earlier steps can be used\"},"
    "\"connections\":{\"type\":\"object\",\"additionalProperties\":"
    "{\"type\":\"object\",\"properties\":{" WSC_WS_OPTION_PROPS "}},"
    "\"description\":\"More connections, by name: each takes the options "
    "above with its own on top; a step with \\\"conn\\\": NAME runs on it, "
    "one without on the default connection (\\\"default\\\")\"},"
    "\"ignore\":{\"type\":\"array\",\"items\":{\"x-wsc-expect\":true},"
    "\"description\":\"Matchers of messages every waiting step drops "
    "unseen (heartbeats, unrelated pushes)\"}");

static const char reject_schema[] = OBJECT_SCHEMA(
    "\"url\"", EXPECT_ANSWER("What the refusal must be", "any 4xx or 5xx"));

static const char reconnect_schema[] = OBJECT_SCHEMA(
    "\"url\"",
    ",\"drop_after\":{\"type\":\"number\",\"minimum\":0,\"description\":"
    "\"Close the first connection from the client after this many seconds "
    "(default: wait for the server to drop it)\"},"
    "\"recover_within\":{\"type\":\"number\",\"minimum\":0,\"default\":10,"
    "\"description\":\"Seconds after the drop within which a new connection "
    "must succeed\"},"
    "\"backoff_initial\":{\"type\":\"number\",\"minimum\":0.001,\"default\":0.1,"
    "\"description\":\"Seconds between the first failed attempt and the next; "
    "doubled after each failure\"},"
    "\"backoff_max\":{\"type\":\"number\",\"minimum\":0.001,\"default\":2,"
    "\"description\":\"Longest wait between two attempts, in seconds\"}");
static const char stream_schema[] = OBJECT_SCHEMA(
    "\"url\"",
    "," WSC_STREAM_OPTION_PROPS ","
    WSC_EXPECT_PARAM("What the stream must have left",
                     WSC_EXPECT_OUTPUT("messages", "Messages counted") ","
                     WSC_EXPECT_OUTPUT("received", "Messages received, "
                                       "ignored ones included") ","
                     WSC_EXPECT_OUTPUT("last", "The last counted message") ","
                     WSC_EXPECT_OUTPUT("close_code", "The server's close "
                                       "code, when it closed")));
static const char compliance_schema[] = OBJECT_SCHEMA(
    "\"url\"",
    ",\"cases\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
    "\"description\":\"Case ids or globs to run (\\\"1.1.*\\\", "
    "\\\"7.3.1\\\"); default: all\"},"
    "\"expected_failures\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"string\"},\"description\":\"Case ids or globs whose failure does not "
    "fail the test (reported as expected failures)\"},"
    "\"skip_on_connect\":{\"type\":\"integer\",\"minimum\":0,\"default\":0,"
    "\"description\":\"Data messages the server sends on every new connection "
    "(a welcome), dropped before each case starts\"},"
    "\"case_timeout\":{\"type\":\"number\",\"minimum\":0.01,\"default\":2,"
    "\"description\":\"Seconds each case may take, connection included\"}");
/* clang-format on */

/* What the checks that record fixed names record, so that expect_metrics
 * thresholds naming them are validated before the run (conversation and
 * reconnect name some of theirs after their steps, so declare none). */
static const struct wsc_metric_decl handshake_metrics[] = {
    {"handshake_ms", "ms", "time from connecting to the end of the handshake"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl connect_close_metrics[] = {
    {"handshake_min_ms", "ms", "fastest handshake"},
    {"handshake_p50_ms", "ms", "median handshake"},
    {"handshake_max_ms", "ms", "slowest handshake"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl stream_metrics[] = {
    WSC_STREAM_METRIC_DECLS,
    {NULL, NULL, NULL},
};

static const struct wsc_check checks[] = {
    {.name = "handshake",
     .summary =
         "upgrade, match the answer (status, headers, subprotocol) with expect, close cleanly",
     .params_schema = handshake_schema,
     .run = wsb_handshake,
     .metrics = handshake_metrics},
    {.name = "connect_close",
     .summary = "open and cleanly close `count` connections in turn",
     .params_schema = connect_close_schema,
     .run = wsb_connect_close,
     .metrics = connect_close_metrics},
    {.name = "conversation",
     .summary = "a scripted exchange of messages on one or more connections",
     .params_schema = conversation_schema,
     .run = wsb_conversation,
     .validate = wsb_conversation_validate},
    {.name = "reject",
     .summary = "the upgrade must be refused with an HTTP status",
     .params_schema = reject_schema,
     .run = wsb_reject},
    {.name = "reconnect",
     .summary = "after a drop, a new connection succeeds within recover_within",
     .params_schema = reconnect_schema,
     .run = wsb_reconnect},
    {.name = "stream",
     .summary = "follow a stream of JSON messages: per-message rules, terminal message, "
                "gaps, keep-alives",
     .params_schema = stream_schema,
     .run = wsb_stream,
     .validate = wsb_stream_validate,
     .metrics = stream_metrics},
    {.name = "compliance",
     .summary = "RFC 6455 compliance of an echo endpoint: Autobahn-style cases on raw "
                "frames, one test case each",
     .params_schema = compliance_schema,
     .run = wsb_compliance,
     .validate = wsb_compliance_validate,
     .flags = WSC_CHECK_CASES},
    {.name = NULL},
};

WSC_PLUGIN("ws-basic", "1.0.0",
           "WebSocket connections: handshake, conversation, "
           "refusal, reconnection, streams, RFC 6455 compliance",
           checks);
