/* The dev-toolkit plugin: MCP servers (development toolkits and others)
 * over WebSocket, Streamable HTTP, stdio or legacy HTTP+SSE: the
 * handshake, tool discovery, tool calls, resources and prompts. */
#include <wscheck/expect.h>

#include "checks.h"

/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define DT_SCHEMA(REQUIRED, EXTRA, EXPECT)                                      \
    "{\"type\":\"object\"," REQUIRED "\"properties\":{"                        \
    WSC_MCP_OPTION_PROPS "," EXTRA EXPECT "}}"

#define ARGUMENTS(DESCRIPTION)                                                  \
    "\"arguments\":{\"type\":\"object\",\"description\":\"" DESCRIPTION "\"},"

#define RPC_ERROR                                                               \
    WSC_EXPECT_OUTPUT("error", "Matcher on the JSON-RPC error ({code, message, "\
                      "data}); without it an error fails the test")

static const char initialize_schema[] = DT_SCHEMA("", "",
    WSC_EXPECT_PARAM("What the initialize result must be",
        WSC_EXPECT_OUTPUT("protocolVersion", "The negotiated protocol version") ","
        WSC_EXPECT_OUTPUT("serverInfo", "Matcher on {name, version, ...}") ","
        WSC_EXPECT_OUTPUT("capabilities", "Matcher on the server's capabilities") ","
        WSC_EXPECT_OUTPUT("instructions", "The server's instructions") ","
        WSC_EXPECT_OUTPUT("transport", "websocket, http, stdio or sse") ","
        WSC_EXPECT_OUTPUT("session_id", "Streamable HTTP: the Mcp-Session-Id")));

static const char discovery_schema[] = DT_SCHEMA("", "",
    WSC_EXPECT_PARAM("What the lists must hold",
        WSC_EXPECT_OUTPUT("tools", "Matcher on every tool of every page") ","
        WSC_EXPECT_OUTPUT("tool_names", "Matcher on the tool names, e.g. "
                          "{\\\"$contains\\\": \\\"run_command\\\"}") ","
        WSC_EXPECT_OUTPUT("resources", "Matcher on resources/list (when declared)") ","
        WSC_EXPECT_OUTPUT("resource_uris", "Matcher on the resource URIs") ","
        WSC_EXPECT_OUTPUT("prompts", "Matcher on prompts/list (when declared)") ","
        WSC_EXPECT_OUTPUT("prompt_names", "Matcher on the prompt names")));

static const char call_schema[] = DT_SCHEMA("\"required\":[\"tool\"],",
    "\"tool\":{\"type\":\"string\",\"minLength\":1,\"description\":\"The tool to call\"},"
    ARGUMENTS("The tool's arguments")
    "\"validate_output\":{\"type\":\"boolean\",\"default\":true,\"description\":"
    "\"Check structuredContent against the tool's outputSchema (from tools/list)\"},",
    WSC_EXPECT_PARAM("What the tools/call result must be",
        WSC_EXPECT_OUTPUT("content", "Matcher on the content items") ","
        WSC_EXPECT_OUTPUT("text", "The text items joined with newlines; "
                          "{\\\"$json\\\": ...} matches JSON carried in it") ","
        WSC_EXPECT_OUTPUT("structuredContent", "Matcher on the structured result") ","
        WSC_EXPECT_OUTPUT("isError", "true: the tool must report an error "
                          "(default: it must not)") ","
        RPC_ERROR));

static const char resource_schema[] = DT_SCHEMA("\"required\":[\"uri\"],",
    "\"uri\":{\"type\":\"string\",\"minLength\":1,\"description\":\"The resource to read\"},",
    WSC_EXPECT_PARAM("What the resources/read result must be",
        WSC_EXPECT_OUTPUT("contents", "Matcher on the contents ({uri, mimeType, "
                          "text or blob})") ","
        WSC_EXPECT_OUTPUT("text", "The text contents joined with newlines") ","
        RPC_ERROR));

static const char prompt_schema[] = DT_SCHEMA("\"required\":[\"name\"],",
    "\"name\":{\"type\":\"string\",\"minLength\":1,\"description\":\"The prompt to get\"},"
    ARGUMENTS("The prompt's arguments (strings)"),
    WSC_EXPECT_PARAM("What the prompts/get result must be",
        WSC_EXPECT_OUTPUT("description", "The prompt's description") ","
        WSC_EXPECT_OUTPUT("messages", "Matcher on the messages ({role, content})") ","
        RPC_ERROR));
