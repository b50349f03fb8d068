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
#define MCP_SERVER_NAME "WebSocketMockMCP"

struct mock_server;
struct mcp_state;
struct mcp_sink;

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
    struct mcp_sink *sink; /* where a streaming tool call writes */
};

/* Who a message comes from, whatever the transport. */
struct mcp_peer {
    const char *session;   /* the key runs and streams are filed under */
    int *log_level;        /* set by logging/setLevel (mcp_log_level) */
    struct mcp_sink *sink; /* NULL: no streaming tool calls */
    bool level_subscribes; /* logging/setLevel subscribes sink to status */
};

/* An MCP session over WebSocket: the connection is the session. */
struct mcp_ws_session {
    char key[48];
    bool initialized;
    int log_level;
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

/* One text frame of an MCP WebSocket session. Returns the reply to send
 * (NULL: none now; a deferred tool call answers through sink or async). */
json_object *mcp_handle_ws(struct mock_server *srv, struct mcp_ws_session *ws,
                           const char *text, size_t len, struct mcp_sink *sink,
                           struct mcp_async *async);

/* A GET stream for server-initiated messages: checks the session and
 * protocol version (ans filled in and false when refused). */
bool mcp_check_stream(struct mock_server *srv, const char *session_id,
                      const char *protocol_version, struct mcp_answer *ans);

/* DELETE: ends a session. */
void mcp_handle_delete(struct mock_server *srv, const char *session_id,
                       struct mcp_answer *ans);

/* {"jsonrpc":"2.0","id":id,"result":result} (result taken). */
json_object *mcp_rpc_result(json_object *id, json_object *result);

/* {"jsonrpc":"2.0","id":id,"result":{"content":[text],"isError":false}}
 * for a tool's result object (taken). */
json_object *mcp_tool_response(json_object *id, json_object *result);

/* The same, with isError set as asked. */
json_object *mcp_tool_response_ex(json_object *id, json_object *result, bool is_error);

void mcp_async_cancel(struct mcp_async *a);

#endif
