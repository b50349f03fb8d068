/* The ping-pong plugin: round trips of RFC 6455 pings (`control`), of an
 * application-level request/reply (`app`), and a connection kept open while
 * the server pings it (`keepalive`). Shared helpers live in common.c. */
#ifndef WSC_PING_PONG_H
#define WSC_PING_PONG_H

#include <stddef.h>

#include <wscheck/plugin.h>
#include <wscheck/ws.h>

/* Params, with the defaults the schemas declare as fallbacks. */
int pp_int(struct json_object *params, const char *key, int fallback);
double pp_double(struct json_object *params, const char *key, double fallback);
const char *pp_string(struct json_object *params, const char *key, const char *fallback);

/* Parses the WebSocket options of params and connects. On failure reports
 * (wsc_error for bad options, wsc_fail for a failed connection) and returns
 * NULL. Reports the handshake_ms metric. */
struct wsc_ws *pp_connect(struct wsc_ctx *ctx, struct json_object *params,
                          int observe_pings);

/* Waits `seconds` without sending, discarding what arrives (libcurl keeps
 * answering pings). Returns 0, or -1 after reporting a close or an error. */
int pp_idle(struct wsc_ctx *ctx, struct wsc_ws *ws, double seconds);

/* Closes cleanly; a close that fails is noted, not failed: these checks
 * measure round trips, ws-basic checks the close handshake. */
void pp_close(struct wsc_ctx *ctx, struct wsc_ws *ws);

/* Reports a close the server started while we waited for something. */
void pp_fail_closed(struct wsc_ctx *ctx, const struct wsc_ws_msg *m, const char *waiting);

/* Round-trip statistics of one run. */
struct pp_rtt {
    struct wsc_histogram *hist;
    int sent;
    int lost;
    char lost_list[160]; /* "2, 4, 5" (the sequence numbers of lost ones) */
};

int pp_rtt_init(struct pp_rtt *r);
void pp_rtt_free(struct pp_rtt *r);
void pp_rtt_lost(struct pp_rtt *r, int seq);
/* Metrics rtt_min_ms ... rtt_max_ms (when something came back) and lost;
 * outputs sent, received, lost and rtt_ms. */
void pp_rtt_report(struct wsc_ctx *ctx, const struct pp_rtt *r);
/* Has the test's deadline passed? Then reports how far the run got. */
int pp_out_of_time(struct wsc_ctx *ctx, const struct pp_rtt *r, int count);

/* A printable copy of untrusted bytes for messages (at most `size`-1
 * characters; others as \xNN). */
void pp_printable(const char *data, size_t len, char *out, size_t size);

void pp_control(struct wsc_ctx *ctx, struct json_object *params);
void pp_app(struct wsc_ctx *ctx, struct json_object *params);
void pp_keepalive(struct wsc_ctx *ctx, struct json_object *params);

#endif
