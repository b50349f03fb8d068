/* What the files of the MCP client share; not installed.
 *
 * mcp_session.c keeps the JSON-RPC session (ids, pending requests, events,
 * answers to server requests, initialize), mcp_rules.c checks received
 * messages, mcp_sse.c parses event streams, mcp_options.c the options, and
 * one file per transport moves bytes: mcp_ws.c, mcp_http.c (Streamable HTTP
 * and legacy HTTP+SSE), mcp_stdio.c. */
#ifndef WSC_MCP_INTERNAL_H
#define WSC_MCP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <wscheck/mcp.h>

#include "util.h"

#define MCP_ERR_MAX 1024
#define MCP_WAIT_DEFAULT_S 30.0
#define MCP_CLOSE_WAIT_S 2.0
#define MCP_RESUME_MAX 3 /* resumptions of one request's event stream */
/* The longest wait a server's SSE "retry" field can ask before resuming a
 * stream (the session's deadline bounds it too). */
#define MCP_RETRY_MAX_MS 60000L

/* ---- Rules (mcp_rules.c) ------------------------------------------------- */

enum mcp_msg_kind {
    MCP_MSG_REQUEST = 1,
    MCP_MSG_NOTIFICATION,
    MCP_MSG_RESPONSE,
};

/* One broken rule, with the storage the public struct points into. */
struct mcp_violation {
    struct wsc_mcp_violation pub;
    char rule[48];
    char section[64];
    char path[128];
    char message[MCP_ERR_MAX];
};

/* Fills *v for rule `rule` (one of the table in mcp_rules.c) at `path`:
 * the message is "rule RULE (SECTION) at PATH: DETAIL". */
void mcp_violation_set(struct mcp_violation *v, const char *rule, const char *path,
                       const char *fmt, ...) WSC_PRINTF(4, 5);

/* Points v->pub's strings at v's own storage (after a copy). */
void mcp_violation_repoint(struct mcp_violation *v);

/* Whether a request with integer id `id` awaits its answer. */
typedef int (*mcp_pending_fn)(int64_t id, void *arg);

/* Checks one message a client received (an element of a batch counts as
 * one). Returns 0 and sets *kind (and *id for a response to a pending
 * request) when it keeps every rule, else -1 with *v filled. */
int mcp_check_message(const struct json_object *msg, mcp_pending_fn pending, void *arg,
                      enum mcp_msg_kind *kind, int64_t *id, struct mcp_violation *v);
/* Checks an initialize result: protocolVersion one of the four, capabilities
 * and serverInfo objects, serverInfo.name and .version strings. */
int mcp_check_initialize(const struct json_object *result, struct mcp_violation *v);
/* Mcp-Session-Id: visible ASCII (0x21-0x7E) only. */
int mcp_check_session_id(const char *id, struct mcp_violation *v);
/* Is version one this client speaks? */
int mcp_version_known(const char *version);

/* ---- SSE parser (mcp_sse.c) ---------------------------------------------- */

/* Called for each dispatched event; returns 0, or -1 to stop parsing. */
typedef int (*mcp_sse_fn)(void *arg, const char *event, const char *data, size_t len,
                          const char *id);

struct mcp_sse {
    struct wsc_buf line; /* the line being read */
    struct wsc_buf data; /* the event's data so far */
    char event[64];      /* "" means "message" */
    char last_id[256];   /* the last event id (for Last-Event-ID) */
    long retry_ms;       /* the last "retry" field, at most MCP_RETRY_MAX_MS;
                          * -1: none */
    size_t max;          /* bytes of one line and of one event's data */
    int started;         /* a first byte was seen (BOM handling) */
    int cr;              /* the last byte was a CR */
    int has_data;        /* a data field was seen in this event */
    char err[160];
    mcp_sse_fn fn;
    void *arg;
};

void mcp_sse_init(struct mcp_sse *p, size_t max, mcp_sse_fn fn, void *arg);
/* Feeds bytes; returns 0, or -1 (p->err says why: a line or event over
 * max, out of memory, or the callback stopped). */
int mcp_sse_feed(struct mcp_sse *p, const char *bytes, size_t len);
void mcp_sse_free(struct mcp_sse *p);

/* ---- Transports ------------------------------------------------------------ */

