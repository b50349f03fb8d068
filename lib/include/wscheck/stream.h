/* The stream assertion engine: rules for "a connection that keeps sending
 * JSON" (progress streams, metric feeds, dashboards), shared by every check
 * that follows one.
 *
 * A check is a page of code:
 *
 *   struct wsc_stream_options so;
 *   char *err = NULL;
 *   if (wsc_stream_options_parse(ctx, params, &so, &err) != 0) {
 *       wsc_error(ctx, "%s", err); free(err); return;
 *   }
 *   struct wsc_ws *ws = wsc_ws_connect(ctx, &wo, 0, 0);   (wsc_ws_options)
 *   struct wsc_stream *s = wsc_stream_new(ctx, &so, wsc_now());
 *   if (wsc_ws_status(ws) == WSC_WS_OK)
 *       wsc_stream_follow_ws(s, ws, 0);
 *   else
 *       wsc_stream_end_cause(s, 1, "%s", wsc_ws_error(ws));
 *   if (wsc_stream_finish(s, wsc_now()) == WSC_STREAM_FAILED)
 *       wsc_fail(ctx, "%s", wsc_stream_error(s));
 *   wsc_stream_free(s); wsc_ws_free(ws); wsc_stream_options_free(&so);
 *
 * The engine never reports by itself (no wsc_fail()): the caller decides,
 * and may add what it knows ("a symptom of version X"). It records the
 * metrics (wsc_stream_finish()) and notes unknown values (unknown_values
 * "note") through the context it is given (NULL: nothing recorded; unit
 * tests and benchmarks).
 *
 * Messages come from any source: WebSocket frames (wsc_stream_follow_ws()
 * does the whole loop), the first frame of each reconnection, results of a
 * polled MCP tool. The caller feeds them with their receive time (wsc_now()
 * values; unit tests pass fixed times). Frames received through wsc_ws are
 * in the test's trace already; a caller that feeds messages from another
 * source (a file, a polled HTTP or MCP result) must trace them itself
 * (wsc_trace()) if they are not traced on the way.
 *
 * Rules, checked on each message in this order:
 *   non-JSON text          fails unless "non_json": "ignore"
 *   "ignore" matcher       the message is skipped (not counted, no rule
 *                          applies) but still resets the gap
 *   "match" matcher        every counted message must match
 *   "ranges"               numbers at JSON Pointers within [min, max]
 *   "allowed"              values at JSON Pointers in a set; unknown ones
 *                          fail or are noted once per value
 *   "non_decreasing"       values at JSON Pointers never go back (numbers
 *                          as numbers, strings, e.g. ISO timestamps, byte
 *                          by byte; a missing member or one of another
 *                          type than the previous value is skipped)
 *   "increasing"           the same, strictly (no duplicates)
 *   "terminal" matcher     the first counted message matching it ends the
 *                          stream successfully
 * and on time: "max_gap" (from the start to the first message, and between
 * any two messages, ignored ones included), at the end "min_messages",
 * "min_rate" and "require_terminal".
 *
 * Messages of failures name the message's index among all messages fed
 * (1-based, ignored ones included, as the trace shows them), its time
 * relative to the start and the rule, with the limits the user set:
 *   message 7 at +3.2 s: /overall_progress went from 60 to 40 (non_decreasing)
 *   message 3 at +0.4 s: /status is "bogus", not one of ["running","done"] (allowed)
 *   message 2 at +0.1 s: /stage_progress is 140, outside [0, 100] (ranges)
 *   message 5 at +1.0 s: /type: expected "update", got "x" (match)
 *   message 4 at +0.9 s: not JSON: "hello" (non_json)
 *   no message for 2.0 s after message 4 at +1.1 s (max_gap 2.0 s)
 *   3 messages, expected at least 5 (min_messages)
 *   the server closed the connection with 1000 "bye" after message 5 at
 *     +1.2 s, before a terminal message (require_terminal)
 * Values shown are compact JSON cut to about 200 characters; the context
 * redacts them when they are reported.
 *
 * Growth (wscheck-plugin(7)): struct wsc_stream_options may gain members at
 * its end; initialise it with wsc_stream_options_init() or
 * wsc_stream_options_parse().
 */
#ifndef WSCHECK_STREAM_H
#define WSCHECK_STREAM_H

#include <stddef.h>

#include <json-c/json.h>

#include <wscheck/plugin.h>
#include <wscheck/ws.h>