static const char streaming_schema[] = DT_SCHEMA("\"required\":[\"tool\"],",
    "\"tool\":{\"type\":\"string\",\"minLength\":1,\"description\":\"The tool to call\"},"
    ARGUMENTS("The tool's arguments")
    "\"validate_output\":{\"type\":\"boolean\",\"default\":true,\"description\":"
    "\"Check structuredContent against the tool's outputSchema (from tools/list)\"},"
    "\"progress_token\":{\"type\":[\"string\",\"integer\"],\"default\":"
    "\"wscheck-progress\",\"description\":\"The progressToken sent in _meta\"},"
    "\"min_updates\":{\"type\":\"integer\",\"minimum\":0,\"default\":1,"
    "\"description\":\"Fewest progress notifications that pass\"},"
    "\"cancel_after\":{\"type\":\"integer\",\"minimum\":1,\"description\":"
    "\"Cancel the call after this many progress notifications\"},"
    "\"stop_within\":{\"type\":\"number\",\"minimum\":0,\"default\":2,"
    "\"description\":\"Seconds after a cancel by which progress must stop "
    "(then watched for twice the pace of the updates, at least as long)\"},"
    "\"linger\":{\"type\":\"number\",\"minimum\":0,\"default\":0.2,"
    "\"description\":\"Seconds to keep listening after the response for "
    "notifications that must not come\"},"
    "\"log_level\":{\"enum\":[\"debug\",\"info\",\"notice\",\"warning\","
    "\"error\",\"critical\",\"alert\",\"emergency\"],\"description\":"
    "\"logging/setLevel before the call\"},",
    WSC_EXPECT_PARAM("What the stream and the tools/call result must be",
        WSC_EXPECT_OUTPUT("updates", "Number of progress notifications") ","
        WSC_EXPECT_OUTPUT("progress", "The progress values, in order") ","
        WSC_EXPECT_OUTPUT("logs", "Params of the notifications/message received "
                          "({level, logger, data})") ","
        WSC_EXPECT_OUTPUT("content", "Matcher on the content items") ","
        WSC_EXPECT_OUTPUT("text", "The text items joined with newlines") ","
        WSC_EXPECT_OUTPUT("structuredContent", "Matcher on the structured result") ","
        WSC_EXPECT_OUTPUT("isError", "true: the tool must report an error") ","
        RPC_ERROR));
static const char protocol_schema[] = DT_SCHEMA("",
    "\"check_origin\":{\"type\":\"boolean\",\"default\":true,\"description\":"
    "\"Streamable HTTP: a foreign Origin must be refused with 403\"}",
    "");
static const char errors_schema[] = DT_SCHEMA("",
    "\"tool\":{\"type\":\"string\",\"minLength\":1,\"description\":"
    "\"A tool to call with bad arguments (without it that case is skipped)\"},"
    "\"bad_arguments\":{\"type\":\"object\",\"default\":{},\"description\":"
    "\"The bad arguments (default: none, when the tool requires some)\"},"
    "\"tool_errors\":{\"enum\":[\"either\",\"rpc\",\"isError\"],"
    "\"default\":\"either\",\"description\":\"How an unknown tool and bad "
    "arguments must be answered: a JSON-RPC error, isError: true, or either\"},"
    "\"malformed\":{\"type\":\"boolean\",\"default\":true,\"description\":"
    "\"Send malformed JSON (must get -32700)\"},"
    "\"strict_lifecycle\":{\"type\":\"boolean\",\"default\":false,\"description\":"
    "\"A request before initialize must get an error (else: a warning)\"},"
    "\"case_timeout\":{\"type\":\"number\",\"minimum\":0,\"default\":2,"
    "\"description\":\"Seconds each case waits for its answer\"}",
    "");
