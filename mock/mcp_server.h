/* wscheck-mock: the MCP server - JSON-RPC 2.0 over Streamable HTTP
 * (protocol 2025-06-18): sessions, initialize, ping, tools/list and
 * tools/call. Transport-free: mcp_http feeds it requests and writes the
 * answers. */
#ifndef WSCHECK_MOCK_MCP_SERVER_H
#define WSCHECK_MOCK_MCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>
#include <libwebsockets.h>

#include "mcp_sessions.h"

#define MCP_PROTOCOL_LATEST "2025-06-18"

struct mock_server;
struct mcp_state;

/* A tool call that answers later (the stress test sends five pings 0.1 s
 * apart on a timer). It lives in the HTTP connection's memory and is
 * cancelled if that connection goes away. */
struct mcp_async {
    lws_sorted_usec_list_t sul;
    struct mock_server *srv;
    json_object *rpc_id;
    json_object *results;
    json_object *target; /* target_client argument, or NULL */
    int step;
    bool active;
    /* Called once with the JSON-RPC response (taken). */
    void (*finished)(struct mcp_async *a, json_object *response);
};

struct mcp_request {
    const char *client;           /* remote address, sessions are counted by */
    const char *session_id;       /* Mcp-Session-Id header, or NULL */
    const char *protocol_version; /* MCP-Protocol-Version, or NULL */
    const char *body;
    size_t len;
};

struct mcp_answer {
    int status;                              /* HTTP status */
    json_object *body;                       /* NULL: empty body */
    char session_id[MCP_SESSION_ID_LEN + 1]; /* "": no header */
    bool deferred;                           /* comes later through mcp_async */
};

struct mcp_state *mcp_new(void);
void mcp_free(struct mcp_state *st);

/* One POSTed JSON-RPC message. */
void mcp_handle_post(struct mock_server *srv, const struct mcp_request *req,
                     struct mcp_answer *ans, struct mcp_async *async);

/* DELETE: ends a session. */
void mcp_handle_delete(struct mock_server *srv, const char *session_id,
                       struct mcp_answer *ans);

/* {"jsonrpc":"2.0","id":id,"result":{"content":[text],"isError":false}}
 * for a tool's result object (taken). */
json_object *mcp_tool_response(json_object *id, json_object *result);

void mcp_async_cancel(struct mcp_async *a);

#endif
