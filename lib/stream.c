/* The stream engine (see <wscheck/stream.h>): message order, the ignore,
 * match and terminal matchers, the gap rule, keep-alive timing and the
 * verdict at the end, with its metrics. The value rules are in
 * stream_rules.c. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stream_internal.h"
#include "wscheck/json.h"
#include "wscheck/render.h"

static void free_state(struct wsc_stream *s)
{
    size_t n_mono = s->opt.n_non_decreasing + s->opt.n_increasing;
    if (s->prev)
        for (size_t i = 0; i < n_mono; i++)
            json_object_put(s->prev[i]);
    if (s->noted)
        for (size_t i = 0; i < s->opt.n_allowed; i++)
            json_object_put(s->noted[i]);
    free(s->prev);
    free(s->noted);
    wsc_hist_free(s->gaps);
    json_object_put(s->last);
    free(s->error);
    free(s->end_cause);
    wsc_stream_options_free(&s->opt);
}

struct wsc_stream *wsc_stream_new(struct wsc_ctx *ctx,
                                  const struct wsc_stream_options *opt, double start)
{
    struct wsc_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->ctx = ctx;
    s->start = s->last_t = start;
    s->terminal_t = -1;
    const char *why = stream_options_unusable(opt);
    if (why || stream_options_copy(&s->opt, opt) != 0) {
        wsc_stream_options_init(&s->opt);
        s->verdict = WSC_STREAM_FAILED;
        s->error = strdup(why ? why : "out of memory");
        if (!s->error) {
            free(s);
            return NULL;
        }
        return s;
    }
    size_t n_mono = s->opt.n_non_decreasing + s->opt.n_increasing;
    s->prev = calloc(n_mono + 1, sizeof *s->prev);
    s->noted = calloc(s->opt.n_allowed + 1, sizeof *s->noted);
    s->gaps = wsc_hist_new();
    if (!s->prev || !s->noted || !s->gaps) {
        free_state(s);
        free(s);
        return NULL;
    }
    s->require_terminal =
        s->opt.require_terminal < 0 ? s->opt.terminal != NULL : s->opt.require_terminal;
    if (s->opt.keepalive_every > 0)
        s->next_keepalive = start + s->opt.keepalive_every;
    return s;
}

void wsc_stream_free(struct wsc_stream *s)
{
    if (!s)
        return;
    free_state(s);
    free(s);
}

static enum wsc_stream_verdict vfail(struct wsc_stream *s, const char *prefix,
                                     const char *fmt, va_list ap) WSC_PRINTF(3, 0);
static enum wsc_stream_verdict vfail(struct wsc_stream *s, const char *prefix,
                                     const char *fmt, va_list ap)
{
    if (s->verdict == WSC_STREAM_FAILED)
        return WSC_STREAM_FAILED;
    s->verdict = WSC_STREAM_FAILED;
    struct wsc_buf b = {0};
    wsc_buf_puts(&b, prefix);
    wsc_buf_vprintf(&b, fmt, ap);
    s->error = wsc_buf_take(&b);
    return WSC_STREAM_FAILED;
}

enum wsc_stream_verdict stream_fail(struct wsc_stream *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(s, "", fmt, ap);
    va_end(ap);
    return WSC_STREAM_FAILED;
}

enum wsc_stream_verdict stream_fail_msg(struct wsc_stream *s, const char *fmt, ...)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "message %zu at +%.1f s: ", s->index,
             s->at - s->start);
    va_list ap;
    va_start(ap, fmt);
    vfail(s, prefix, fmt, ap);
    va_end(ap);
    return WSC_STREAM_FAILED;
}

/* "after message 4 at +1.1 s", or "after the start". */
static void describe_last(const struct wsc_stream *s, char *out, size_t size)
{
    if (s->last_index == 0)
        snprintf(out, size, "after the start");
    else
        snprintf(out, size, "after message %zu at +%.1f s", s->last_index,
                 s->last_t - s->start);
}

static int gap_exceeded(const struct wsc_stream *s, double t)
{
    return s->opt.max_gap > 0 && t - s->last_t > s->opt.max_gap;
}

static enum wsc_stream_verdict fail_gap(struct wsc_stream *s)
{
    char last[96];
    describe_last(s, last, sizeof last);
    return stream_fail(s, "no message for %.1f s %s (max_gap %.1f s)", s->opt.max_gap,
                       last, s->opt.max_gap);
}

/* Every message, counted or not: its index, the gap before it. */
static enum wsc_stream_verdict arrive(struct wsc_stream *s, double t)
{
    s->index = ++s->received;
    s->at = t;
    if (gap_exceeded(s, t))
        return fail_gap(s);
    if (s->last_index > 0)
        wsc_hist_record(s->gaps, (t - s->last_t) * 1000.0);
    s->last_t = t;
    s->last_index = s->index;
    return WSC_STREAM_MORE;
}