#ifdef __cplusplus
extern "C" {
#endif

/* JSON Schema "properties" members of the stream options, for a check's
 * params_schema (the check adds its own members next to them). */
/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define WSC_STREAM_OPTION_PROPS                                                \
    "\"subscribe\":{\"description\":"                                          \
    "\"Sent first on the WebSocket: a string as text, anything else as JSON "  \
    "text\"},"                                                                 \
    "\"match\":{\"x-wsc-expect\":true,\"description\":"                        \
    "\"Expectation every counted message must match\"},"                       \
    "\"ignore\":{\"x-wsc-expect\":true,\"description\":"                       \
    "\"Expectation of messages to skip (echoes, heartbeats); they still "      \
    "reset the gap\"},"                                                        \
    "\"terminal\":{\"x-wsc-expect\":true,\"description\":"                     \
    "\"Expectation of the message that ends the stream successfully\"},"       \
    "\"require_terminal\":{\"type\":\"boolean\",\"description\":"              \
    "\"Fail when the stream ends without a terminal message (default: true "   \
    "when terminal is given)\"},"                                              \
    "\"non_decreasing\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"  \
    "\"description\":\"JSON Pointers of values that must never go back\"},"    \
    "\"increasing\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"      \
    "\"description\":\"JSON Pointers of values that must always go up\"},"     \
    "\"ranges\":{\"type\":\"object\",\"additionalProperties\":"                \
    "{\"type\":\"array\",\"items\":{\"type\":\"number\"},\"minItems\":2,"      \
    "\"maxItems\":2},\"description\":"                                         \
    "\"JSON Pointer -> [min, max] the number there must lie in\"},"            \
    "\"allowed\":{\"type\":\"object\",\"additionalProperties\":"               \
    "{\"type\":\"array\",\"minItems\":1,\"items\":{\"x-wsc-expect\":true}},"\
    "\"description\":"                                    \
    "\"JSON Pointer -> the values allowed there\"},"                           \
    "\"unknown_values\":{\"enum\":[\"fail\",\"note\"],\"default\":\"fail\","   \
    "\"description\":\"A value outside allowed fails, or is noted once\"},"    \
    "\"non_json\":{\"enum\":[\"fail\",\"ignore\"],\"default\":\"fail\","       \
    "\"description\":\"A text message that is not JSON fails, or is "          \
    "skipped\"},"                                                              \
    "\"max_gap\":{\"type\":\"number\",\"minimum\":0,\"description\":"          \
    "\"Longest silence allowed, seconds\"},"                                   \
    "\"min_messages\":{\"type\":\"integer\",\"minimum\":0,\"description\":"    \
    "\"Fewest counted messages\"},"                                            \
    "\"min_rate\":{\"type\":\"number\",\"minimum\":0,\"description\":"         \
    "\"Fewest counted messages per second over the stream\"},"                 \
    "\"keepalive\":{\"type\":\"object\",\"properties\":{"                      \
    "\"every\":{\"type\":\"number\",\"minimum\":0},"                           \
    "\"message\":{}},\"required\":[\"every\",\"message\"],"                    \
    "\"additionalProperties\":false,\"description\":"                          \
    "\"A message the client sends every N seconds\"},"                         \
    "\"duration\":{\"type\":\"number\",\"minimum\":0,\"description\":"         \
    "\"Seconds to watch (default: until the terminal message or the test's "   \
    "timeout)\"},"                                                             \
    "\"allow_close\":{\"type\":\"boolean\",\"default\":false,\"description\":" \
    "\"A close by the server before the end is not a failure (a missing "      \
    "terminal still is)\"}"
/* clang-format on */

/* Metric declarations for a check's struct wsc_metric_decl table:
 *   static const struct wsc_metric_decl metrics[] = {
 *       WSC_STREAM_METRIC_DECLS, {"updates", "count", "..."}, {NULL, NULL, NULL}};
 */
/* clang-format off */
#define WSC_STREAM_METRIC_DECLS                                                \
    {"messages", "count", "Messages counted (not ignored)"},                   \
    {"ignored_messages", "count", "Messages skipped by ignore or non_json"},   \
    {"max_gap_ms", "ms", "Longest silence between messages"},                  \
    {"gap_p50_ms", "ms", "Median gap between messages"},                       \
    {"gap_p99_ms", "ms", "99th percentile of the gaps between messages"},      \
    {"time_to_terminal_ms", "ms", "Start to the terminal message"}
/* clang-format on */

/* ---- Options ------------------------------------------------------------- */

struct wsc_stream_range {
    char *pointer;
    double min, max;
};

struct wsc_stream_allowed {
    char *pointer;
    struct json_object *values; /* array of allowed values (compared as the
                                 * matcher compares scalars: numbers
                                 * numerically) */
};

enum wsc_stream_unknown {
    WSC_STREAM_UNKNOWN_FAIL = 0,
    WSC_STREAM_UNKNOWN_NOTE = 1,
};

struct wsc_stream_options {
    size_t struct_size;            /* set by wsc_stream_options_init/parse */
    struct json_object *subscribe; /* NULL: nothing sent first */
    struct json_object *match;     /* NULL: any message */
    struct json_object *ignore;    /* NULL: nothing skipped */
    struct json_object *terminal;  /* NULL: no terminal message */
    int require_terminal;          /* 1, 0, or -1: when terminal is given */
    char **non_decreasing;         /* JSON Pointers */
    size_t n_non_decreasing;
    char **increasing; /* JSON Pointers (strictly) */
    size_t n_increasing;
    struct wsc_stream_range *ranges;
    size_t n_ranges;
    struct wsc_stream_allowed *allowed;
    size_t n_allowed;
    enum wsc_stream_unknown unknown_values;
    int non_json_ignore;                   /* 1: non-JSON text is skipped */
    double max_gap;                        /* seconds; 0: no limit */
    size_t min_messages;                   /* 0: none */
    double min_rate;                       /* messages/s; 0: none */
    double keepalive_every;                /* seconds; 0: no keep-alive */
    struct json_object *keepalive_message; /* a string is sent as text */
    double duration;                       /* seconds; 0: until the deadline */
    int allow_close;                       /* a close by the peer is no failure */
};

WSC_EXPORT void wsc_stream_options_init_sized(struct wsc_stream_options *opt,
                                              size_t size);
WSC_EXPORT int wsc_stream_options_parse_sized(struct wsc_ctx *ctx,
                                              const struct json_object *params,
                                              struct wsc_stream_options *opt, size_t size,
                                              char **err);

/* Defaults: no rule at all. */
static inline void wsc_stream_options_init(struct wsc_stream_options *opt)
{
    wsc_stream_options_init_sized(opt, sizeof *opt);
}
/* Initialises *opt from check params (the members of
 * WSC_STREAM_OPTION_PROPS; others are ignored; values are copied). Returns
 * 0, or -1 with *err a malloc'ed message ("non_decreasing/0: 'x' is not a
 * JSON Pointer"); *opt is then freed. ctx may be NULL. */
static inline int wsc_stream_options_parse(struct wsc_ctx *ctx,
                                           const struct json_object *params,
                                           struct wsc_stream_options *opt, char **err)
{
    return wsc_stream_options_parse_sized(ctx, params, opt, sizeof *opt, err);
}
/* Rules a check adds to what the user wrote (its defaults), copied. Each
 * returns 0, or -1 (out of memory, or `pointer` is not a JSON Pointer). A
 * pointer the user already gave a rule of the same kind is left as the
 * user wrote it (the call returns 0). */
WSC_EXPORT int wsc_stream_options_add_non_decreasing(struct wsc_stream_options *opt,
                                                     const char *pointer);
WSC_EXPORT int wsc_stream_options_add_range(struct wsc_stream_options *opt,
                                            const char *pointer, double min, double max);
WSC_EXPORT int wsc_stream_options_add_allowed(struct wsc_stream_options *opt,
                                              const char *pointer,
                                              const struct json_object *values);
/* Frees what *opt holds and re-initialises it. */
WSC_EXPORT void wsc_stream_options_free(struct wsc_stream_options *opt);

/* For a check's validate callback: reports (wsc_invalid()) every stream
 * option of params (at the top level) that the schema cannot check:
 * malformed matchers, strings that are not JSON Pointers, a range whose min
 * exceeds its max, an empty allowed set, a keep-alive or max_gap longer than
 * the test's timeout. Values still holding "${...}" are not judged. */
WSC_EXPORT void wsc_stream_validate(struct wsc_validation *v,
                                    const struct json_object *params);

/* ---- The engine ------------------------------------------------------------ */

struct wsc_stream;

enum wsc_stream_verdict {
    WSC_STREAM_MORE = 0,     /* no verdict yet: keep feeding */
    WSC_STREAM_TERMINAL = 1, /* the terminal message came */
    WSC_STREAM_FAILED = 2,   /* a rule broke: wsc_stream_error() */
};

/* A stream starting at `start` (a wsc_now() value: gaps and the "+N s" of
 * messages count from there). *opt is copied. ctx may be NULL. NULL only
 * when out of memory. */
WSC_EXPORT struct wsc_stream *wsc_stream_new(struct wsc_ctx *ctx,
                                             const struct wsc_stream_options *opt,
                                             double start);
WSC_EXPORT void wsc_stream_free(struct wsc_stream *s);

/* Feeds one message received at time t. The verdict is sticky: once
 * TERMINAL or FAILED, later feeds change nothing and return it again. */
WSC_EXPORT enum wsc_stream_verdict wsc_stream_feed(struct wsc_stream *s,
                                                   const struct json_object *msg,
                                                   double t);
/* Feeds a text message that may not be JSON: parsed, then as
 * wsc_stream_feed(); text that is not one JSON value fails (non_json) or
 * is skipped like an ignored message (non_json "ignore"). */
WSC_EXPORT enum wsc_stream_verdict wsc_stream_feed_text(struct wsc_stream *s,
                                                        const char *text, size_t len,
                                                        double t);
/* The gap rule without a message: FAILED once more than max_gap has passed
 * since the last message (or the start). */
WSC_EXPORT enum wsc_stream_verdict wsc_stream_tick(struct wsc_stream *s, double now);
/* The earliest time something is due: the gap limit, the next keep-alive,
 * the end of duration. 0: nothing is (wait for messages or the deadline). */
WSC_EXPORT double wsc_stream_next_due(const struct wsc_stream *s);
/* 1 when a keep-alive should be sent at `now`; after sending it (see
 * wsc_stream_send()), call wsc_stream_keepalive_sent(). Anything else the
 * client sends may be reported with wsc_stream_keepalive_sent() too. */
WSC_EXPORT int wsc_stream_keepalive_due(const struct wsc_stream *s, double now);
WSC_EXPORT void wsc_stream_keepalive_sent(struct wsc_stream *s, double now);
/* 1 once `now` is past start + duration (never without a duration). */
WSC_EXPORT int wsc_stream_duration_over(const struct wsc_stream *s, double now);

/* Says why the stream ended before its terminal message or the end of its
 * duration, for the failure wsc_stream_finish() may report, e.g.
 * wsc_stream_end_cause(s, 1, "the server closed the connection with 1000
 * \"bye\""). by_peer: 1 when the peer ended it (a close, a dropped
 * connection: a failure unless allow_close), 0 when the client stopped (the
 * test's deadline). The last call wins. */
WSC_EXPORT void wsc_stream_end_cause(struct wsc_stream *s, int by_peer, const char *fmt,
                                     ...) WSC_PRINTF(3, 4);
/* Ends the stream at `now`: the peer ending it early (unless allow_close),
 * require_terminal, min_messages, min_rate; records the metrics (once).
 * Returns the final verdict: FAILED, TERMINAL, or MORE when the stream
 * ended without a terminal message and without breaking a rule (a pass). */
WSC_EXPORT enum wsc_stream_verdict wsc_stream_finish(struct wsc_stream *s, double now);

/* The first failure's message, "" when none. */
WSC_EXPORT const char *wsc_stream_error(const struct wsc_stream *s);
WSC_EXPORT enum wsc_stream_verdict wsc_stream_verdict(const struct wsc_stream *s);
/* Messages counted (matched rules; ignored ones and non-JSON skipped
 * excluded), and all messages fed. */
WSC_EXPORT size_t wsc_stream_count(const struct wsc_stream *s);
WSC_EXPORT size_t wsc_stream_received(const struct wsc_stream *s);
/* The last counted message (borrowed; NULL before the first), e.g. for an
 * `expect` on the final state. */
WSC_EXPORT const struct json_object *wsc_stream_last(const struct wsc_stream *s);

/* ---- WebSocket driver ------------------------------------------------------ */

/* Sends a value as the options do: a string as its text, anything else as
 * compact JSON text. */
WSC_EXPORT enum wsc_ws_result wsc_stream_send(struct wsc_ws *ws,
                                              const struct json_object *value);

/* Follows the stream on a connected WebSocket: sends subscribe (if any and
 * not yet sent on this stream), then receives until the terminal message,
 * a failure, the end of duration, `deadline` (0: the connection's; never
 * past the test's) or the
 * peer's close; sends keep-alives when due; feeds every text frame (binary
 * frames are non-JSON messages); pings are answered by the WebSocket layer.
 * Returns TERMINAL, FAILED, or MORE when the stream ended otherwise, with
 * its cause recorded (wsc_stream_end_cause()): call wsc_stream_finish()
 * then. May be called again on a new connection (a reconnection) with the
 * same stream: subscribe is then sent again. */
WSC_EXPORT enum wsc_stream_verdict wsc_stream_follow_ws(struct wsc_stream *s,
                                                        struct wsc_ws *ws,
                                                        double deadline);

#ifdef __cplusplus
}
#endif

#endif
