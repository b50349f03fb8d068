/* wscheck-mock: where an MCP session's messages go - a WebSocket
 * connection, the SSE stream answering one HTTP POST, or a session's GET
 * stream. A tool that streams (run_command) writes through one, so it does
 * not know the transport. */
#ifndef WSCHECK_MOCK_MCP_SINK_H
#define WSCHECK_MOCK_MCP_SINK_H

#include <stdbool.h>

#include <json-c/json.h>

struct mcp_sink {
    /* Sends one JSON-RPC message (not taken). Returns 0, or -1 if it
     * could not be sent (the peer is going). */
    int (*send)(struct mcp_sink *s, json_object *msg);
    /* The streamed call is over: its response went out (responded), or it
     * was cancelled or stalled for good. NULL: nothing to do. */
    void (*done)(struct mcp_sink *s, bool responded);
};

#endif
