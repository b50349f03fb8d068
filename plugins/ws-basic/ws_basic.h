/* The ws-basic plugin: WebSocket connection checks (handshake,
 * connect_close, conversation, reject, reconnect, stream) on libwscheck's
 * WebSocket layer. */
#ifndef WSB_WS_BASIC_H
#define WSB_WS_BASIC_H

#include <stddef.h>

#include <wscheck/plugin.h>
#include <wscheck/ws.h>

/* The checks (one file each). */
void wsb_handshake(struct wsc_ctx *ctx, struct json_object *params);
void wsb_connect_close(struct wsc_ctx *ctx, struct json_object *params);
void wsb_conversation(struct wsc_ctx *ctx, struct json_object *params);
void wsb_conversation_validate(struct wsc_validation *v,
                               const struct json_object *params);
void wsb_reject(struct wsc_ctx *ctx, struct json_object *params);
void wsb_reconnect(struct wsc_ctx *ctx, struct json_object *params);
void wsb_stream(struct wsc_ctx *ctx, struct json_object *params);
void wsb_stream_validate(struct wsc_validation *v, const struct json_object *params);
void wsb_compliance(struct wsc_ctx *ctx, struct json_object *params);
void wsb_compliance_validate(struct wsc_validation *v, const struct json_object *params);

/* ---- Helpers shared by the checks (common.c) ------------------------------ */

/* Seconds a clean close at the end of a check may take at most. */
#define WSB_CLOSE_WAIT 5.0

/* Parses the WebSocket options of params; on failure reports an error on
 * ctx and returns -1. */
int wsb_options(struct wsc_ctx *ctx, struct json_object *params,
                struct wsc_ws_options *opt);

/* The upgrade answer as outputs: status, headers, subprotocol (null when
 * none) and body (of a refusal; "" otherwise). NULL when out of memory. */
struct json_object *wsb_answer_outputs(const struct wsc_ws *ws);

/* Matches `expect` against the answer's outputs (status defaulting to
 * `default_status`, JSON text such as "101"), reports every mismatch with
 * wsc_fail() (and then the refusal's body) and publishes the outputs.
 * Returns the number of mismatches. */
int wsb_expect_answer(struct wsc_ctx *ctx, const struct wsc_ws *ws,
                      const struct json_object *expect, const char *default_status);

/* A received message for a failure message: its text (cut to about 200
 * bytes, rendered the library's way: wscheck/render.h), or
 * "binary, N bytes: 00 01 ..." and the like for other kinds. Returns a
 * malloc'ed string, or NULL when out of memory. */
char *wsb_describe(enum wsc_ws_kind kind, const char *data, size_t len, int close_code);

/* Closes with 1000 and waits at most `seconds` for the peer's close; the
 * result is for callers that care. Frees nothing. */
enum wsc_ws_result wsb_close(const struct wsc_ctx *ctx, struct wsc_ws *ws,
                             double seconds);

#endif
