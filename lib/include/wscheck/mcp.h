/* The MCP client shared by every check that speaks the Model Context
 * Protocol: one JSON-RPC 2.0 session over WebSocket, Streamable HTTP, stdio
 * or the legacy HTTP+SSE transport.
 *
 * A check is a page of code:
 *
 *   struct wsc_mcp_options opt;
 *   char *err = NULL;
 *   if (wsc_mcp_options_parse(ctx, params, &opt, &err) != 0) {
 *       wsc_error(ctx, "%s", err); free(err); return;
 *   }
 *   struct wsc_mcp *m = wsc_mcp_open(ctx, &opt, 0);
 *   struct json_object *resp = NULL;
 *   if (wsc_mcp_initialize(m, 0) != WSC_MCP_OK
 *       || wsc_mcp_request(m, "tools/list", NULL, 0, &resp) != WSC_MCP_OK)
 *       wsc_fail(ctx, "%s", wsc_mcp_error(m));
 *   json_object_put(resp);
 *   wsc_mcp_close(m, 0);
 *   wsc_mcp_free(m);
 *   wsc_mcp_options_free(&opt);
 *
 * Transports, chosen by the URL: ws:// and wss:// (subprotocol "mcp" offered
 * and required in the answer, one message per text frame), http:// and
 * https:// (Streamable HTTP: POST with both Accept types, JSON or SSE
 * answers, a stream that ends before its response resumed with
 * Last-Event-ID, Mcp-Session-Id, MCP-Protocol-Version after initialize, the GET
 * stream with opt.listen, DELETE on close), "stdio:COMMAND" (the command is
 * split on blanks and run without a shell unless opt.shell; one message per
 * line on its stdin and stdout; stderr kept, up to opt.max_stderr bytes, and
 * added to the test's notes on close; the process is ended and reaped on
 * close and by wsc_mcp_free(); it also dies with the check's process).
 * opt.transport = WSC_MCP_SSE selects the legacy HTTP+SSE transport of
 * 2024-11-05 servers for an http(s):// URL (GET the event stream, POST to
 * the endpoint its "endpoint" event names).
 *
 * Context: every function takes the check's context through wsc_mcp_open()
 * or NULL (benchmarks, unit tests). With a context every message sent and
 * received goes to the test's trace (kind "mcp"; over WebSocket as the
 * frames the WebSocket layer traces), header credentials are secrets, and
 * no wait goes past wsc_deadline(ctx). Deadlines are absolute wsc_now()
 * values; 0 means the session's (given to wsc_mcp_open(), else the
 * context's; with neither, 30 s per wait).
 *
 * Validation: every message received is checked against JSON-RPC 2.0 and
 * the MCP rules (result xor error, the id echoed with the same JSON type,
 * "jsonrpc": "2.0", integer error codes, results that are objects, no
 * response to a notification, session ids of visible ASCII, ...). A broken
 * MUST ends the session: the call returns WSC_MCP_PROTOCOL and
 * wsc_mcp_error() names the rule, the spec section and the JSON path, e.g.
 *   "rule response-id-type (basic#responses) at /id: the string \"1\"
 *    answers the request whose id is the integer 1"
 * Every violation, SHOULDs included, is kept: wsc_mcp_violation().
 *
 * Event loops: the session never blocks except in the calls that take a
 * deadline. wsc_mcp_send() starts a request, wsc_mcp_pollfds() and
 * wsc_mcp_timeout_ms() say what to wait for, wsc_mcp_perform() processes
 * what is ready, wsc_mcp_take() collects a response. wsc_mcp_start() opens
 * without blocking on any transport (wsc_mcp_open() waits for a WebSocket
 * upgrade): the upgrade is driven by the same pollfds/timeout/perform, and
 * what is sent before it completes is queued and goes out, in order, once
 * it has. So one thread with one poll() loop can open, initialize and use
 * many sessions at once:
 *
 *   m[i] = wsc_mcp_start(NULL, &opt, deadline);      (for each i)
 *   wsc_mcp_begin_initialize(m[i], &init[i]);
 *   loop: wsc_mcp_pollfds() and wsc_mcp_timeout_ms() of every session,
 *         one poll(), wsc_mcp_perform() on each, wsc_mcp_take() answers.
 *
 * Growth (wscheck-plugin(7)): struct wsc_mcp_options may gain members at its
 * end; initialise it with wsc_mcp_options_init() or wsc_mcp_options_parse().
 * Structs the library returns (events, violations) are read-only and may
 * gain members at their end too.
 */
