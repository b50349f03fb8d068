/* wscheck-mock: trigger_alert. */
#include "mon_tools.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "jsonout.h"
#include "mon.h"
#include "pyjson.h"
#include "server.h"

static const char tool_json[] =
    "{\"name\":\"trigger_alert\","
    "\"description\":\"Raise a quality alert on the monitoring profile: it is sent as "
    "{\\\"type\\\":\\\"alert\\\"} to every /ws/alerts/subscribe socket and listed in "
    "active_alerts and the dashboard. A mock extension: crackerjack never sends alerts.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{"
    "\"severity\":{\"type\":\"string\",\"enum\":[\"info\",\"warning\",\"critical\"],"
    "\"default\":\"warning\"},"
    "\"message\":{\"type\":\"string\",\"default\":\"Triggered alert\"},"
    "\"metric_name\":{\"type\":\"string\",\"default\":\"quality_score\"},"
    "\"current_value\":{\"type\":\"number\",\"default\":0},"
    "\"threshold_value\":{\"type\":\"number\",\"default\":0},"
    "\"git_hash\":{\"type\":[\"string\",\"null\"]},"
    "\"drop\":{\"type\":\"boolean\",\"default\":false,"
    "\"description\":\"Accept the alert but never send it (fault alert-dropped)\"}}}}";

void mon_tools_list(json_object *list)
{
    json_object *tool = NULL;
    char err[160];

    if (pyjson_parse(tool_json, sizeof(tool_json) - 1, false, &tool, err, sizeof(err)) ==
        PYJSON_OK)
        mock_json_append(list, tool);
}

enum mcp_tool_status mon_tools_call(struct mock_server *srv, const char *name,
                                    json_object *args, json_object **result, char *err,
                                    size_t errlen)
{
    json_object *alert, *drop = NULL, *o;
    bool dropped;
    size_t n;

    if (!name || strcmp(name, "trigger_alert") != 0)
        return MCP_TOOL_UNKNOWN;
    if (!args)
        args = json_object_new_object();
    else
        json_object_get(args);
    if (json_object_object_get_ex(args, "drop", &drop) &&
        !json_object_is_type(drop, json_type_boolean)) {
        json_object_put(args);
        snprintf(err, errlen, "Invalid arguments: drop must be a boolean");
        return MCP_TOOL_BAD_ARGS;
    }
    dropped =
        json_object_get_boolean(drop) || (srv->opt->mon.faults & MON_FAULT_ALERT_DROPPED);
    alert = mon_alert_from(args, err, errlen);
    json_object_put(args);
    if (!alert)
        return MCP_TOOL_BAD_ARGS;
    if (!(o = json_object_new_object())) {
        json_object_put(alert);
        return MCP_TOOL_BAD_ARGS;
    }
    mock_json_add(o, "status", json_object_new_string("triggered"));
    mock_json_add(o, "alert", json_object_get(alert));
    n = mon_alert_raise(srv->mon, alert, dropped);
    mock_json_add(o, "subscribers", json_object_new_int64((int64_t)n));
    *result = o;
    return MCP_TOOL_DONE;
}
