/* wscheck-mock: run_command and get_status. */
#include "mcp_toolkit.h"

#include <stdio.h>
#include <string.h>

#include "jsonout.h"
#include "mcp_runs.h"
#include "mcp_server.h"
#include "pyjson.h"
#include "server.h"
#include "timefmt.h"

#define MAX_LINES 10000
#define MAX_INTERVAL_MS 60000
#define DEFAULT_INTERVAL_MS 100

static const char tools_json[] =
    "[{\"name\":\"run_command\","
    "\"description\":\"Run a development command (simulated: nothing is executed). Output lines come as logging notifications (notifications/message, logger run_command) and, when the call has a progressToken, as progress notifications; then the result. Arguments can make it fail, stall or misbehave, to test clients.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{"
    "\"command\":{\"type\":\"string\",\"enum\":[\"lint\",\"test\",\"build\"],\"description\":\"The command to run\"},"
    "\"lines\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000,\"description\":\"Output lines (lint 4, test 6, build 5)\"},"
    "\"interval_ms\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":60000,\"default\":100,\"description\":\"Pause before each line\"},"
    "\"fail\":{\"type\":\"boolean\",\"default\":false,\"description\":\"End with exit code 1 and isError true\"},"
    "\"stall\":{\"type\":\"boolean\",\"default\":false,\"description\":\"Print the lines, then never answer (until cancelled)\"},"
    "\"misbehave\":{\"type\":\"string\",\"enum\":[\"progress_backwards\",\"notification_after_result\",\"wrong_id\",\"wrong_token\"],\"description\":\"Break the protocol this way\"}},"
    "\"required\":[\"command\"]}},"
    "{\"name\":\"get_status\","
    "\"description\":\"Status of the development toolkit server: commands available and running, counts of commands started, completed, failed and cancelled.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{}}}]";

static const char *const misbehaviours[] = {
    [MCP_MIS_PROGRESS_BACKWARDS] = "progress_backwards",
    [MCP_MIS_AFTER_RESULT] = "notification_after_result",
    [MCP_MIS_WRONG_ID] = "wrong_id",
    [MCP_MIS_WRONG_TOKEN] = "wrong_token",
};

void mcp_toolkit_list(json_object *list)
{
    json_object *tools = NULL;
    char err[160];

    if (!list || pyjson_parse(tools_json, sizeof(tools_json) - 1, false, &tools, err,
                              sizeof(err)) != PYJSON_OK)
        return;
    for (size_t i = 0; i < json_object_array_length(tools); i++)
        mock_json_append(list, json_object_get(json_object_array_get_idx(tools, i)));
    json_object_put(tools);
}

/* ---- arguments ---- */

static bool bad(char *err, size_t errlen, const char *name, const char *what)
{
    snprintf(err, errlen, "Invalid arguments: %s must be %s", name, what);
    return false;
}

static bool int_arg(json_object *args, const char *name, int min, int max, int *out,
                    char *err, size_t errlen)
{
    json_object *v;
    int64_t n;
    char what[64];

    if (!args || !json_object_object_get_ex(args, name, &v) || !v)
        return true;
    n = json_object_get_int64(v);
    snprintf(what, sizeof(what), "an integer from %d to %d", min, max);
    if (!json_object_is_type(v, json_type_int) || n < min || n > max)
        return bad(err, errlen, name, what);
    *out = (int)n;
    return true;
}

static bool bool_arg(json_object *args, const char *name, bool *out, char *err,
                     size_t errlen)
{
    json_object *v;

    if (!args || !json_object_object_get_ex(args, name, &v) || !v)
        return true;
    if (!json_object_is_type(v, json_type_boolean))
        return bad(err, errlen, name, "a boolean");
    *out = json_object_get_boolean(v);
    return true;
}

static bool command_arg(json_object *args, int *out, char *err, size_t errlen)
{
    json_object *v;

    if (!args || !json_object_object_get_ex(args, "command", &v) ||
        !json_object_is_type(v, json_type_string)) {
        snprintf(err, errlen,
                 "Invalid arguments: command is required (lint, test or build)");
        return false;
    }
    *out = mcp_run_command_index(json_object_get_string(v));
    if (*out < 0) {
        snprintf(err, errlen, "Unknown command: %.64s (available: lint, test, build)",
                 json_object_get_string(v));
        return false;
    }
    return true;
}

