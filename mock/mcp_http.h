/* wscheck-mock: the MCP endpoint's HTTP side - one POST per JSON-RPC
 * message, DELETE to end a session, Origin checks and CORS. */
#ifndef WSCHECK_MOCK_MCP_HTTP_H
#define WSCHECK_MOCK_MCP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <libwebsockets.h>

#include "clients.h"
#include "http_reply.h"
#include "mcp_server.h"
#include "mcp_sink.h"

struct mock_options;

struct mcp_pss {
    struct lws *wsi;
    struct http_reply reply;
    struct mcp_async async;
    char *body;
    size_t body_len, body_cap;
    bool body_too_big;
    bool expect_body; /* lws will read a request body */
    int refusal;      /* HTTP status to answer after the body */
    const char *refusal_msg;
    /* Streamed answers: a POST answered with SSE, or the GET stream. */
    struct mcp_sink sink;
    struct mock_outq sse_out;
    bool sse_ok;        /* Accept allows text/event-stream */
    bool streaming;     /* answering with an SSE stream */
    bool sse_head_sent; /* its headers are out */
    bool sse_end;       /* close once the queue is written */
    char session[80];
    char version[40];
    char origin[256];
    bool has_session, has_version, has_origin;
};

int mcp_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                      void *in, size_t len);

/* Browsers' Origin for requests we serve: none, a localhost one, or one
 * given with --allowed-origin ("*" allows all). */
bool mcp_origin_allowed(const struct mock_options *opt, const char *origin);

#endif
