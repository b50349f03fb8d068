#include "trace_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace_head.h"
#include "util.h"
#include "wscheck/ws.h"

#define ELLIPSIS " \xe2\x80\xa6" /* U+2026 */

struct entry {
    double t_ms;
    const char *dir, *kind, *data;
    int64_t len;
    int has_len; /* the entry says how long its payload was */
    int hex;     /* data holds the payload as hex digits */
};

static const char *string_member(const struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static void read_entry(const struct json_object *o, struct entry *e)
{
    struct json_object *v;
    memset(e, 0, sizeof *e);
    if (json_object_object_get_ex(o, "t_ms", &v))
        e->t_ms = json_object_get_double(v);
    if (json_object_object_get_ex(o, "len", &v)) {
        e->len = json_object_get_int64(v);
        e->has_len = 1;
    }
    if (json_object_object_get_ex(o, "hex", &v))
        e->hex = json_object_get_boolean(v);
    e->dir = string_member(o, "dir");
    e->kind = string_member(o, "kind");
    e->data = string_member(o, "data");
}

static const char *arrow(const char *dir)
{
    if (dir && strcmp(dir, "send") == 0)
        return "\xe2\x86\x92"; /* U+2192 → */
    if (dir && strcmp(dir, "recv") == 0)
        return "\xe2\x86\x90"; /* U+2190 ← */
    return "\xc2\xb7";         /* U+00B7 · */
}

/* The payload's bytes: decoded from hex, or the text itself. Malloc'ed. */
static unsigned char *payload(const struct entry *e, size_t *n)
{
    const char *d = e->data ? e->data : "";
    size_t len = strlen(d);
    unsigned char *out = malloc(len + 1);
    if (!out)
        return NULL;
    if (!e->hex) {
        memcpy(out, d, len);
        *n = len;
        return out;
    }
    *n = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        int hi = wsc_hex_value(d[i]), lo = wsc_hex_value(d[i + 1]);
        if (hi < 0 || lo < 0)
            break;
        out[(*n)++] = (unsigned char)(hi << 4 | lo);
    }
    return out;
}

static void put_hex(struct wsc_buf *b, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wsc_buf_printf(b, "%s%02x", i ? " " : "", p[i]);
}

/* Text on one line: line breaks, tabs and backslashes escaped. */
static void put_text(struct wsc_buf *b, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (p[i]) {
        case '\n':
            wsc_buf_puts(b, "\\n");
            break;
        case '\r':
            wsc_buf_puts(b, "\\r");
            break;
        case '\t':
            wsc_buf_puts(b, "\\t");
            break;
        case '\\':
            wsc_buf_puts(b, "\\\\");
            break;
        default:
            wsc_buf_append(b, (const char *)&p[i], 1);
        }
    }
}

/* "4000 (private use) \"bad input\"" */
static void put_close(struct wsc_buf *b, const unsigned char *p, size_t n)
{
    if (n == 0) {
        wsc_buf_puts(b, "(no status code)");
        return;
    }
    if (n == 1) {
        wsc_buf_puts(b, "malformed: a 1-byte payload ");
        put_hex(b, p, n);
        return;
    }
    int code = p[0] << 8 | p[1];
    wsc_buf_printf(b, "%d (%s)", code, wsc_ws_close_code_name(code));
    if (n > 2) {
        wsc_buf_puts(b, " \"");
        put_text(b, p + 2, n - 2);
        wsc_buf_puts(b, "\"");
    }
}

/* Columns taken by a UTF-8 string (one per character). */
static size_t columns(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n; i++)
        cols += ((unsigned char)s[i] & 0xC0) != 0x80;
    return cols;
}

/* A header block, one line each, the later ones aligned under the first. */
static void put_head(struct wsc_buf *b, const unsigned char *p, size_t n, size_t indent)
{
    size_t i = 0, line = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && p[end] != '\n')
            end++;
        size_t stop = end > i && p[end - 1] == '\r' ? end - 1 : end;
        if (line++)
            wsc_buf_printf(b, "\n%*s", (int)indent, "");
        put_text(b, p + i, stop - i);
        i = end + 1;
    }
}

static int is_kind(const struct entry *e, const char *kind)
{
    return e->kind && strcmp(e->kind, kind) == 0;
}

static void put_payload(struct wsc_buf *b, const struct entry *e, size_t indent)
{
    size_t n = 0;
    unsigned char *p = payload(e, &n);
    if (!p) {
        b->failed = 1;
        return;
    }
    if (is_kind(e, "close"))
        put_close(b, p, n);
    else if (is_kind(e, "http"))
        put_head(b, p, n, indent);
    else if (e->hex || is_kind(e, "binary"))
        put_hex(b, p, n);
    else
        put_text(b, p, n);
    free(p);
    /* past what libwscheck keeps of a payload, it was cut */
    int64_t kept = is_kind(e, "http") ? WSC_TRACE_HEAD_MAX : WSC_TRACE_DATA_MAX;
    if (e->len > kept)
        wsc_buf_puts(b, ELLIPSIS);
}

char *wsc_trace_entry_text(const struct json_object *o)
{
    struct entry e;
    struct wsc_buf b = {0};
    if (!json_object_is_type(o, json_type_object)) { /* not wsc_trace()'s: as is */
        const char *s = json_object_get_string((struct json_object *)o);
        return strdup(s ? s : "null");
    }
    read_entry(o, &e);
    wsc_buf_printf(&b, "+%.3f ms  %s %s", e.t_ms, arrow(e.dir),
                   e.kind && *e.kind ? e.kind : "event");
    if (e.has_len)
        wsc_buf_printf(&b, " %lld B", (long long)e.len);
    /* a close without a payload says so: it has no status code */
    if ((e.data && *e.data) || (e.has_len && is_kind(&e, "close"))) {
        wsc_buf_puts(&b, "  ");
        put_payload(&b, &e, b.data ? columns(b.data, b.len) : 0);
    }
    if (b.failed) {
        wsc_buf_free(&b);
        return NULL;
    }
    return wsc_buf_take(&b);
}

char *wsc_trace_text(const struct json_object *trace)
{
    struct wsc_buf b = {0};
    wsc_buf_puts(&b, "");
    size_t n = trace && json_object_is_type(trace, json_type_array)
                   ? json_object_array_length(trace)
                   : 0;
    for (size_t i = 0; i < n && !b.failed; i++) {
        char *line = wsc_trace_entry_text(json_object_array_get_idx(trace, i));
        if (!line) {
            wsc_buf_free(&b);
            return NULL;
        }
        wsc_buf_printf(&b, "%s\n", line);
        free(line);
    }
    if (b.failed) {
        wsc_buf_free(&b);
        return NULL;
    }
    return wsc_buf_take(&b);
}
