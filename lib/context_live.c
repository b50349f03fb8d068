/* What a check's process prints while it runs, with --verbose: its debug
 * lines and, at -vv, every trace entry as it is recorded. Each line names its
 * test ("  [suite › test] debug: ..."), since with --jobs several tests print
 * at once, and is written with one write(): lines of parallel processes and
 * the runner's status line then never mix within a line.
 *
 * Only text that went through the context is printed: debug text after
 * redaction, and the trace entry as stored (never the caller's bytes). */
#include "context.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The status line of an interactive run is on the same terminal: "\r" and
 * clear-line first, so the line printed replaces it (the runner redraws it). */
#define CLEAR_LINE "\r\033[K"

void wsc_ctx_set_live(struct wsc_ctx *ctx, FILE *out, const char *label, int clear_line)
{
    free(ctx->live_label);
    ctx->live_label = label ? strdup(label) : NULL;
    ctx->live_out = out;
    ctx->live_clear = clear_line;
}

/* Length of the valid UTF-8 sequence at s (at most avail bytes), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
    size_t len = s[0] >= 0xC2 && s[0] <= 0xDF   ? 2
                 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
                 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                                : 0;
    if (len == 0 || avail < len)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* Appends text a terminal shows but does not obey: control characters
 * (C0, DEL, C1) and bytes that are not UTF-8 become visible escapes. */
static void append_visible(struct wsc_buf *b, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        size_t len = s[i] < 0x80 ? 1 : utf8_len(s + i, n - i);
        if (s[i] < 0x20 || s[i] == 0x7F || len == 0) {
            wsc_buf_printf(b, "\\x%02x", s[i]);
            i++;
        } else if (s[i] == 0xC2 && s[i + 1] <= 0x9F) {
            wsc_buf_printf(b, "\\u00%02x", s[i + 1]);
            i += 2;
        } else {
            wsc_buf_append(b, text + i, len);
            i += len;
        }
    }
}

/* Prints "  [label] " + what + the visible, redacted text, in one write. */
static void print_line(const struct wsc_ctx *ctx, const char *what, const char *text)
{
    char *safe = wsc_redactor_text(ctx->redactor, text);
    if (!safe)
        return;
    FILE *out = ctx->live_out ? ctx->live_out : stderr;
    struct wsc_buf b = {0};
    if (ctx->live_clear)
        wsc_buf_puts(&b, CLEAR_LINE);
    wsc_buf_puts(&b, "  ");
    if (ctx->live_label) {
        wsc_buf_puts(&b, "[");
        append_visible(&b, ctx->live_label);
        wsc_buf_puts(&b, "] ");
    }
    wsc_buf_puts(&b, what);
    append_visible(&b, safe);
    wsc_buf_puts(&b, "\n");
    free(safe);
    if (!b.failed) {
        fflush(out); /* what stdio holds goes first */
        wsc_write_all(fileno(out), b.data, b.len);
    }
    wsc_buf_free(&b);
}

void wsc_ctx_print_debug(const struct wsc_ctx *ctx, const char *text)
{
    print_line(ctx, "debug: ", text);
}

static const char *arrow(const char *dir)
{
    if (strcmp(dir, "send") == 0)
        return "\xe2\x86\x92"; /* → */
    if (strcmp(dir, "recv") == 0)
        return "\xe2\x86\x90"; /* ← */
    return "\xc2\xb7";         /* · */
}

static const char *member(struct json_object *e, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(e, key, &v) ? json_object_get_string(v) : NULL;
}

void wsc_ctx_print_trace(const struct wsc_ctx *ctx, struct json_object *entry)
{
    if (ctx->verbose < 2 || ctx->secret_lost || !entry)
        return;
    const char *dir = member(entry, "dir"), *kind = member(entry, "kind");
    const char *len = member(entry, "len"), *data = member(entry, "data");
    char *text =
        wsc_strdup_printf("%s %s %s B%s%s", arrow(dir ? dir : ""), kind ? kind : "",
                          len ? len : "0", data ? " " : "", data ? data : "");
    if (text)
        print_line(ctx, "", text);
    free(text);
}
