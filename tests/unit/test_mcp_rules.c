/* Unit tests of the MCP client's message rules (lib/mcp_rules.c) and its
 * Server-Sent Events parser (lib/mcp_sse.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "mcp_internal.h"

/* ---- rules ------------------------------------------------------------------- */

/* Requests 1 and 2 await their answers. */
static int pending(int64_t id, void *arg)
{
    (void)arg;
    return id == 1 || id == 2;
}

static void expect_ok(const char *json, enum mcp_msg_kind want_kind, int64_t want_id)
{
    struct json_object *msg = json_tokener_parse(json);
    struct mcp_violation v;
    enum mcp_msg_kind kind = 0;
    int64_t id = 0;
    int rc = mcp_check_message(msg, pending, NULL, &kind, &id, &v);
    if (rc != 0)
        printf("# %s: %s\n", json, v.message);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(kind, want_kind);
    CU_ASSERT_EQUAL(id, want_id);
    json_object_put(msg);
}

static void expect_rule(const char *json, const char *rule, const char *path,
                        const char *message)
{
    struct json_object *msg = json_tokener_parse(json);
    struct mcp_violation v;
    enum mcp_msg_kind kind;
    int64_t id;
    memset(&v, 0, sizeof v);
    CU_ASSERT_EQUAL(mcp_check_message(msg, pending, NULL, &kind, &id, &v), -1);
    if (strcmp(v.rule, rule) != 0 || strcmp(v.path, path) != 0 ||
        strcmp(v.message, message) != 0)
        printf("# %s: got %s at '%s': %s\n", json, v.rule, v.path, v.message);
    CU_ASSERT_STRING_EQUAL(v.pub.rule, rule);
    CU_ASSERT_STRING_EQUAL(v.pub.path, path);
    CU_ASSERT_STRING_EQUAL(v.pub.message, message);
    CU_ASSERT_EQUAL(v.pub.must, 1);
    json_object_put(msg);
}

static void test_valid_messages(void)
{
    expect_ok("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", MCP_MSG_RESPONSE, 1);
    expect_ok(
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32601,\"message\":\"x\"}}",
        MCP_MSG_RESPONSE, 2);
    expect_ok("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":"
              "\"parse\"}}",
              MCP_MSG_RESPONSE, -1);
    expect_ok("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}",
              MCP_MSG_NOTIFICATION, -1);
    expect_ok("{\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"method\":\"ping\"}", MCP_MSG_REQUEST,
              -1);
    expect_ok("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"roots/list\"}", MCP_MSG_REQUEST,
              -1);
}

static void test_envelope_rules(void)
{
    expect_rule(
        "[1]", "message-object", "",
        "rule message-object (basic#messages) at /: the array [1]; a message must "
        "be a JSON object");
    expect_rule("{\"id\":1,\"result\":{}}", "jsonrpc-version", "/jsonrpc",
                "rule jsonrpc-version (basic#messages) at /jsonrpc: missing; must be "
                "\"2.0\"");
    expect_rule("{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":{}}", "jsonrpc-version",
                "/jsonrpc",
                "rule jsonrpc-version (basic#messages) at /jsonrpc: the string \"1.0\"; "
                "must be \"2.0\"");
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"method\":3}", "method-string", "/method",
        "rule method-string (basic#requests) at /method: the integer 3; must be a "
        "string");
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":[1]}", "params-object",
        "/params",
        "rule params-object (basic#requests) at /params: the array [1]; must be an "
        "object");
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", "request-id-type", "/id",
        "rule request-id-type (basic#requests) at /id: the null null; a request id "
        "must be a string or an integer");
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", "request-id-type", "/id",
        "rule request-id-type (basic#requests) at /id: the number 1.5; a request id "
        "must be a string or an integer");
}

