/* The stream engine's state, shared by its files: the rules (stream.c,
 * stream_rules.c), the options (stream_options.c) and the WebSocket driver
 * (stream_ws.c). */
#ifndef WSC_STREAM_INTERNAL_H
#define WSC_STREAM_INTERNAL_H

#include "util.h"
#include "wscheck/histogram.h"
#include "wscheck/stream.h"

struct wsc_stream {
    struct wsc_ctx *ctx;
    struct wsc_stream_options opt; /* a deep copy */
    int require_terminal;          /* opt's, resolved */
    double start;
    double last_t;     /* the last message's time, or start */
    size_t last_index; /* 1-based index of the last message, 0: none yet */
    double at;         /* the message being fed: its time and index */
    size_t index;
    size_t received, counted, ignored;
    enum wsc_stream_verdict verdict;
    char *error; /* the first failure, NULL before */
    struct json_object *last;
    struct json_object **prev;  /* one per non_decreasing then increasing
                                 * pointer: the previous value seen */
    struct json_object **noted; /* one array per allowed entry: unknown values
                                 * already noted */
    struct wsc_histogram *gaps; /* ms between consecutive messages */
    double terminal_t;          /* < 0: no terminal message */
    double next_keepalive;      /* 0: no keep-alive */
    char *end_cause;
    int end_by_peer;
    int finished;
};

/* Fails the stream with a message (the first failure is kept). Returns
 * WSC_STREAM_FAILED. */
enum wsc_stream_verdict stream_fail(struct wsc_stream *s, const char *fmt, ...)
    WSC_PRINTF(2, 3);
/* Fails the stream naming the message being fed: "message 7 at +3.2 s: ". */
enum wsc_stream_verdict stream_fail_msg(struct wsc_stream *s, const char *fmt, ...)
    WSC_PRINTF(2, 3);
/* The value rules (ranges, allowed, non_decreasing, increasing) on one
 * counted message: WSC_STREAM_MORE, or FAILED. */
enum wsc_stream_verdict stream_value_rules(struct wsc_stream *s,
                                           const struct json_object *msg);
/* A message that is not JSON text (`what` describes it: the text quoted,
 * "a binary message of 12 bytes"): skipped with non_json "ignore", else a
 * failure. */
enum wsc_stream_verdict stream_feed_non_json(struct wsc_stream *s, const char *what,
                                             double t);
/* Deep copy of options (dst is initialised first). 0, or -1 (out of memory:
 * dst is freed). */
int stream_options_copy(struct wsc_stream_options *dst,
                        const struct wsc_stream_options *src);
/* NULL when opt can be used, else why not (an uninitialised struct, or one
 * from a newer ABI). */
const char *stream_options_unusable(const struct wsc_stream_options *opt);
/* Is p a JSON Pointer ("" or "/..." with valid ~0 ~1 escapes)? */
int stream_pointer_valid(const char *p);

#endif
