/* The ping-pong plugin: round trips of RFC 6455 pings (`control`), of an
 * application-level request/reply (`app`), and a connection kept open while
 * the server pings it (`keepalive`). Shared helpers live in common.c. */
#ifndef WSC_PING_PONG_H
#define WSC_PING_PONG_H

#include <stddef.h>

#include <wscheck/params.h>
#include <wscheck/plugin.h>
#include <wscheck/render.h>
#include <wscheck/ws.h>

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

/* How one round trip ended. */
enum pp_outcome {
    PP_REPLY, /* the reply came; its round-trip time is recorded */
    PP_LOST,  /* none came within the check's `within` */
    PP_CUT,   /* the test's deadline ended the wait first: not counted */
    PP_BROKEN /* the connection failed or closed (reported) */
};

/* One round trip under way: what was sent ("ping", "request") and what is
 * awaited ("pong", "reply"), for messages, and when. */
struct pp_round {
    int seq;
    const char *sent;
    const char *reply;
    double sent_at;
    double within;
    double until; /* `within` after sent_at, cut short by the test's deadline */
};

/* Starts round trip `seq`; call it just before sending. */
void pp_round_start(struct pp_round *rd, struct wsc_ctx *ctx, int seq, double within,
                    const char *sent, const char *reply);
/* Reports the connection's error ("ping 3: ...") and returns PP_BROKEN. */
enum pp_outcome pp_round_error(struct wsc_ctx *ctx, struct wsc_ws *ws,
                               const struct pp_round *rd);
/* Sorts out what a wait for the reply returned (r, m). Returns 1 when m is a
 * message for the check to examine; else 0 with *o set: PP_CUT or PP_LOST on
 * a timeout, PP_BROKEN after reporting an error or the server's close. */
int pp_round_waited(struct wsc_ctx *ctx, struct wsc_ws *ws, const struct pp_round *rd,
                    enum wsc_ws_result r, const struct wsc_ws_msg *m, enum pp_outcome *o);

/* Sends round trip `seq` and waits for its reply; sets *rtt_ms on PP_REPLY. */
typedef enum pp_outcome (*pp_round_fn)(struct wsc_ctx *ctx, struct wsc_ws *ws, int seq,
                                       double *rtt_ms, void *arg);

/* Connects and runs `count` round trips, `interval` apart, each by `round`,
 * counting them in *rtt (set up here). Returns the connection, still open,
 * for the check's own reports before pp_rounds_end(); NULL after reporting
 * why nothing could run (then *rtt holds nothing to free). */
struct wsc_ws *pp_rounds(struct wsc_ctx *ctx, struct json_object *params, int count,
                         double interval, pp_round_fn round, void *arg,
                         struct pp_rtt *rtt);
/* Reports the statistics (pp_rtt_report), closes the connection, frees both. */
void pp_rounds_end(struct wsc_ctx *ctx, struct wsc_ws *ws, struct pp_rtt *rtt);

void pp_control(struct wsc_ctx *ctx, struct json_object *params);
void pp_app(struct wsc_ctx *ctx, struct json_object *params);
void pp_keepalive(struct wsc_ctx *ctx, struct json_object *params);

#endif