static void test_response_rules(void)
{
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":1,"
        "\"message\":\"m\"}}",
        "response-result-xor-error", "",
        "rule response-result-xor-error (basic#responses) at /: a response has both "
        "result and error");
    expect_rule("{\"jsonrpc\":\"2.0\",\"id\":1}", "response-result-xor-error", "",
                "rule response-result-xor-error (basic#responses) at /: neither method, "
                "result nor error: not a JSON-RPC message");
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}", "response-id-type", "/id",
        "rule response-id-type (basic#responses) at /id: the string \"1\" answers "
        "the request whose id is the integer 1; the id must be echoed with the same "
        "type");
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":{}}", "response-id-type", "/id",
        "rule response-id-type (basic#responses) at /id: the string \"abc\"; this "
        "client sent integer ids only");
    expect_rule("{\"jsonrpc\":\"2.0\",\"result\":{}}", "response-id-type", "/id",
                "rule response-id-type (basic#responses) at /id: missing");
    expect_rule("{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}", "response-id-type",
                "/id",
                "rule response-id-type (basic#responses) at /id: null; only an error the "
                "server cannot attribute has a null id");
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}", "response-id-unknown", "/id",
        "rule response-id-unknown (basic#responses) at /id: the integer 3 matches "
        "no request awaiting an answer (a response to a notification, or a second "
        "response)");
    expect_rule("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"ok\"}", "result-object",
                "/result",
                "rule result-object (basic#responses) at /result: the string \"ok\"; MCP "
                "results are objects");
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"bad\"}", "error-object", "/error",
        "rule error-object (basic#responses) at /error: the string \"bad\"; must be "
        "an object");
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1.5,\"message\":\"m\"}}",
        "error-code-integer", "/error/code",
        "rule error-code-integer (basic#responses) at /error/code: the number 1.5; "
        "must be an integer");
    expect_rule(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"message\":\"m\"}}",
        "error-code-integer", "/error/code",
        "rule error-code-integer (basic#responses) at /error/code: missing; must be "
        "an integer");
    expect_rule("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1}}",
                "error-message-string", "/error/message",
                "rule error-message-string (basic#responses) at /error/message: missing; "
                "must be a string");
}

static void test_initialize_rules(void)
{
    struct mcp_violation v;
    struct json_object *r = json_tokener_parse(
        "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"serverInfo\":{\"name\":"
        "\"s\",\"version\":\"1\"}}");
    CU_ASSERT_EQUAL(mcp_check_initialize(r, &v), 0);
    json_object_put(r);
    r = json_tokener_parse("{\"protocolVersion\":\"2030-01-01\",\"capabilities\":{},"
                           "\"serverInfo\":{\"name\":\"s\",\"version\":\"1\"}}");
    CU_ASSERT_EQUAL(mcp_check_initialize(r, &v), -1);
    CU_ASSERT_STRING_EQUAL(v.rule, "protocol-version");
    CU_ASSERT_STRING_EQUAL(v.section, "basic/lifecycle#version-negotiation");
    json_object_put(r);
    r = json_tokener_parse("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                           "\"serverInfo\":{\"name\":\"s\"}}");
    CU_ASSERT_EQUAL(mcp_check_initialize(r, &v), -1);
    CU_ASSERT_STRING_EQUAL(v.message,
                           "rule initialize-result (basic/lifecycle#initialization) "
                           "at /result/serverInfo/version: missing");
    json_object_put(r);
    CU_ASSERT(mcp_version_known("2024-11-05"));
    CU_ASSERT(mcp_version_known("2025-11-25"));
    CU_ASSERT(!mcp_version_known("2025-01-01"));
}

static void test_session_id_rule(void)
{
    struct mcp_violation v;
    CU_ASSERT_EQUAL(mcp_check_session_id("1868a90c-abc~!", &v), 0);
    CU_ASSERT_EQUAL(mcp_check_session_id("a b", &v), -1);
    CU_ASSERT_STRING_EQUAL(
        v.message, "rule session-id-visible-ascii (basic/transports#session-management) "
                   "at Mcp-Session-Id: byte 0x20 at offset 1; a session id must be "
                   "visible ASCII (0x21-0x7E)");
    CU_ASSERT_EQUAL(mcp_check_session_id("caf\xc3\xa9", &v), -1);
    CU_ASSERT_EQUAL(mcp_check_session_id("", &v), -1);
}

/* ---- SSE parser -------------------------------------------------------------- */

struct got {
    char events[16][64];
    char data[16][256];
    char ids[16][64];
    int n;
    int stop_at; /* stop on this event (1-based), 0: never */
};

static int collect(void *arg, const char *event, const char *data, size_t len,
                   const char *id)
{
    struct got *g = arg;
    if (g->n < 16) {
        snprintf(g->events[g->n], sizeof g->events[0], "%s", event);
        snprintf(g->data[g->n], sizeof g->data[0], "%.*s", (int)len, data);
        snprintf(g->ids[g->n], sizeof g->ids[0], "%s", id);
    }
    g->n++;
    return g->stop_at && g->n == g->stop_at ? -1 : 0;
}

