/* wscheck-mock: the dev-toolkit profile's port - MCP over Streamable
 * HTTP (the MCP path) and over WebSocket (any path) on one listener. */
#ifndef WSCHECK_MOCK_MCP_PORT_H
#define WSCHECK_MOCK_MCP_PORT_H

#include <libwebsockets.h>

#include "mcp_http.h"
#include "mcp_ws.h"

/* Per-connection memory: HTTP requests, or an upgraded WebSocket. */
union mcp_port_pss {
    struct mcp_pss http;
    struct mcp_ws_pss ws;
};

int mcp_port_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                      void *in, size_t len);

#endif