static const char status_schema[] = DT_SCHEMA("",
    "\"subscribe\":{\"type\":\"string\",\"description\":"
    "\"resources/subscribe to this URI first\"},"
    "\"log_level\":{\"enum\":[\"debug\",\"info\",\"notice\",\"warning\","
    "\"error\",\"critical\",\"alert\",\"emergency\"],\"description\":"
    "\"logging/setLevel first\"},"
    "\"trigger\":{\"type\":\"object\",\"description\":\"A tool call that causes "
    "updates: {tool, arguments}; its answer is not awaited\"},"
    "\"match\":{\"description\":\"Matcher on each notification message, e.g. "
    "{\\\"method\\\": \\\"notifications/resources/updated\\\"} (default: any)\"},"
    "\"count\":{\"type\":\"integer\",\"minimum\":1,\"default\":1,"
    "\"description\":\"How many matching notifications must come\"},"
    "\"within\":{\"type\":\"number\",\"minimum\":0,\"default\":5,"
    "\"description\":\"Seconds they must come within\"},",
    WSC_EXPECT_PARAM("What the notifications must be",
        WSC_EXPECT_OUTPUT("notifications", "Matcher on the matching notifications")));
/* clang-format on */

static const struct wsc_metric_decl initialize_metrics[] = {
    {"initialize_ms", "ms", "initialize request to its answer"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl discovery_metrics[] = {
    {"list_ms", "ms", "every page of tools/list"},
    {"tools", "count", "tools listed"},
    {"pages", "count", "pages of tools/list"},
    {"resources", "count", "resources listed (when declared)"},
    {"prompts", "count", "prompts listed (when declared)"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl request_metrics[] = {
    {"request_ms", "ms", "the request to its answer"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl streaming_metrics[] = {
    {"first_progress_ms", "ms", "the call to its first progress notification"},
    {"max_progress_gap_ms", "ms", "longest time between two progress notifications"},
    {"call_ms", "ms", "the call to its response"},
    {"updates", "count", "progress notifications"},
    {NULL, NULL, NULL},
};

static const struct wsc_metric_decl status_metrics[] = {
    {"notifications", "count", "matching notifications"},
    {"first_update_ms", "ms", "subscription to the first matching notification"},
    {"max_update_gap_ms", "ms", "longest time between two matching notifications"},
    {NULL, NULL, NULL},
};

static const struct wsc_check checks[] = {
    {.name = "initialize",
     .summary = "MCP handshake: protocol version, server info, capabilities",
     .params_schema = initialize_schema,
     .run = dt_check_initialize,
     .validate = dt_validate_endpoint,
     .metrics = initialize_metrics},
    {.name = "tool_discovery",
     .summary = "list every tool (all pages), check each, and resources and prompts",
     .params_schema = discovery_schema,
     .run = dt_check_tool_discovery,
     .validate = dt_validate_endpoint,
     .metrics = discovery_metrics},
    {.name = "call",
     .summary = "call a tool and check its result against expect and its outputSchema",
     .params_schema = call_schema,
     .run = dt_check_call,
     .validate = dt_validate_endpoint,
     .metrics = request_metrics},
    {.name = "resource",
     .summary = "read a resource (resources/read) and check its contents",
     .params_schema = resource_schema,
     .run = dt_check_resource,
     .validate = dt_validate_endpoint,
     .metrics = request_metrics},
    {.name = "prompt",
     .summary = "get a prompt (prompts/get) and check its messages",
     .params_schema = prompt_schema,
     .run = dt_check_prompt,
     .validate = dt_validate_endpoint,
     .metrics = request_metrics},
    {.name = "command_streaming",
     .summary = "call a tool with a progress token and check its progress and logs",
     .params_schema = streaming_schema,
     .run = dt_check_command_streaming,
     .validate = dt_validate_endpoint,
     .metrics = streaming_metrics},
    {.name = "protocol",
     .summary = "MCP protocol validation: ping, version header, Origin, session end",
     .params_schema = protocol_schema,
     .run = dt_check_protocol,
     .validate = dt_validate_endpoint},
    {.name = "error_propagation",
     .summary = "unknown method and tool, bad arguments, malformed JSON, no initialize",
     .params_schema = errors_schema,
     .run = dt_check_error_propagation,
     .validate = dt_validate_endpoint,
     .flags = WSC_CHECK_CASES},
    {.name = "status_updates",
     .summary = "subscribe, then wait for matching notifications within a time",
     .params_schema = status_schema,
     .run = dt_check_status_updates,
     .validate = dt_validate_endpoint,
     .metrics = status_metrics},
    {.name = NULL},
};

WSC_PLUGIN("dev-toolkit", "1.0.0",
           "MCP servers: handshake, tool discovery, calls, streaming, resources, prompts",
           checks);