struct mcp_transport {
    /* Sends one message; req_id >= 0 when it is a request expecting an
     * answer (HTTP ties the POST to it). 0, or -1 (the session failed). */
    int (*send)(struct wsc_mcp *m, const char *text, size_t len, int64_t req_id);
    size_t (*pollfds)(struct wsc_mcp *m, struct pollfd *fds, size_t max);
    long (*timeout_ms)(struct wsc_mcp *m);
    int (*perform)(struct wsc_mcp *m);
    /* Ends the transport politely by `deadline`. */
    void (*close)(struct wsc_mcp *m, double deadline);
    void (*free)(struct wsc_mcp *m);
};

struct mcp_pending {
    int64_t id;
    char method[64];
    double sent_at;
    int cancelled;
    int raw;                      /* wsc_mcp_send_raw(): answered by a null-id error */
    int done;                     /* the response (or a failure) is in */
    enum wsc_mcp_result result;   /* when done */
    struct json_object *response; /* when done, may be NULL */
    char *failure;                /* when done without a JSON-RPC answer */
    struct mcp_pending *next;
};

struct mcp_event {
    struct wsc_mcp_event pub;
    struct json_object *message;
};

struct wsc_mcp {
    struct wsc_ctx *ctx;
    struct wsc_mcp_options opt;
    enum wsc_mcp_transport kind;
    const struct mcp_transport *tp;
    void *tp_state;
    double deadline; /* 0: the context's */

    enum wsc_mcp_result status;
    char err[MCP_ERR_MAX];

    int64_t next_id;
    struct mcp_pending *pending;
    int64_t init_id;
    double init_sent, init_ms;
    char version[16];
    int initialized;
    struct json_object *server_info;
    char *session_id;
    long http_status;

    struct mcp_event *events;
    size_t n_events, cap_events;
    struct mcp_violation *violations;
    size_t n_violations, cap_violations;
};

/* ---- What transports call (mcp_session.c) ------------------------------- */

/* A message arrived (the text of one line, event or frame). */
void mcp_receive(struct wsc_mcp *m, const char *text, size_t len);
/* The transport broke: the session fails with WSC_MCP_ERROR. Returns -1. */
int mcp_fail(struct wsc_mcp *m, const char *fmt, ...) WSC_PRINTF(2, 3);
/* A rule was broken; MUSTs end the session. */
void mcp_violate(struct wsc_mcp *m, const struct mcp_violation *v);
/* The request `id` ended without a JSON-RPC answer on its own channel (HTTP
 * status, stream ended): it completes with `result` and `message`, and
 * `response` (taken, may be NULL) if the body held a JSON-RPC message. */
void mcp_request_failed(struct wsc_mcp *m, int64_t id, enum wsc_mcp_result result,
                        struct json_object *response, const char *fmt, ...)
    WSC_PRINTF(5, 6);
/* Is request id still waiting for its answer? */
int mcp_request_waiting(const struct wsc_mcp *m, int64_t id);
/* The absolute deadline of a wait: `deadline` or the session's, capped by
 * the context's; 30 s from now when there is none. */
double mcp_effective_deadline(const struct wsc_mcp *m, double deadline);
/* Traces one message (kind "mcp"). */
void mcp_trace(struct wsc_mcp *m, const char *dir, const char *text, size_t len);
/* The session id, as a transport learned it; checked against the rule. */
void mcp_set_session_id(struct wsc_mcp *m, const char *id);

/* ---- Options (mcp_options.c) -------------------------------------------- */

/* Why *opt cannot be used (not initialised, newer members set), or NULL. */
const char *mcp_options_unusable(const struct wsc_mcp_options *opt);
/* A deep copy; 0, or -1 when out of memory (dst then freed). */
int mcp_options_copy(struct wsc_mcp_options *dst, const struct wsc_mcp_options *src);
/* The transport for the options: opt->transport, else from the URL;
 * WSC_MCP_AUTO when the URL fits none. */
enum wsc_mcp_transport mcp_transport_for(const struct wsc_mcp_options *opt);
/* Registers the values of credential headers (Authorization, Cookie,
 * X-Api-Key, ...) and their tokens as secrets of ctx (NULL: nothing). */
void mcp_register_secrets(struct wsc_ctx *ctx, const struct wsc_mcp_options *opt);

/* Starts the upgrade without blocking; 0, or -1 when the session failed. */
int mcp_ws_open(struct wsc_mcp *m);
/* 1 while the upgrade is in progress. */
int mcp_ws_connecting(struct wsc_mcp *m);
int mcp_http_open(struct wsc_mcp *m);
int mcp_stdio_open(struct wsc_mcp *m);

#endif
