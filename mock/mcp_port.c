/* wscheck-mock: one port, two MCP transports. */
#include "mcp_port.h"

#include <string.h>

#include "http_reply.h"
#include "log.h"
#include "server.h"
#include "ws_handshake.h"

int mcp_ws_check_origin(struct lws *wsi)
{
    struct mock_server *srv = mock_server_of(wsi);
    char origin[256];

    if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) <= 0 ||
        lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) < 0 ||
        mcp_origin_allowed(srv->opt, origin))
        return 0;
    mock_log(MOCK_LOG_INFO, "MCP: refused WebSocket Origin %s", origin);
    return http_refuse_upgrade(wsi, HTTP_STATUS_FORBIDDEN,
                               "Forbidden: Origin not allowed");
}

/* A WebSocket that offers subprotocols must offer "mcp"; one offering
 * none is taken as MCP too (the port speaks nothing else). */
static int confirm_upgrade(struct lws *wsi)
{
    char offered[256], *save = NULL, *tok;
    const char *why;
    int status = ws_handshake_check(wsi, &why);

    if (status) {
        mock_log(MOCK_LOG_INFO, "refused upgrade: %s", why);
        return http_refuse_upgrade(wsi, status, why);
    }
    if (lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL) <= 0)
        return mcp_ws_check_origin(wsi);
    if (lws_hdr_copy(wsi, offered, sizeof(offered), WSI_TOKEN_PROTOCOL) < 0)
        offered[0] = '\0';
    for (tok = strtok_r(offered, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save))
        if (strcmp(tok, MCP_WS_SUBPROTOCOL) == 0)
            return mcp_ws_check_origin(wsi);
    mock_log(MOCK_LOG_INFO, "refused upgrade: subprotocol \"mcp\" not offered");
    return http_refuse_upgrade(wsi, HTTP_STATUS_BAD_REQUEST,
                               "Unsupported WebSocket subprotocol: this MCP endpoint "
                               "speaks \"mcp\"");
}

int mcp_port_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                      void *in, size_t len)
{
    switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return confirm_upgrade(wsi);
    case LWS_CALLBACK_ESTABLISHED:
    case LWS_CALLBACK_RECEIVE:
    case LWS_CALLBACK_SERVER_WRITEABLE:
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    case LWS_CALLBACK_CLOSED:
        return mcp_ws_callback(wsi, reason, user, in, len);
    default:
        return mcp_http_callback(wsi, reason, user, in, len);
    }
}
