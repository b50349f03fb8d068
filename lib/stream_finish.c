/* The end of a stream (see wsc_stream_finish() in <wscheck/stream.h>): the
 * rules that can only be judged once it is over, and its metrics. */
#include <stdio.h>

#include "stream_internal.h"

/* "after message 5 at +1.2 s", or "before any message". */
static void describe_end(const struct wsc_stream *s, char *out, size_t size)
{
    if (s->last_index == 0)
        snprintf(out, size, "before any message");
    else
        snprintf(out, size, "after message %zu at +%.1f s", s->last_index,
                 s->last_t - s->start);
}

static enum wsc_stream_verdict judge_ending(struct wsc_stream *s)
{
    char where[96];
    const char *cause = s->end_cause ? s->end_cause : "the stream ended";
    describe_end(s, where, sizeof where);
    if (s->require_terminal)
        return stream_fail(s, "%s %s%s (require_terminal)", cause, where,
                           s->last_index ? ", before a terminal message" : "");
    if (s->end_by_peer && !s->opt.allow_close) {
        if (s->opt.duration > 0)
            return stream_fail(s,
                               "%s %s, before the end of duration %.1f s (allow_close)",
                               cause, where, s->opt.duration);
        return stream_fail(s, "%s %s (allow_close)", cause, where);
    }
    return WSC_STREAM_MORE;
}

static enum wsc_stream_verdict judge_counts(struct wsc_stream *s, double now)
{
    if (s->counted < s->opt.min_messages)
        return stream_fail(s, "%zu message%s, expected at least %zu (min_messages)",
                           s->counted, s->counted == 1 ? "" : "s", s->opt.min_messages);
    double end = s->terminal_t >= 0 ? s->terminal_t : now;
    double elapsed = end - s->start;
    if (s->opt.min_rate > 0 && elapsed > 0 &&
        (double)s->counted / elapsed < s->opt.min_rate)
        return stream_fail(s,
                           "%zu message%s: fewer than %g per second over the stream "
                           "(min_rate)",
                           s->counted, s->counted == 1 ? "" : "s", s->opt.min_rate);
    return s->verdict;
}

static void record_metrics(struct wsc_stream *s)
{
    if (!s->ctx)
        return;
    wsc_metric(s->ctx, "messages", (double)s->counted, "count");
    wsc_metric(s->ctx, "ignored_messages", (double)s->ignored, "count");
    if (wsc_hist_count(s->gaps) > 0) {
        wsc_metric(s->ctx, "max_gap_ms", wsc_hist_max(s->gaps), "ms");
        wsc_metric(s->ctx, "gap_p50_ms", wsc_hist_percentile(s->gaps, 50), "ms");
        wsc_metric(s->ctx, "gap_p99_ms", wsc_hist_percentile(s->gaps, 99), "ms");
        wsc_metric_histogram(s->ctx, "gap_ms", s->gaps, "ms");
    }
    if (s->terminal_t >= 0)
        wsc_metric(s->ctx, "time_to_terminal_ms", (s->terminal_t - s->start) * 1000.0,
                   "ms");
}

enum wsc_stream_verdict wsc_stream_finish(struct wsc_stream *s, double now)
{
    if (s->finished)
        return s->verdict;
    if (s->verdict == WSC_STREAM_MORE)
        wsc_stream_tick(s, now);
    s->finished = 1;
    if (s->verdict == WSC_STREAM_MORE)
        judge_ending(s);
    if (s->verdict != WSC_STREAM_FAILED)
        judge_counts(s, now);
    record_metrics(s);
    return s->verdict;
}
