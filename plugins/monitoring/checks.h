/* The checks of the monitoring plugin and what they share. The WebSocket
 * feeds (metrics, historical, alerts, dashboard) follow crackerjack's
 * monitoring endpoints by default (every path, type and shape is a param)
 * and use libwscheck's stream engine; the Prometheus, Alertmanager and
 * dashboard file checks talk HTTP through <wscheck/http.h>. */
#ifndef WSC_MONITORING_CHECKS_H
#define WSC_MONITORING_CHECKS_H

#include <stddef.h>

#include <json-c/json.h>

#include <wscheck/histogram.h>
#include <wscheck/plugin.h>
#include <wscheck/stream.h>
#include <wscheck/ws.h>

/* crackerjack's monitoring port, as the quick check uses it. */
#define MON_DEFAULT_BASE "ws://localhost:8677"

void mon_metrics_stream(struct wsc_ctx *ctx, struct json_object *params);
void mon_historical(struct wsc_ctx *ctx, struct json_object *params);
void mon_alert_delivery(struct wsc_ctx *ctx, struct json_object *params);
void mon_dashboard_feed(struct wsc_ctx *ctx, struct json_object *params);

/* ---- feed.c ---------------------------------------------------------------- */

/* Which feed a check follows, for the known upstream breakages its
 * failures name. */
enum mon_kind {
    MON_LIVE,
    MON_HISTORICAL,
    MON_ALERTS,
    MON_DASHBOARD,
};

/* One WebSocket feed followed through the stream engine, with the check's
 * own rules on top: the engine judges its options (the user's and the
 * check's defaults), the check judges what the engine does not know. */
struct mon_feed {
    struct wsc_ctx *ctx;
    struct wsc_ws *ws;
    struct wsc_stream *s;
    enum mon_kind kind;
    const struct json_object *keepalive; /* the keep-alive message, or NULL */
    double start;                        /* connected (wsc_now()) */
    size_t index;                        /* of the last message (1-based) */
    double t;                            /* when it came */
    char *error;                         /* the check's first failure */
    int dropped;                         /* the server ended the connection */
    char cause[320];                     /* why the stream ended, "" before */
};

enum mon_event {
    MON_MESSAGE, /* a counted message: *msg (put it) */
    MON_DUE,     /* the time the caller gave came */
    MON_END,     /* the stream ended: its cause is recorded */
    MON_FAILED,  /* a rule (the engine's or the check's) broke */
};

/* The feed's URL: url, else base + path with "{days}" replaced by
 * `days` (when >= 0). Malloc'ed; NULL when out of memory. */
char *mon_feed_url(const struct json_object *params, const char *days);
/* Connects to the feed of params and starts the stream with *so (copied);
 * sends `subscribe` when params has one. Returns 0, or -1 after reporting
 * the failure (a connection failure is a test failure). */
int mon_feed_open(struct mon_feed *f, struct wsc_ctx *ctx,
                  const struct json_object *params, const struct wsc_stream_options *so,
                  enum mon_kind kind);
/* Waits for the next counted message, the time `due` (0: none), the end of
 * the stream or a failure; sends keep-alives on the way. */
enum mon_event mon_feed_next(struct mon_feed *f, double due, struct json_object **msg);
/* Records the check's failure about the last message ("message 3 at +0.4
 * s: ..."); the first one wins. The stream then stops. */
void mon_feed_fail(struct mon_feed *f, const char *fmt, ...) WSC_PRINTF(2, 3);
/* The same without naming a message. */
void mon_feed_fail_plain(struct mon_feed *f, const char *fmt, ...) WSC_PRINTF(2, 3);
/* Ends the stream: records the engine's metrics, reports the first failure
 * (the check's, else the engine's) with the known upstream breakage that
 * explains a dropped connection, closes the connection. Returns 0 when the
 * stream passed. */
int mon_feed_finish(struct mon_feed *f);
void mon_feed_free(struct mon_feed *f);
/* Why the stream ended ("the server closed the connection with 1000
 * (Normal Closure) after message 3 at +1.2 s"), for the check's own end
 * rules (fewer updates than asked). Malloc'ed. */
