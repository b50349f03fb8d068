/* wscheck-mock: the four MCP tools, acting on the live WebSocket server. */
#ifndef WSCHECK_MOCK_MCP_TOOLS_H
#define WSCHECK_MOCK_MCP_TOOLS_H

#include <stddef.h>

#include <json-c/json.h>

struct mock_server;
struct mcp_async;

enum mcp_tool_status {
    MCP_TOOL_DONE,     /* *result is the tool's result object */
    MCP_TOOL_RESPONSE, /* *result is the whole JSON-RPC response */
    MCP_TOOL_DEFERRED, /* the result comes through the async job */
    MCP_TOOL_UNKNOWN,  /* no such tool */
    MCP_TOOL_BAD_ARGS  /* err says which argument */
};

/* tools/list's "tools": name, description and inputSchema of each. */
json_object *mcp_tools_list(void);

enum mcp_tool_status mcp_tool_call(struct mock_server *srv, const char *name,
                                   json_object *args, json_object **result,
                                   struct mcp_async *async, char *err, size_t errlen);

#endif
