/* A Server-Sent Events parser (the WHATWG "event stream interpretation"),
 * fed bytes as they arrive, with every buffer bounded: a line or an event's
 * data longer than the limit stops the stream with a message instead of
 * growing without end. */
#include <stdio.h>
#include <string.h>

#include "mcp_internal.h"

void mcp_sse_init(struct mcp_sse *p, size_t max, mcp_sse_fn fn, void *arg)
{
    memset(p, 0, sizeof *p);
    p->max = max;
    p->retry_ms = -1;
    p->fn = fn;
    p->arg = arg;
}

void mcp_sse_free(struct mcp_sse *p)
{
    wsc_buf_free(&p->line);
    wsc_buf_free(&p->data);
}

static int sse_error(struct mcp_sse *p, const char *what)
{
    snprintf(p->err, sizeof p->err, "%s", what);
    return -1;
}

static int dispatch(struct mcp_sse *p)
{
    int rc = 0;
    if (p->has_data) {
        /* the data buffer ends with the "\n" of its last line: drop it */
        size_t len = p->data.len > 0 ? p->data.len - 1 : 0;
        const char *data = p->data.data ? p->data.data : "";
        char *d = p->data.data;
        if (d)
            d[len] = '\0';
        if (p->fn(p->arg, p->event[0] ? p->event : "message", data, len, p->last_id) != 0)
            rc = sse_error(p, "stopped by the reader");
    }
    wsc_buf_truncate(&p->data, 0);
    p->event[0] = '\0';
    p->has_data = 0;
    return rc;
}

/* "retry": the reconnection time in milliseconds when the value is ASCII
 * digits only, else ignored (WHATWG). Kept bounded: a huge value is the
 * longest wait allowed, not an overflow. */
static void retry_field(struct mcp_sse *p, const char *value, size_t vlen)
{
    long ms = 0;
    if (vlen == 0)
        return;
    for (size_t i = 0; i < vlen; i++) {
        if (value[i] < '0' || value[i] > '9')
            return;
        if (ms < MCP_RETRY_MAX_MS)
            ms = ms * 10 + (value[i] - '0');
    }
    p->retry_ms = ms < MCP_RETRY_MAX_MS ? ms : MCP_RETRY_MAX_MS;
}

/* One complete line, without its end. */
static int field(struct mcp_sse *p, const char *line, size_t len)
{
    if (len == 0)
        return dispatch(p);
    if (line[0] == ':')
        return 0; /* a comment (often a keep-alive) */
    const char *colon = memchr(line, ':', len);
    size_t nlen = colon ? (size_t)(colon - line) : len;
    const char *value = colon ? colon + 1 : line + len;
    size_t vlen = colon ? len - nlen - 1 : 0;
    if (vlen > 0 && *value == ' ') {
        value++;
        vlen--;
    }
    if (nlen == 4 && memcmp(line, "data", 4) == 0) {
        if (p->data.len + vlen + 1 > p->max)
            return sse_error(p, "an event's data is larger than the limit");
        wsc_buf_append(&p->data, value, vlen);
        wsc_buf_append(&p->data, "\n", 1);
        if (p->data.failed)
            return sse_error(p, "out of memory");
        p->has_data = 1;
    } else if (nlen == 5 && memcmp(line, "event", 5) == 0) {
        snprintf(p->event, sizeof p->event, "%.*s", (int)vlen, value);
    } else if (nlen == 2 && memcmp(line, "id", 2) == 0) {
        if (!memchr(value, '\0', vlen))
            snprintf(p->last_id, sizeof p->last_id, "%.*s", (int)vlen, value);
    } else if (nlen == 5 && memcmp(line, "retry", 5) == 0) {
        retry_field(p, value, vlen);
    }
    /* unknown fields are ignored */
    return 0;
}

static int end_line(struct mcp_sse *p)
{
    const char *l = p->line.data ? p->line.data : "";
    size_t len = p->line.len;
    if (!p->started && len >= 3 && memcmp(l, "\xEF\xBB\xBF", 3) == 0) {
        l += 3;
        len -= 3;
    }
    p->started = 1;
    int rc = field(p, l, len);
    wsc_buf_truncate(&p->line, 0);
    return rc;
}

int mcp_sse_feed(struct mcp_sse *p, const char *bytes, size_t len)
{
    if (p->err[0])
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = bytes[i];
        if (c == '\n' && p->cr) {
            p->cr = 0; /* the LF of a CRLF */
            continue;
        }
        p->cr = c == '\r';
        if (c == '\r' || c == '\n') {
            if (end_line(p) != 0)
                return -1;
            continue;
        }
        /* the run of ordinary bytes up to the next line end, at once */
        size_t j = i;
        while (j < len && bytes[j] != '\r' && bytes[j] != '\n')
            j++;
        if (p->line.len + (j - i) > p->max)
            return sse_error(p, "a line of the event stream is longer than the limit");
        wsc_buf_append(&p->line, bytes + i, j - i);
        if (p->line.failed)
            return sse_error(p, "out of memory");
        i = j - 1;
    }
    return 0;
}