char *mon_feed_end_text(const struct mon_feed *f, const char *cause);
/* The known upstream breakage that drops this kind of feed, or NULL. */
const char *mon_known_drop(enum mon_kind kind);

/* ---- pace.c ---------------------------------------------------------------- */

/* Periodic messages expected every `interval` seconds, give or take
 * `tolerance`. */
struct mon_pace {
    double interval, tolerance;
    const char *what;        /* "update", "refresh" */
    double last;             /* the previous message (wsc_now()), or 0 */
    size_t last_index;       /* its index */
    struct wsc_histogram *h; /* the intervals, in ms */
};

/* interval and tolerance from params (tolerance: half the interval by
 * default). Returns 0, or -1 after reporting that memory ran out. */
int mon_pace_init(struct mon_pace *p, struct wsc_ctx *ctx,
                  const struct json_object *params, const char *what);
void mon_pace_free(struct mon_pace *p);
/* When the next periodic message is overdue. */
double mon_pace_due(const struct mon_pace *p);
/* Restarts the period at the feed's last message without judging it. */
void mon_pace_restart(struct mon_pace *p, const struct mon_feed *f);
/* Judges the feed's last message as a periodic one (too soon fails; the
 * interval is recorded) and restarts the period there. Returns 0, or -1
 * after mon_feed_fail(). */
int mon_pace_message(struct mon_pace *p, struct mon_feed *f);
/* Fails the feed: nothing came in time (the stream stalled). */
void mon_pace_stalled(struct mon_pace *p, struct mon_feed *f);

/* ---- values.c -------------------------------------------------------------- */

/* pointer + "/" + name (name escaped as a JSON Pointer token). Malloc'ed. */
char *mon_pointer_join(const char *pointer, const char *name);
/* 1 when `type` (a name, or an array of names) admits v ("number" admits
 * integers). */
int mon_type_ok(const struct json_object *type, const struct json_object *v);
/* Checks `fields` (pointer -> type or types) on msg. Returns NULL, or a
 * malloc'ed "/data/x is missing (fields: number)" /
 * "/data/x is \"a\", not number (fields)". */
char *mon_fields_problem(const struct json_object *fields, const struct json_object *msg);
/* Checks that every name of `metrics` is a number under data. Returns
 * NULL or a malloc'ed problem naming the metric and its pointer. */
char *mon_metrics_problem(const struct json_object *metrics, const char *data_pointer,
                          const struct json_object *msg);
/* The string at `pointer` in msg, or NULL. */
const char *mon_string_at(const struct json_object *msg, const char *pointer);
/* The compact JSON of v, cut for a message, in buf. */
const char *mon_render(char *buf, size_t size, const struct json_object *v);
/* Publishes each member of outputs (put), then matches `expect` against
 * them (NULL: not judged, after a failure). */
void mon_publish(struct wsc_ctx *ctx, const struct json_object *expect,
                 struct json_object *outputs);
/* Records interval_p50_ms, interval_p99_ms and the interval_ms histogram. */
void mon_interval_metrics(struct wsc_ctx *ctx, const struct wsc_histogram *h);

/* ---- trigger.c ------------------------------------------------------------- */

/* Runs a trigger: {url, method, body, headers} (HTTP), {mcp, tool,
 * arguments, headers} (an MCP tool call) or {command} (/bin/sh -c).
 * Returns 0, or -1 after reporting why it failed (an HTTP status of 400 or
 * more, isError, a non-zero exit status). *answer (new, may be NULL) is what
 * it answered. */
int mon_trigger(struct wsc_ctx *ctx, const struct json_object *trigger,
                struct json_object **answer);

/* ---- validate.c ------------------------------------------------------------ */

/* A feed's params: url or base, pointers that are JSON Pointers. */
void mon_validate_feed(struct wsc_validation *v, const struct json_object *params);
/* The same, plus the stream options (wsc_stream_validate()). */
void mon_validate_stream_feed(struct wsc_validation *v, const struct json_object *params);
/* The same, plus the trigger (exactly one kind) and the acknowledgement. */
void mon_validate_alert_delivery(struct wsc_validation *v,
                                 const struct json_object *params);

#endif