static enum wsc_stream_verdict counted(struct wsc_stream *s,
                                       const struct json_object *msg)
{
    char *why = NULL;
    s->counted++;
    json_object_put(s->last);
    s->last = NULL;
    if (msg && json_object_deep_copy((struct json_object *)msg, &s->last, NULL) != 0)
        return stream_fail(s, "out of memory");
    if (s->opt.match && !wsc_match(s->opt.match, msg, NULL, &why)) {
        stream_fail_msg(s, "%s (match)", why ? why : "out of memory");
        free(why);
        return WSC_STREAM_FAILED;
    }
    if (stream_value_rules(s, msg) != WSC_STREAM_MORE)
        return WSC_STREAM_FAILED;
    if (s->opt.terminal && wsc_match(s->opt.terminal, msg, NULL, NULL)) {
        s->terminal_t = s->at;
        s->verdict = WSC_STREAM_TERMINAL;
    }
    return s->verdict;
}

enum wsc_stream_verdict wsc_stream_feed(struct wsc_stream *s,
                                        const struct json_object *msg, double t)
{
    if (s->verdict != WSC_STREAM_MORE || s->finished)
        return s->verdict;
    if (arrive(s, t) != WSC_STREAM_MORE)
        return s->verdict;
    if (s->opt.ignore && wsc_match(s->opt.ignore, msg, NULL, NULL)) {
        s->ignored++;
        return WSC_STREAM_MORE;
    }
    return counted(s, msg);
}

/* Parses the whole of text as one JSON value (whitespace around it
 * allowed) into *out (NULL for JSON null). Returns 1, or 0 when the text is
 * not one JSON value. */
static int parse_json(const char *text, size_t len, struct json_object **out)
{
    *out = NULL;
    if (len > (size_t)INT32_MAX)
        return 0;
    struct json_tokener *tok = wsc_json_tokener_new();
    if (!tok)
        return 0;
    struct json_object *v = json_tokener_parse_ex(tok, text, (int)len);
    size_t end = json_tokener_get_parse_end(tok);
    /* A number or null at the very end waits for more: a NUL ends it. */
    if (!v && json_tokener_get_error(tok) == json_tokener_continue && end == len)
        v = json_tokener_parse_ex(tok, "", 1);
    int ok = json_tokener_get_error(tok) == json_tokener_success;
    while (ok && end < len && text[end] && strchr(" \t\r\n", text[end]))
        end++;
    json_tokener_free(tok);
    if (!ok || end != len) {
        json_object_put(v);
        return 0;
    }
    *out = v;
    return 1;
}

enum wsc_stream_verdict wsc_stream_feed_text(struct wsc_stream *s, const char *text,
                                             size_t len, double t)
{
    if (s->verdict != WSC_STREAM_MORE || s->finished)
        return s->verdict;
    struct json_object *v;
    if (parse_json(text, len, &v)) {
        enum wsc_stream_verdict r = wsc_stream_feed(s, v, t);
        json_object_put(v);
        return r;
    }
    char shown[WSC_RENDER_MAX + 8];
    shown[0] = '"';
    size_t n = wsc_render_text_buf(shown + 1, sizeof shown - 2, text, len);
    memcpy(shown + 1 + n, "\"", 2);
    return stream_feed_non_json(s, shown, t);
}

enum wsc_stream_verdict stream_feed_non_json(struct wsc_stream *s, const char *what,
                                             double t)
{
    if (s->verdict != WSC_STREAM_MORE || s->finished)
        return s->verdict;
    if (arrive(s, t) != WSC_STREAM_MORE)
        return s->verdict;
    if (s->opt.non_json_ignore) {
        s->ignored++;
        return WSC_STREAM_MORE;
    }
    return stream_fail_msg(s, "not JSON: %s (non_json)", what);
}

enum wsc_stream_verdict wsc_stream_tick(struct wsc_stream *s, double now)
{
    if (s->verdict == WSC_STREAM_MORE && !s->finished && gap_exceeded(s, now))
        return fail_gap(s);
    return s->verdict;
}

static double earliest(double a, double b)
{
    if (a <= 0)
        return b;
    return b <= 0 || a < b ? a : b;
}

double wsc_stream_next_due(const struct wsc_stream *s)
{
    double due = 0;
    if (s->opt.max_gap > 0)
        due = s->last_t + s->opt.max_gap;
    due = earliest(due, s->next_keepalive);
    if (s->opt.duration > 0)
        due = earliest(due, s->start + s->opt.duration);
    return due;
}

int wsc_stream_keepalive_due(const struct wsc_stream *s, double now)
{
    return s->next_keepalive > 0 && now >= s->next_keepalive;
}

void wsc_stream_keepalive_sent(struct wsc_stream *s, double now)
{
    if (s->opt.keepalive_every > 0)
        s->next_keepalive = now + s->opt.keepalive_every;
}

int wsc_stream_duration_over(const struct wsc_stream *s, double now)
{
    return s->opt.duration > 0 && now >= s->start + s->opt.duration;
}

void wsc_stream_end_cause(struct wsc_stream *s, int by_peer, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cause = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    free(s->end_cause);
    s->end_cause = cause;
    s->end_by_peer = by_peer;
}

const char *wsc_stream_error(const struct wsc_stream *s)
{
    if (s->error)
        return s->error;
    return s->verdict == WSC_STREAM_FAILED ? "out of memory" : "";
}

enum wsc_stream_verdict wsc_stream_verdict(const struct wsc_stream *s)
{
    return s->verdict;
}

size_t wsc_stream_count(const struct wsc_stream *s)
{
    return s->counted;
}

size_t wsc_stream_received(const struct wsc_stream *s)
{
    return s->received;
}

const struct json_object *wsc_stream_last(const struct wsc_stream *s)
{
    return s->last;
}
