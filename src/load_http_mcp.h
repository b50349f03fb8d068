/* MCP over Streamable HTTP on the load engine: what the compiler
 * (load_http_mcp_compile.c), the session (load_http_mcp.c) and the reading
 * of answers (load_http_mcp_answer.c) share. */
#ifndef WSC_LOAD_HTTP_MCP_H
#define WSC_LOAD_HTTP_MCP_H

#include "load_http.h"

/* Pages of tools/list followed at most in one session. */
#define MH_MAX_PAGES 100
/* The longest Mcp-Session-Id kept (the spec's ids are short tokens). */
#define MH_SESSION_ID_MAX 256

/* The JSON-RPC ids of a session: every session is its own MCP session, so
 * the same ids serve every one of them. */
#define MH_ID_INITIALIZE 1
#define MH_ID_CALL 2 /* and up, one per page of tools/list */

/* What one session does, compiled once for all of them. */
struct mh_script {
    char *path;                      /* of the endpoint */
    char *host;                      /* Host: value */
    struct json_object *headers;     /* the test's headers (and Origin) */
    char *initialize;                /* the initialize request's JSON text */
    char *version;                   /* protocol version offered */
    char *method;                    /* the call, or NULL (initialize only) */
    struct json_object *call_params; /* its params */
    int paginate;                    /* tools/list: follow nextCursor */
    struct json_object *expect;      /* on the call's answer (on initialize's
                                   when there is no call) */
    size_t max_body;                 /* 0: the plan's max_message */
    char *check;                     /* "dev-toolkit.call" for messages */
};

/* ---- load_http_mcp_answer.c ------------------------------------------------ */

/* The JSON-RPC message answering request `id` in a response body, which is
 * either JSON (`sse` 0) or an event stream; a new reference, or NULL with
 * *why a malloc'ed message. */
struct json_object *mh_answer(const char *body, size_t len, int sse, int64_t id,
                              size_t max, char **why);
/* The outputs of an answer as dev-toolkit publishes them: the result's
 * members (with `text`, the text items joined; for tools/call `isError`
 * false when absent), or {"error": ...}. *rpc_error tells which. */
struct json_object *mh_outputs(const struct json_object *answer, const char *method,
                               int *rpc_error);
/* The outputs of tool_discovery, over either transport: "tools" (the
 * items of every page; [] for NULL) and "tool_names". */
struct json_object *mh_tool_outputs(struct json_object *items);
/* The initialize outputs: the result's members, transport "http" and the
 * session id when there is one. */
struct json_object *mh_initialize_outputs(const struct json_object *answer,
                                          const char *session_id);
/* Matches an answer against the test: 0, or -1 with *kind and *msg
 * (malloc'ed) saying why not (a JSON-RPC error nobody expected: status;
 * isError: true or a mismatch of `expect`: expect). */
int mh_check_answer(const struct mh_script *d, const char *method,
                    const struct json_object *outputs, int rpc_error,
                    enum wsc_load_error *kind, char **msg);

#endif
