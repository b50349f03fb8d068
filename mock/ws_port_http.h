/* wscheck-mock: plain HTTP on the WebSocket port. GET /health and
 * GET /status answer JSON; any other request gets a 4xx at once (426 for
 * a GET that should have been a WebSocket upgrade), never a hang. */
#ifndef WSCHECK_MOCK_WS_PORT_HTTP_H
#define WSCHECK_MOCK_WS_PORT_HTTP_H

#include <libwebsockets.h>

#include "http_reply.h"

struct mock_server;

struct ws_port_http_pss {
    struct http_reply reply;
};

/* LWS_CALLBACK_HTTP: returns what the callback must return. */
int ws_port_http_request(struct mock_server *srv, struct lws *wsi,
                         struct ws_port_http_pss *pss);

/* LWS_CALLBACK_HTTP_BODY_COMPLETION of a request we refuse. */
int ws_port_http_body_done(struct lws *wsi, struct ws_port_http_pss *pss);

#endif