#ifndef WSCHECK_MCP_H
#define WSCHECK_MCP_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include <wscheck/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The protocol versions offered and accepted, newest first. */
#define WSC_MCP_LATEST_VERSION "2025-11-25"
#define WSC_MCP_DEFAULT_MAX_MESSAGE_SIZE (4 * 1024 * 1024)
#define WSC_MCP_DEFAULT_MAX_STDERR (64 * 1024)

/* JSON Schema "properties" members for the options every MCP check takes. */
/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define WSC_MCP_OPTION_PROPS                                                   \
    "\"url\":{\"type\":\"string\",\"description\":"                           \
    "\"ws://, wss://, http://, https:// or stdio:COMMAND\"},"                  \
    "\"transport\":{\"enum\":[\"auto\",\"websocket\",\"http\",\"stdio\","     \
    "\"sse\"],\"default\":\"auto\",\"description\":"                          \
    "\"sse: the legacy HTTP+SSE transport of 2024-11-05 servers\"},"           \
    "\"command\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"        \
    "\"description\":\"stdio: the server's argv (instead of stdio:COMMAND)\"},"\
    "\"shell\":{\"type\":\"boolean\",\"default\":false,\"description\":"      \
    "\"stdio: run stdio:COMMAND with /bin/sh -c\"},"                          \
    "\"headers\":{\"type\":\"object\","                                         \
    "\"additionalProperties\":{\"type\":\"string\"},\"description\":"        \
    "\"Extra request headers; Authorization and other credentials are "       \
    "redacted\"},"                                                             \
    "\"origin\":{\"type\":\"string\",\"description\":\"Origin header to send\"},"\
    "\"protocol_version\":{\"enum\":[\"2025-11-25\",\"2025-06-18\","          \
    "\"2025-03-26\",\"2024-11-05\"],\"description\":"                        \
    "\"Version offered in initialize (default: the latest)\"},"                \
    "\"listen\":{\"type\":\"boolean\",\"default\":false,\"description\":"     \
    "\"Streamable HTTP: open the GET stream for server messages\"},"          \
    "\"roots\":{\"type\":\"array\",\"description\":"                          \
    "\"Answer to roots/list (else a JSON-RPC error)\"},"                       \
    "\"sampling\":{\"type\":\"object\",\"description\":"                      \
    "\"Result for sampling/createMessage (else a JSON-RPC error)\"},"         \
    "\"elicitation\":{\"type\":\"object\",\"description\":"                   \
    "\"Result for elicitation/create (else a JSON-RPC error)\"},"             \
    "\"ca_file\":{\"type\":\"string\",\"description\":"                       \
    "\"PEM file of CA certificates for wss:// and https://\"},"               \
    "\"insecure\":{\"type\":\"boolean\",\"default\":false,\"description\":"   \
    "\"Do not verify the server's certificate\"},"                             \
    "\"max_message_size\":{\"type\":\"integer\",\"minimum\":1,"                \
    "\"default\":4194304,\"description\":\"Largest message accepted, bytes\"}"
/* clang-format on */

/* ---- Options ------------------------------------------------------------- */

enum wsc_mcp_transport {
    WSC_MCP_AUTO = 0, /* from the URL */
    WSC_MCP_WEBSOCKET,
    WSC_MCP_HTTP, /* Streamable HTTP */
    WSC_MCP_STDIO,
    WSC_MCP_SSE, /* legacy HTTP+SSE (2024-11-05) */
};

