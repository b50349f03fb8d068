/* wscheck-mock: plain HTTP on the WebSocket port. GET /health and
 * GET /status answer JSON; any other request gets a 4xx at once (426 for
 * a GET that should have been a WebSocket upgrade), never a hang. */
#ifndef WSCHECK_MOCK_HTTP_STATUS_H
#define WSCHECK_MOCK_HTTP_STATUS_H

#include <libwebsockets.h>

#include "http_reply.h"

struct mock_server;

struct http_status_pss {
    struct http_reply reply;
};

/* LWS_CALLBACK_HTTP: returns what the callback must return. */
int http_status_request(struct mock_server *srv, struct lws *wsi,
                        struct http_status_pss *pss);

/* LWS_CALLBACK_HTTP_BODY_COMPLETION of a request we refuse. */
int http_status_body_done(struct lws *wsi, struct http_status_pss *pss);

#endif
