/* wscheck-mock: crackerjack's MCP tools (profile crackerjack), on the
 * shared MCP port: execute_crackerjack (a simulated job), get_job_progress,
 * get_comprehensive_status, get_server_stats, get_stage_status,
 * get_next_action and session_management. As FastMCP serves them, each
 * returns JSON text (indent 2), also as structuredContent {"result": text};
 * a tool's own errors are JSON text too, with isError false. */
#ifndef WSCHECK_MOCK_CJ_TOOLS_H
#define WSCHECK_MOCK_CJ_TOOLS_H

#include <json-c/json.h>

#include "mcp_tools.h"

struct mock_server;

#define CJ_MCP_SERVER_NAME "crackerjack-mcp-server"

/* Appends the tools (name, description, inputSchema, outputSchema). */
void cj_tools_list(json_object *list);

/* tools/call: MCP_TOOL_RESPONSE with the JSON-RPC response for id in
 * *response, or MCP_TOOL_UNKNOWN when name is not one of them. */
enum mcp_tool_status cj_tools_call(struct mock_server *srv, const char *name,
                                   json_object *id, json_object *args,
                                   json_object **response);

#endif
