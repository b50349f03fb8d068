/* Helpers shared by the ws-basic checks. */
#include "ws_basic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of a received message quoted in failure messages. */
#define DESCRIBE_TEXT_MAX 200
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

double wsb_param_number(struct json_object *params, const char *key, double dflt)
{
    struct json_object *v;
    if (!json_object_object_get_ex(params, key, &v) || !v)
        return dflt;
    return json_object_get_double(v);
}

int wsb_status_matches(struct json_object *expect, long status, char **why)
{
    *why = NULL;
    if (!expect) {
        if (status >= 400 && status <= 599)
            return 1;
        *why = strdup("a 4xx or 5xx status");
        return 0;
    }
    if (!json_object_is_type(expect, json_type_object)) {
        if (json_object_get_int64(expect) == status)
            return 1;
        if (asprintf(why, "%lld", (long long)json_object_get_int64(expect)) < 0)
            *why = NULL;
        return 0;
    }
    struct json_object *actual = json_object_new_int64(status);
    char *msg = NULL;
    int ok = actual && wsc_match(expect, actual, "", &msg);
    json_object_put(actual);
    free(msg);
    if (!ok && asprintf(why, "a status matching %s",
                        json_object_to_json_string_ext(expect, JSON_C_TO_STRING_PLAIN |
                                                       JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
        *why = NULL;
    return ok;
}

/* Length of the longest prefix of s (at most max bytes) that does not cut
 * a UTF-8 sequence in two. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static void put_escaped_text(FILE *f, const char *data, size_t len)
{
    size_t n = utf8_cut(data, len, DESCRIBE_TEXT_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\n')
            fputs("\\n", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
    if (n < len)
        fputs("...", f);
}

static void put_hex(FILE *f, const char *data, size_t len)
{
    size_t n = len < DESCRIBE_BINARY_MAX ? len : DESCRIBE_BINARY_MAX;
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%02x", i ? " " : "", (unsigned char)data[i]);
    if (n < len)
        fputs(" ...", f);
}

char *wsb_describe(enum wsc_ws_kind kind, const char *data, size_t len,
                   int close_code)
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
            put_escaped_text(f, data, len);
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
        put_escaped_text(f, data, len);
        fputc('"', f);
        break;
    case WSC_WS_CLOSE:
        fprintf(f, "close %d", close_code);
        if (len) {
            fputs(" \"", f);
            put_escaped_text(f, data, len);
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

enum wsc_ws_result wsb_close(const struct wsc_ctx *ctx, struct wsc_ws *ws,
                            double seconds)
{
    return wsc_ws_close(ws, 1000, "", wsc_ws_within(ctx, seconds));
}
