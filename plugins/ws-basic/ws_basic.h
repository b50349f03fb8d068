/* The ws-basic plugin: WebSocket connection checks (handshake,
 * connect_close, conversation, reject, reconnect) on libwscheck's
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
void wsb_conversation_validate(struct wsc_validation *v, const struct json_object *params);
void wsb_reject(struct wsc_ctx *ctx, struct json_object *params);
void wsb_reconnect(struct wsc_ctx *ctx, struct json_object *params);

/* ---- Helpers shared by the checks (common.c) ------------------------------ */

/* Seconds a clean close at the end of a check may take at most. */
#define WSB_CLOSE_WAIT 5.0

/* Parses the WebSocket options of params; on failure reports an error on
 * ctx and returns -1. */
int wsb_options(struct wsc_ctx *ctx, struct json_object *params,
                struct wsc_ws_options *opt);

/* Reads an optional number param; returns `dflt` when absent. */
double wsb_param_number(struct json_object *params, const char *key, double dflt);

/* Does the HTTP status match `expect` (an integer, or a matcher object)?
 * With expect NULL: any 4xx or 5xx. On a mismatch *why is a malloc'ed
 * description of what was expected ("403", "a 4xx or 5xx status", "a status
 * matching {"$gte":400}"). */
int wsb_status_matches(struct json_object *expect, long status, char **why);

/* A received message for a failure message: its text (cut to about 200
 * bytes at a character boundary, control characters escaped), or
 * "binary, N bytes: 00 01 ..." and the like for other kinds. Returns a
 * malloc'ed string, or NULL when out of memory. */
char *wsb_describe(enum wsc_ws_kind kind, const char *data, size_t len,
                   int close_code);

/* Closes with 1000 and waits at most `seconds` for the peer's close; the
 * result is for callers that care. Frees nothing. */
enum wsc_ws_result wsb_close(const struct wsc_ctx *ctx, struct wsc_ws *ws,
                            double seconds);

#endif
