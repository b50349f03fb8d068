/* wscheck-mock: the development toolkit's MCP tools (profile dev-toolkit):
 * run_command, a simulated command that streams its output, and
 * get_status. */
#ifndef WSCHECK_MOCK_MCP_TOOLKIT_H
#define WSCHECK_MOCK_MCP_TOOLKIT_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "mcp_tools.h"

struct mock_server;
struct mcp_peer;

/* Appends the toolkit's tools (name, description, inputSchema) to list. */
void mcp_toolkit_list(json_object *list);

/* tools/call of a toolkit tool: MCP_TOOL_UNKNOWN when name is none of
 * them. run_command answers later through peer's sink (DEFERRED). */
enum mcp_tool_status mcp_toolkit_call(struct mock_server *srv,
                                      const struct mcp_peer *peer, const char *name,
                                      json_object *id, json_object *params,
                                      json_object **result, char *err, size_t errlen);

#endif
