/* stream: one connection that keeps sending JSON (progress, metrics, a
 * feed), followed with libwscheck's stream engine (<wscheck/stream.h>):
 * subscribe, the per-message rules, a terminal message, gaps, keep-alives;
 * then `expect` on what the stream left (the last message, counts). */
#include "ws_basic.h"

#include <stdlib.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>
#include <wscheck/stream.h>

/* Seconds the close at the end may take: the verdict is in by then. */
#define STREAM_CLOSE_WAIT 2.0

static int stream_options(struct wsc_ctx *ctx, struct json_object *params,
                          struct wsc_stream_options *opt)
{
    char *err = NULL;
    if (wsc_stream_options_parse(ctx, params, opt, &err) == 0)
        return 0;
    wsc_error(ctx, "%s", err ? err : "out of memory");
    free(err);
    return -1;
}

/* What the stream left, for `expect` and as outputs: messages and received
 * (counts), last (the last counted message, absent before one), close_code
 * (the server's, absent when it did not close). NULL when out of memory. */
static struct json_object *outputs_of(const struct wsc_stream *s, const struct wsc_ws *ws)
{
    struct json_object *o = json_object_new_object(), *last = NULL;
    const struct json_object *l = wsc_stream_last(s);
    int code = wsc_ws_peer_close_code(ws);
    if (!o || (l && json_object_deep_copy((struct json_object *)l, &last, NULL) != 0) ||
        json_object_object_add(o, "messages",
                               json_object_new_int64((int64_t)wsc_stream_count(s))) ||
        json_object_object_add(o, "received",
                               json_object_new_int64((int64_t)wsc_stream_received(s))) ||
        (last && json_object_object_add(o, "last", last)) ||
        (code && json_object_object_add(o, "close_code", json_object_new_int(code)))) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static void follow(struct wsc_ctx *ctx, struct wsc_stream *s, struct wsc_ws *ws,
                   const struct json_object *expect)
{
    wsc_stream_follow_ws(s, ws, 0);
    if (wsc_stream_finish(s, wsc_now()) == WSC_STREAM_FAILED)
        wsc_fail(ctx, "%s", wsc_stream_error(s));
    if (!wsc_ws_is_closed(ws))
        wsb_close(ctx, ws, STREAM_CLOSE_WAIT);
    struct json_object *outputs = outputs_of(s, ws);
    if (!outputs) {
        wsc_error(ctx, "out of memory");
        return;
    }
    wsc_expect(ctx, expect, NULL, outputs);
    json_object_object_foreach(outputs, key, value)
        wsc_output(ctx, key, json_object_get(value));
    json_object_put(outputs);
}

void wsb_stream(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    struct wsc_stream_options so;
    struct wsc_ws_options wo;
    if (wsc_expect_valid(ctx, expect) != 0 || stream_options(ctx, params, &so) < 0)
        return;
    if (wsb_options(ctx, params, &wo) < 0) {
        wsc_stream_options_free(&so);
        return;
    }
    struct wsc_ws *ws = wsc_ws_connect(ctx, &wo, 0, 0);
    wsc_ws_options_free(&wo);
    /* The stream starts once connected: the handshake is not a gap. */
    struct wsc_stream *s = ws ? wsc_stream_new(ctx, &so, wsc_now()) : NULL;
    wsc_stream_options_free(&so);
    if (!ws || !s)
        wsc_error(ctx, "out of memory");
    else if (wsc_ws_status(ws) != WSC_WS_OK)
        wsc_fail(ctx, "%s", wsc_ws_error(ws));
    else
        follow(ctx, s, ws, expect);
    wsc_stream_free(s);
    wsc_ws_free(ws);
}

void wsb_stream_validate(struct wsc_validation *v, const struct json_object *params)
{
    wsc_stream_validate(v, params);
}