/* Feeds text one byte at a time and all at once: both give the same events. */
static void parse_both_ways(const char *text, size_t max, struct got *whole,
                            int *rc_whole, struct got *bytes, int *rc_bytes)
{
    struct mcp_sse p;
    memset(whole, 0, sizeof *whole);
    memset(bytes, 0, sizeof *bytes);
    mcp_sse_init(&p, max, collect, whole);
    *rc_whole = mcp_sse_feed(&p, text, strlen(text));
    mcp_sse_free(&p);
    mcp_sse_init(&p, max, collect, bytes);
    *rc_bytes = 0;
    for (size_t i = 0; text[i] && *rc_bytes == 0; i++)
        *rc_bytes = mcp_sse_feed(&p, text + i, 1);
    mcp_sse_free(&p);
}

static void test_sse_events(void)
{
    const char *text = "\xEF\xBB\xBF: keep-alive comment\n"
                       "id: 7\ndata: \n\n" /* a priming event: empty data */
                       "event: message\r\ndata: {\"a\":1}\r\n\r\n"
                       "data:first\ndata: second\rid: 9\r\r"
                       "event: endpoint\ndata: /messages?s=1\nretry: 100\nunknown: x\n\n"
                       "data: no blank line at the end";
    struct got a, b;
    int ra, rb;
    parse_both_ways(text, 1024, &a, &ra, &b, &rb);
    CU_ASSERT_EQUAL(ra, 0);
    CU_ASSERT_EQUAL(rb, 0);
    CU_ASSERT_EQUAL_FATAL(a.n, 4);
    CU_ASSERT_EQUAL(b.n, 4);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_STRING_EQUAL(a.events[i], b.events[i]);
        CU_ASSERT_STRING_EQUAL(a.data[i], b.data[i]);
    }
    CU_ASSERT_STRING_EQUAL(a.events[0], "message");
    CU_ASSERT_STRING_EQUAL(a.data[0], "");
    CU_ASSERT_STRING_EQUAL(a.ids[0], "7");
    CU_ASSERT_STRING_EQUAL(a.data[1], "{\"a\":1}");
    CU_ASSERT_STRING_EQUAL(a.data[2], "first\nsecond");
    CU_ASSERT_STRING_EQUAL(a.ids[2], "9");
    CU_ASSERT_STRING_EQUAL(a.events[3], "endpoint");
    CU_ASSERT_STRING_EQUAL(a.data[3], "/messages?s=1");
}

static void test_sse_no_data_no_event(void)
{
    struct got a, b;
    int ra, rb;
    parse_both_ways("event: x\n\nid: 1\n\n: c\n\n", 1024, &a, &ra, &b, &rb);
    CU_ASSERT_EQUAL(a.n, 0);
    CU_ASSERT_EQUAL(b.n, 0);
}

static void test_sse_bounds(void)
{
    struct got a, b;
    int ra, rb;
    char line[200];
    memset(line, 'x', sizeof line);
    memcpy(line, "data: ", 6);
    line[sizeof line - 1] = '\0';
    parse_both_ways(line, 100, &a, &ra, &b, &rb);
    CU_ASSERT_EQUAL(ra, -1);
    CU_ASSERT_EQUAL(rb, -1);
    /* many short data lines add up past the limit */
    parse_both_ways("data: 0123456789\ndata: 0123456789\ndata: 0123456789\n\n", 30, &a,
                    &ra, &b, &rb);
    CU_ASSERT_EQUAL(ra, -1);
    CU_ASSERT_EQUAL(a.n, 0);
    struct mcp_sse p;
    mcp_sse_init(&p, 30, collect, &a);
    const char *three = "data: 0123456789\ndata: 0123456789\ndata: 0123456789\n";
    CU_ASSERT_EQUAL(mcp_sse_feed(&p, three, strlen(three)), -1);
    CU_ASSERT_STRING_EQUAL(p.err, "an event's data is larger than the limit");
    /* once failed, it stays failed */
    CU_ASSERT_EQUAL(mcp_sse_feed(&p, "\n", 1), -1);
    mcp_sse_free(&p);
}

/* The retry field after feeding `text`, or -2 when the stream failed. */
static long retry_after(const char *text)
{
    struct got g;
    memset(&g, 0, sizeof g);
    struct mcp_sse p;
    mcp_sse_init(&p, 1024, collect, &g);
    long r = mcp_sse_feed(&p, text, strlen(text)) == 0 ? p.retry_ms : -2;
    mcp_sse_free(&p);
    return r;
}