struct wsc_mcp_options {
    size_t struct_size; /* set by wsc_mcp_options_init/parse */
    char *url;          /* ws://, wss://, http://, https:// or stdio:COMMAND */
    enum wsc_mcp_transport transport;
    char **argv; /* stdio: the command, when not in the URL */
    size_t n_argv;
    int shell;      /* stdio: run the URL's command with /bin/sh -c */
    char **headers; /* "Name: value" lines */
    size_t n_headers;
    char *origin;           /* NULL: no Origin header */
    char *protocol_version; /* offered; NULL: WSC_MCP_LATEST_VERSION */
    char *client_name;      /* clientInfo; NULL: "wscheck" */
    char *ca_file;
    int insecure;
    size_t max_message_size; /* bytes of one message (line, event, frame) */
    size_t max_stderr;       /* stdio: bytes of stderr kept */
    int listen;              /* Streamable HTTP: open the GET stream */
    /* Results given to server->client requests (owned); NULL: those
     * requests get a JSON-RPC error. `ping` is always answered with {}. */
    struct json_object *roots;       /* array: roots/list -> {"roots": ...} */
    struct json_object *sampling;    /* sampling/createMessage result */
    struct json_object *elicitation; /* elicitation/create result */
};

WSC_EXPORT void wsc_mcp_options_init_sized(struct wsc_mcp_options *opt, size_t size);
WSC_EXPORT int wsc_mcp_options_parse_sized(struct wsc_ctx *ctx,
                                           const struct json_object *params,
                                           struct wsc_mcp_options *opt, size_t size,
                                           char **err);

/* Defaults: everything empty, max_message_size 4 MiB, max_stderr 64 KiB. */
static inline void wsc_mcp_options_init(struct wsc_mcp_options *opt)
{
    wsc_mcp_options_init_sized(opt, sizeof *opt);
}
/* Initialises *opt from check params (the members of WSC_MCP_OPTION_PROPS;
 * others are ignored) and registers credential headers as secrets. Returns
 * 0, or -1 with *err a malloc'ed message ("url: expected ws://, wss://,
 * http://, https:// or stdio:COMMAND, got 'ftp://x'"); *opt is then freed. */
static inline int wsc_mcp_options_parse(struct wsc_ctx *ctx,
                                        const struct json_object *params,
                                        struct wsc_mcp_options *opt, char **err)
{
    return wsc_mcp_options_parse_sized(ctx, params, opt, sizeof *opt, err);
}
/* Adds one request header (copied). 0, or -1 (out of memory). */
WSC_EXPORT int wsc_mcp_options_add_header(struct wsc_mcp_options *opt, const char *name,
                                          const char *value);
WSC_EXPORT void wsc_mcp_options_free(struct wsc_mcp_options *opt);

/* ---- Session ------------------------------------------------------------- */

struct wsc_mcp;

enum wsc_mcp_result {
    WSC_MCP_OK = 0,
    WSC_MCP_PENDING = 1,     /* not yet (non-blocking calls) */
    WSC_MCP_TIMEOUT = -1,    /* the deadline passed; the session is usable */
    WSC_MCP_RPC_ERROR = -2,  /* the server answered with a JSON-RPC error;
                             * the session is usable */
    WSC_MCP_HTTP_ERROR = -3, /* HTTP: the request got a status other than
                              * 200 (e.g. 401, 404); wsc_mcp_http_status() */
    WSC_MCP_PROTOCOL = -4,   /* a MUST broken: the session is over */
    WSC_MCP_ERROR = -5,      /* transport failure: the session is over */
    WSC_MCP_INVALID = -6,    /* a wrong call (an id never sent); the session
                              * is usable */
};

/* Opens the transport (WebSocket: the upgrade; stdio: starts the process).
 * Never NULL unless out of memory: check wsc_mcp_status(). `deadline`
 * bounds the session (0: the context's). *opt is copied. This is
 * wsc_mcp_start() followed by waiting while wsc_mcp_connecting(). */
WSC_EXPORT struct wsc_mcp *wsc_mcp_open(struct wsc_ctx *ctx,
                                        const struct wsc_mcp_options *opt,
                                        double deadline);
/* Like wsc_mcp_open() but never waits: a WebSocket session is "connecting"
 * until its upgrade completes in wsc_mcp_perform() (wsc_mcp_pollfds() and
 * wsc_mcp_timeout_ms() cover it). Meanwhile wsc_mcp_status() is
 * WSC_MCP_OK, requests and notifications can be sent (they are queued and
 * go out in order after the upgrade) and the upgrade's deadline is the
 * session's. An upgrade that fails (a refusal, 401 with WWW-Authenticate,
 * no "mcp" subprotocol echoed, a timeout) fails the session in
 * wsc_mcp_perform() with the same result and message as wsc_mcp_open(),
 * and every request queued gets that failure from wsc_mcp_take(). */
