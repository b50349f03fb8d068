/* wscheck-mock: the libwebsockets protocol callback of the WebSocket port:
 * connection life cycle, message reassembly, the write queue, and plain
 * HTTP handed to ws_port_http. */
#ifndef WSCHECK_MOCK_WS_CONN_H
#define WSCHECK_MOCK_WS_CONN_H

#include <stddef.h>

#include <libwebsockets.h>

#include "clients.h"
#include "ws_port_http.h"

struct mock_server;

/* Per-connection memory: a connection is plain HTTP or a WebSocket client,
 * never both at once (an upgrade starts the client afresh). */
union ws_conn_pss {
    struct mock_client client;
    struct ws_port_http_pss http;
};

int ws_conn_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                     void *in, size_t len);

/* Server exit: every client gets what is queued for it, then a 1001 close. */
void ws_conn_shutdown_all(struct mock_server *srv);

#endif