static void test_sse_retry(void)
{
    CU_ASSERT_EQUAL(retry_after("data: x\n\n"), -1);
    CU_ASSERT_EQUAL(retry_after("retry: 300\nid: 1\ndata: \n\n"), 300);
    CU_ASSERT_EQUAL(retry_after("retry:0\n"), 0);
    /* the last valid one counts; anything but ASCII digits is ignored */
    CU_ASSERT_EQUAL(retry_after("retry: 300\nretry: 2s\nretry: -1\nretry:\n"), 300);
    CU_ASSERT_EQUAL(retry_after("retry: 300\nretry: 1500\n"), 1500);
    /* bounded, never overflowing */
    CU_ASSERT_EQUAL(retry_after("retry: 99999999999999999999999999\n"), MCP_RETRY_MAX_MS);
}

static void test_sse_reader_stops(void)
{
    struct got g;
    memset(&g, 0, sizeof g);
    g.stop_at = 1;
    struct mcp_sse p;
    mcp_sse_init(&p, 1024, collect, &g);
    CU_ASSERT_EQUAL(mcp_sse_feed(&p, "data: a\n\ndata: b\n\n", 18), -1);
    CU_ASSERT_EQUAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(p.err, "stopped by the reader");
    mcp_sse_free(&p);
}

/* ---- options ------------------------------------------------------------------- */

static void test_options_parse(void)
{
    struct json_object *params = json_tokener_parse(
        "{\"url\":\"stdio:server --flag\",\"headers\":{\"X-Api-Key\":\"k-123\"},"
        "\"protocol_version\":\"2025-03-26\",\"roots\":[{\"uri\":\"file:///a\"}],"
        "\"max_message_size\":1000}");
    struct wsc_mcp_options o;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(wsc_mcp_options_parse(NULL, params, &o, &err), 0);
    CU_ASSERT_EQUAL(mcp_transport_for(&o), WSC_MCP_STDIO);
    CU_ASSERT_STRING_EQUAL(o.headers[0], "X-Api-Key: k-123");
    CU_ASSERT_STRING_EQUAL(o.protocol_version, "2025-03-26");
    CU_ASSERT_EQUAL(json_object_array_length(o.roots), 1);
    CU_ASSERT_EQUAL(o.max_message_size, 1000);
    wsc_mcp_options_free(&o);
    json_object_put(params);

    const char *bad[][2] = {
        {"{\"url\":\"ftp://x\"}", "url: expected ws://, wss://, http://, https:// or "
                                  "stdio:COMMAND, got 'ftp://x'"},
        {"{}", "url: missing"},
        {"{\"url\":\"ws://x\",\"protocol_version\":\"2020-01-01\"}",
         "protocol_version: '2020-01-01' is not one of"},
        {"{\"url\":\"ws://x\",\"headers\":{\"A\":\"b\\r\\nC: d\"}}",
         "headers/A: the name or value contains a line break"},
        {"{\"url\":\"ws://x\",\"transport\":\"carrier-pigeon\"}", "transport: expected"},
        {"{\"command\":[]}", "command: expected a non-empty array of strings"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        params = json_tokener_parse(bad[i][0]);
        err = NULL;
        CU_ASSERT_EQUAL(wsc_mcp_options_parse(NULL, params, &o, &err), -1);
        if (!err || !strstr(err, bad[i][1]))
            printf("# %s: got '%s'\n", bad[i][0], err ? err : "(null)");
        CU_ASSERT(err && strstr(err, bad[i][1]));
        free(err);
        json_object_put(params);
    }
}

static void test_schema_fragment_is_json(void)
{
    struct json_object *s = json_tokener_parse(
        "{\"type\":\"object\",\"properties\":{" WSC_MCP_OPTION_PROPS "}}");
    CU_ASSERT_PTR_NOT_NULL(s);
    json_object_put(s);
}

static CU_TestInfo rule_tests[] = {
    {"valid messages", test_valid_messages},
    {"envelope rules", test_envelope_rules},
    {"response rules", test_response_rules},
    {"initialize result rules", test_initialize_rules},
    {"session id rule", test_session_id_rule},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo sse_tests[] = {
    {"events, fields, line ends, BOM", test_sse_events},
    {"no data, no event", test_sse_no_data_no_event},
    {"lines and events are bounded", test_sse_bounds},
    {"the reader can stop the stream", test_sse_reader_stops},
    {"the retry field, bounded", test_sse_retry},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo option_tests[] = {
    {"options parse and errors", test_options_parse},
    {"schema fragment is JSON", test_schema_fragment_is_json},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"mcp rules", NULL, NULL, NULL, NULL, rule_tests},
    {"mcp sse parser", NULL, NULL, NULL, NULL, sse_tests},
    {"mcp options", NULL, NULL, NULL, NULL, option_tests},
    CU_SUITE_INFO_NULL,
};

int main(void)
{
    return wsc_tap_run(suites);
}
