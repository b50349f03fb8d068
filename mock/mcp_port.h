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

/* An upgrade to an MCP session from a browser Origin that is not allowed
 * (mcp_origin_allowed) gets 403, as the HTTP endpoint's requests do.
 * Returns 0 to go on, else what LWS_CALLBACK_HTTP_CONFIRM_UPGRADE returns. */
int mcp_ws_check_origin(struct lws *wsi);

int mcp_port_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                      void *in, size_t len);

#endif
