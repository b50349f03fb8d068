/* Tracing the header block of an HTTP request or answer as one trace entry
 * (kind "http"), for the HTTP and WebSocket clients. libcurl hands the
 * answer over one header line at a time; the block is traced whole when the
 * blank line that ends it arrives, so that a person reads the status line
 * and every header together. Not installed. */
#ifndef WSC_TRACE_HEAD_H
#define WSC_TRACE_HEAD_H

#include <stddef.h>

#include "util.h"
#include "wscheck/plugin.h"

/* What wsc_trace() keeps of an entry's data: of a frame, and of a header
 * block (kind "http"); the trace's readers mark what was cut. */
#define WSC_TRACE_DATA_MAX 64
#define WSC_TRACE_HEAD_MAX 8192

/* Adds one header line of an answer (with or without its CRLF) to `b`; at
 * the blank line that ends the block, traces the block (dir "recv") and
 * empties `b`. Lines past WSC_TRACE_HEAD_MAX bytes are dropped. */
void wsc_trace_head_line(struct wsc_ctx *ctx, struct wsc_buf *b, const char *line,
                         size_t n);
/* Traces what `b` holds of a block the connection cut short, then empties it. */
void wsc_trace_head_flush(struct wsc_ctx *ctx, struct wsc_buf *b);
/* Traces a request's header block as sent (dir "send"), without the blank
 * line that ends it. */
void wsc_trace_head_sent(struct wsc_ctx *ctx, const char *data, size_t n);

#endif