WSC_EXPORT struct wsc_mcp *wsc_mcp_start(struct wsc_ctx *ctx,
                                         const struct wsc_mcp_options *opt,
                                         double deadline);
/* 1 while the session's transport is still opening (a WebSocket upgrade in
 * progress), else 0 (open, failed, or a transport that has no such step). */
WSC_EXPORT int wsc_mcp_connecting(struct wsc_mcp *m);
/* Ends the session politely: HTTP DELETE of the session, WebSocket close,
 * stdio: stdin closed, then SIGTERM and SIGKILL if the process lingers.
 * Waits at most until `deadline` (0: the session's, at most 2 s). */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_close(struct wsc_mcp *m, double deadline);
/* Frees everything; a stdio server still running is killed and reaped.
 * NULL is fine. */
WSC_EXPORT void wsc_mcp_free(struct wsc_mcp *m);

/* The result of the last call on m, and its message ("" after success).
 * Once a session has failed (PROTOCOL, ERROR) every call returns that. */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_status(const struct wsc_mcp *m);
WSC_EXPORT const char *wsc_mcp_error(const struct wsc_mcp *m);
/* The transport in use (never WSC_MCP_AUTO). */
WSC_EXPORT enum wsc_mcp_transport wsc_mcp_transport_of(const struct wsc_mcp *m);

/* ---- Lifecycle ------------------------------------------------------------- */

/* initialize, then notifications/initialized. The server's protocolVersion
 * must be one of the four this client speaks (rule protocol-version). */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_initialize(struct wsc_mcp *m, double deadline);
/* Non-blocking: sends initialize; the session sends notifications/initialized
 * itself when the answer arrives. Collect it with wsc_mcp_take(). */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_begin_initialize(struct wsc_mcp *m, int64_t *id);
/* The negotiated version, NULL before initialize succeeded. */
WSC_EXPORT const char *wsc_mcp_protocol_version(const struct wsc_mcp *m);
/* The initialize result (borrowed), NULL before. */
WSC_EXPORT struct json_object *wsc_mcp_server_info(const struct wsc_mcp *m);
/* Streamable HTTP: the Mcp-Session-Id the server gave, NULL when none. */
WSC_EXPORT const char *wsc_mcp_session_id(const struct wsc_mcp *m);
/* Milliseconds from sending initialize to its answer (0 before). */
WSC_EXPORT double wsc_mcp_initialize_ms(const struct wsc_mcp *m);

/* ---- Requests ---------------------------------------------------------------- */

/* Sends a request (params taken, may be NULL) and waits for its response:
 * *response gets the whole response message (a new reference; NULL on
 * TIMEOUT, ERROR and PROTOCOL). WSC_MCP_OK: it has a result;
 * WSC_MCP_RPC_ERROR: an error (wsc_mcp_error() quotes its code and
 * message); WSC_MCP_HTTP_ERROR: an HTTP status other than 200 (*response
 * is the JSON-RPC error in the body, if any). */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_request(struct wsc_mcp *m, const char *method,
                                               struct json_object *params,
                                               double deadline,
                                               struct json_object **response);
/* Sends a notification (params taken, may be NULL). */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_notify(struct wsc_mcp *m, const char *method,
                                              struct json_object *params);
/* Non-blocking: sends a request and returns its id (integers from 1). */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_send(struct wsc_mcp *m, const char *method,
                                            struct json_object *params, int64_t *id);
/* Collects the response to request id without waiting: WSC_MCP_PENDING
 * until it arrived, then as wsc_mcp_request(). */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_take(struct wsc_mcp *m, int64_t id,
                                            struct json_object **response);
/* Waits until `deadline` for the response to request id. */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_wait(struct wsc_mcp *m, int64_t id,
                                            double deadline,
                                            struct json_object **response);
