/* Helpers shared by the ws-basic checks. */
#include "ws_basic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/render.h>

/* Bytes of a binary message shown in failure messages. */
#define DESCRIBE_BINARY_MAX 32

int wsb_options(struct wsc_ctx *ctx, struct json_object *params,
                struct wsc_ws_options *opt)
{
    char *err = NULL;
    if (wsc_ws_options_parse(ctx, params, opt, &err) == 0)
        return 0;
    wsc_error(ctx, "%s", err ? err : "invalid WebSocket options");
    free(err);
    return -1;
}

/* Text rendered the library's way (wscheck/render.h). */
static void put_text(FILE *f, const char *data, size_t len)
{
    char shown[WSC_RENDER_MAX + 4];
    wsc_render_text_buf(shown, sizeof shown, data, len);
    fputs(shown, f);
}

static void put_hex(FILE *f, const char *data, size_t len)
{
    size_t n = len < DESCRIBE_BINARY_MAX ? len : DESCRIBE_BINARY_MAX;
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%02x", i ? " " : "", (unsigned char)data[i]);
    if (n < len)
        fputs(" ...", f);
}

char *wsb_describe(enum wsc_ws_kind kind, const char *data, size_t len, int close_code)
{
    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    if (!f)
        return NULL;
    if (!data)
        len = 0;
    switch (kind) {
    case WSC_WS_TEXT:
        if (len == 0)
            fputs("an empty text message", f);
        else
            put_text(f, data, len);
        break;
    case WSC_WS_BINARY:
        fprintf(f, "binary, %zu bytes", len);
        if (len) {
            fputs(": ", f);
            put_hex(f, data, len);
        }
        break;
    case WSC_WS_PING:
    case WSC_WS_PONG:
        fputs(kind == WSC_WS_PING ? "ping \"" : "pong \"", f);
        put_text(f, data, len);
        fputc('"', f);
        break;
    case WSC_WS_CLOSE:
        fprintf(f, "close %d", close_code);
        if (len) {
            fputs(" \"", f);
            put_text(f, data, len);
            fputc('"', f);
        }
        break;
    }
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

enum wsc_ws_result wsb_close(const struct wsc_ctx *ctx, struct wsc_ws *ws, double seconds)
{
    return wsc_ws_close(ws, 1000, "", wsc_ws_within(ctx, seconds));
}
