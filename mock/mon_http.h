/* wscheck-mock: plain HTTP on the monitoring port - GET /metrics and
 * POST /alerts/trigger (an extension: crackerjack cannot be made to send
 * an alert); other paths 404 {"detail":"Not Found"} as FastAPI says. */
#ifndef WSCHECK_MOCK_MON_HTTP_H
#define WSCHECK_MOCK_MON_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <libwebsockets.h>

#include "http_reply.h"

struct mock_server;

struct mon_http_pss {
    struct http_reply reply;
    char *body;
    size_t body_len, body_cap;
    bool trigger;  /* POST /alerts/trigger: answered at body completion */
    bool too_big;  /* the body passed the limit */
    bool drop;     /* ?fault=alert-dropped */
    bool answered; /* the reply is prepared */
};

int mon_http_request(struct mock_server *srv, struct lws *wsi, struct mon_http_pss *pss);
int mon_http_body(struct mon_http_pss *pss, const char *in, size_t len);
int mon_http_body_done(struct mock_server *srv, struct lws *wsi,
                       struct mon_http_pss *pss);
void mon_http_closed(struct mon_http_pss *pss);

#endif