/* Sends `text` exactly as given (malformed JSON, a message of the wrong
 * shape, a request before initialize...) as one message, for checks of a
 * server's error handling. With `id` non-NULL an answer is expected and
 * collected with wsc_mcp_take()/wsc_mcp_wait(): over HTTP the POST's answer
 * (a 400 with a JSON-RPC error body is WSC_MCP_HTTP_ERROR with that body),
 * elsewhere the next error response with a null id (WSC_MCP_RPC_ERROR).
 * With `id` NULL nothing is expected (HTTP: like a notification). Text that
 * carries an integer id of its own gets its answer as an unknown id. */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_send_raw(struct wsc_mcp *m, const char *text,
                                                size_t len, int64_t *id);
/* notifications/cancelled for request id (reason may be NULL); its
 * response, if one still comes, is dropped without a violation, and
 * wsc_mcp_take() on it stays WSC_MCP_PENDING. */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_cancel(struct wsc_mcp *m, int64_t id,
                                              const char *reason);
/* logging/setLevel (a request; waits for its answer). */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_set_log_level(struct wsc_mcp *m, const char *level,
                                                     double deadline);

/* ---- Received messages, in order ----------------------------------------- */

enum wsc_mcp_event_kind {
    WSC_MCP_EV_NOTIFICATION = 1,
    WSC_MCP_EV_RESPONSE = 2,
    WSC_MCP_EV_REQUEST = 3, /* from the server; already answered */
};

struct wsc_mcp_event {
    enum wsc_mcp_event_kind kind;
    const char *method;                /* notifications and requests */
    int64_t id;                        /* responses: the request's id */
    const struct json_object *message; /* the whole message (borrowed) */
    double at;                         /* wsc_now() when it was received */
};

/* Every message received since the last wsc_mcp_events_clear(), in the
 * order received (responses included, so a notification that came after a
 * response can be told). The event is valid until the next call on m. */
WSC_EXPORT size_t wsc_mcp_event_count(const struct wsc_mcp *m);
WSC_EXPORT const struct wsc_mcp_event *wsc_mcp_event(const struct wsc_mcp *m, size_t i);
WSC_EXPORT void wsc_mcp_events_clear(struct wsc_mcp *m);
/* Waits until there are more than `count` events, or `deadline`. */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_wait_event(struct wsc_mcp *m, size_t count,
                                                  double deadline);

/* ---- Protocol violations ------------------------------------------------- */

struct wsc_mcp_violation {
    const char *rule;    /* e.g. "response-id-type" */
    const char *section; /* spec section, e.g. "basic#responses" */
    const char *path;    /* JSON Pointer in the message, "" for all of it */
    const char *message; /* the whole sentence, as wsc_mcp_error() has it */
    int must;            /* 1: a MUST (the session failed), 0: a SHOULD */
};

WSC_EXPORT size_t wsc_mcp_violation_count(const struct wsc_mcp *m);
WSC_EXPORT const struct wsc_mcp_violation *wsc_mcp_violation(const struct wsc_mcp *m,
                                                             size_t i);

/* ---- Event loop ---------------------------------------------------------- */

/* Fills at most `max` pollfds with what the session waits on; returns how
 * many it needs (call again with more room when that exceeds max). */
WSC_EXPORT size_t wsc_mcp_pollfds(struct wsc_mcp *m, struct pollfd *fds, size_t max);
/* Milliseconds until the session needs wsc_mcp_perform() anyway; -1: no
 * timer. */
WSC_EXPORT long wsc_mcp_timeout_ms(struct wsc_mcp *m);
/* Processes whatever is ready, never waiting. */
WSC_EXPORT enum wsc_mcp_result wsc_mcp_perform(struct wsc_mcp *m);

/* ---- Transport details ----------------------------------------------------- */

/* HTTP: the status of the last response (0: none yet). */
WSC_EXPORT long wsc_mcp_http_status(const struct wsc_mcp *m);
/* stdio: what the server wrote on stderr so far (at most max_stderr bytes,
 * NUL-terminated), "" otherwise. */
WSC_EXPORT const char *wsc_mcp_stderr(const struct wsc_mcp *m);

#ifdef __cplusplus
}
#endif

#endif
