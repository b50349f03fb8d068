#include "trace_head.h"

/* Without the CRLFs (and blank lines) at the end of a block. */
static size_t trimmed(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return n;
}

void wsc_trace_head_flush(struct wsc_ctx *ctx, struct wsc_buf *b)
{
    size_t n = trimmed(b->data ? b->data : "", b->len);
    if (ctx && n > 0)
        wsc_trace(ctx, "recv", "http", b->data, n);
    wsc_buf_truncate(b, 0);
}

void wsc_trace_head_line(struct wsc_ctx *ctx, struct wsc_buf *b, const char *line,
                         size_t n)
{
    if (!ctx)
        return;
    if (trimmed(line, n) == 0) {
        wsc_trace_head_flush(ctx, b);
        return;
    }
    if (b->len + n <= WSC_TRACE_HEAD_MAX)
        wsc_buf_append(b, line, n);
}

void wsc_trace_head_sent(struct wsc_ctx *ctx, const char *data, size_t n)
{
    size_t len = trimmed(data, n);
    if (ctx && len > 0)
        wsc_trace(ctx, "send", "http", data, len);
}
