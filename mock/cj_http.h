/* wscheck-mock: crackerjack's HTTP routes on its port: GET / (status and
 * jobs), GET /latest, GET /monitor/{job_id} and GET /test (HTML); other
 * paths 404 and other methods 405, with FastAPI's {"detail": ...}. */
#ifndef WSCHECK_MOCK_CJ_HTTP_H
#define WSCHECK_MOCK_CJ_HTTP_H

#include <stdbool.h>

#include <libwebsockets.h>

#include "http_reply.h"

struct mock_server;

struct cj_http_pss {
    struct http_reply reply;
    bool pending; /* prepared, sent once the request's body is read */
};

/* LWS_CALLBACK_HTTP: returns what the callback must return. */
int cj_http_request(struct mock_server *srv, struct lws *wsi, struct cj_http_pss *pss);

/* LWS_CALLBACK_HTTP_BODY_COMPLETION of a request with a body. */
int cj_http_body_done(struct lws *wsi, struct cj_http_pss *pss);

#endif
