/* wscheck-mock: MCP over WebSocket - one JSON-RPC message per text frame,
 * the connection being the session. Chosen by the subprotocol "mcp" on
 * the WebSocket port (any path), and the WebSocket side of the
 * dev-toolkit port. */
#ifndef WSCHECK_MOCK_MCP_WS_H
#define WSCHECK_MOCK_MCP_WS_H

#include <stdbool.h>
#include <stddef.h>

#include <libwebsockets.h>

#include "reassembly.h"
#include "clients.h"
#include "mcp_server.h"
#include "mcp_sink.h"

#define MCP_WS_SUBPROTOCOL "mcp"

struct mcp_ws_pss {
    struct lws *wsi;
    struct mock_server *srv;
    struct mcp_sink sink; /* the connection, for streamed calls */
    struct mcp_async async;
    struct mcp_ws_session session;
    struct mock_outq out;
    struct mock_reassembly partial;
    bool discarding; /* an oversize or binary message: close once read */
    bool closing;
    bool live;                      /* established, not yet closed */
    struct mcp_ws_pss *prev, *next; /* the server's open sessions */
};

/* Server exit: every MCP session is closed with 1001. */
void mcp_ws_shutdown_all(struct mock_server *srv);

/* The WebSocket reasons of an MCP connection; others return 0. */
int mcp_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                    void *in, size_t len);

#endif
