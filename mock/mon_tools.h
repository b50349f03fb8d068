/* wscheck-mock: the monitoring profile's MCP tool, trigger_alert (an
 * extension: it raises an alert as POST /alerts/trigger does). */
#ifndef WSCHECK_MOCK_MON_TOOLS_H
#define WSCHECK_MOCK_MON_TOOLS_H

#include <stddef.h>

#include <json-c/json.h>

#include "mcp_tools.h"

struct mock_server;

void mon_tools_list(json_object *list);

/* MCP_TOOL_UNKNOWN when name is not the profile's tool. */
enum mcp_tool_status mon_tools_call(struct mock_server *srv, const char *name,
                                    json_object *args, json_object **result, char *err,
                                    size_t errlen);

#endif