static bool misbehave_arg(json_object *args, enum mcp_misbehave *out, char *err,
                          size_t errlen)
{
    json_object *v;

    *out = MCP_MIS_NONE;
    if (!args || !json_object_object_get_ex(args, "misbehave", &v) || !v)
        return true;
    if (json_object_is_type(v, json_type_string))
        for (size_t i = 1; i < sizeof(misbehaviours) / sizeof(*misbehaviours); i++)
            if (strcmp(json_object_get_string(v), misbehaviours[i]) == 0) {
                *out = (enum mcp_misbehave)i;
                return true;
            }
    return bad(err, errlen, "misbehave",
               "progress_backwards, notification_after_result, wrong_id or wrong_token");
}

/* params._meta.progressToken: a string or an integer, or NULL. */
static bool progress_token(json_object *params, json_object **token, char *err,
                           size_t errlen)
{
    json_object *meta;

    *token = NULL;
    if (!json_object_object_get_ex(params, "_meta", &meta) ||
        !json_object_is_type(meta, json_type_object) ||
        !json_object_object_get_ex(meta, "progressToken", token))
        return true;
    if (json_object_is_type(*token, json_type_string) ||
        json_object_is_type(*token, json_type_int))
        return true;
    snprintf(err, errlen,
             "Invalid params: _meta.progressToken must be a string or an integer");
    return false;
}

/* ---- the tools ---- */

static enum mcp_tool_status run_command(struct mock_server *srv,
                                        const struct mcp_peer *peer, json_object *id,
                                        json_object *params, char *err, size_t errlen)
{
    json_object *args = NULL, *token;
    struct mcp_run_spec spec = {0};

    json_object_object_get_ex(params, "arguments", &args);
    spec.interval_ms = DEFAULT_INTERVAL_MS;
    spec.min_level = peer->log_level ? *peer->log_level : 0;
    if (!command_arg(args, &spec.command, err, errlen))
        return MCP_TOOL_BAD_ARGS;
    spec.lines = mcp_run_default_lines(spec.command);
    if (!int_arg(args, "lines", 1, MAX_LINES, &spec.lines, err, errlen) ||
        !int_arg(args, "interval_ms", 0, MAX_INTERVAL_MS, &spec.interval_ms, err,
                 errlen) ||
        !bool_arg(args, "fail", &spec.fail, err, errlen) ||
        !bool_arg(args, "stall", &spec.stall, err, errlen) ||
        !misbehave_arg(args, &spec.misbehave, err, errlen) ||
        !progress_token(params, &token, err, errlen))
        return MCP_TOOL_BAD_ARGS;
    if (!peer->sink) {
        snprintf(err, errlen, "run_command cannot stream on this connection");
        return MCP_TOOL_BAD_ARGS;
    }
    if (mcp_runs_start(srv, peer->session, id, token, &spec, peer->sink, err, errlen))
        return MCP_TOOL_BAD_ARGS;
    return MCP_TOOL_DEFERRED;
}

static json_object *get_status(struct mock_server *srv)
{
    json_object *o = json_object_new_object(), *info = json_object_new_object();

    if (!o || !info) {
        json_object_put(o);
        json_object_put(info);
        return NULL;
    }
    mock_json_add(info, "name", json_object_new_string(MCP_SERVER_NAME));
    mock_json_add(info, "version", json_object_new_string(MOCK_SERVER_VERSION));
    mock_json_add(info, "profile", json_object_new_string("dev-toolkit"));
    mock_json_add(o, "status", json_object_new_string("ok"));
    mock_json_add(o, "server", info);
    mock_json_add(o, "commands", mcp_runs_status(srv));
    mock_json_add(o, "uptime_seconds",
                  mock_json_seconds(mock_mono_us() - srv->stats.start_mono));
    mock_json_add(o, "timestamp", mock_json_now());
    return o;
}

enum mcp_tool_status mcp_toolkit_call(struct mock_server *srv,
                                      const struct mcp_peer *peer, const char *name,
                                      json_object *id, json_object *params,
                                      json_object **result, char *err, size_t errlen)
{
    *result = NULL;
    if (strcmp(name, "run_command") == 0)
        return run_command(srv, peer, id, params, err, errlen);
    if (strcmp(name, "get_status") == 0) {
        *result = get_status(srv);
        return MCP_TOOL_DONE;
    }
    return MCP_TOOL_UNKNOWN;
}
