/* upgrade: sends an HTTP/1.1 WebSocket upgrade request and asserts the
 * negotiation: 101 with a verified handshake, or an expected refusal. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/ws.h>

#include "checks.h"

/* http://h/ws is taken as ws://h/ws (and https:// as wss://): the upgrade
 * starts as an HTTP request either way. Returns a new reference. */
static struct json_object *ws_params(const struct json_object *params)
{
    struct json_object *copy = NULL;
    if (json_object_deep_copy((struct json_object *)params, &copy, NULL) != 0)
        return NULL;
    const char *url = http_param_string(copy, "url");
    const char *rest = NULL, *scheme = NULL;
    if (url && strncmp(url, "http://", 7) == 0) {
        scheme = "ws://";
        rest = url + 7;
    } else if (url && strncmp(url, "https://", 8) == 0) {
        scheme = "wss://";
        rest = url + 8;
    }
    if (rest) {
        size_t n = strlen(scheme) + strlen(rest) + 1;
        char *ws = malloc(n);
        if (!ws) {
            json_object_put(copy);
            return NULL;
        }
        snprintf(ws, n, "%s%s", scheme, rest);
        json_object_object_add(copy, "url", json_object_new_string(ws));
        free(ws);
    }
    return copy;
}

static struct json_object *negotiation(const struct wsc_ws *ws)
{
    struct json_object *o = json_object_new_object();
    const char *proto = wsc_ws_subprotocol(ws);
    if (!o)
        return NULL;
    json_object_object_add(o, "status", json_object_new_int64(wsc_ws_http_status(ws)));
    json_object_object_add(o, "headers", json_object_get(wsc_ws_response_headers(ws)));
    json_object_object_add(o, "subprotocol", proto ? json_object_new_string(proto) : NULL);
    return o;
}

/* The start of a refusal's body, made safe for a message. */
static void fail_refused(struct wsc_ctx *ctx, const struct wsc_ws *ws, long want)
{
    const char *body = wsc_ws_response_body(ws);
    struct json_object *text = wsc_http_body_text(body, strlen(body), 200);
    const char *t = text ? json_object_get_string(text) : "";
    if (want == 101)
        wsc_fail(ctx, "upgrade refused: status %ld%s%s", wsc_ws_http_status(ws),
                 *t ? ", body: " : "", t);
    else
        wsc_fail(ctx, "status: expected %ld, got %ld", want, wsc_ws_http_status(ws));
    json_object_put(text);
}

/* A clean close after an accepted upgrade; its problems are only noted. */
static void close_politely(struct wsc_ctx *ctx, struct wsc_ws *ws)
{
    if (wsc_ws_close(ws, 1000, "", wsc_ws_within(ctx, 1.0)) != WSC_WS_OK)
        wsc_note(ctx, "close after the upgrade: %s", wsc_ws_error(ws));
}

static void assess(struct wsc_ctx *ctx, struct wsc_ws *ws, long want)
{
    switch (wsc_ws_status(ws)) {
    case WSC_WS_OK:
        wsc_metric(ctx, "handshake_ms", wsc_ws_handshake_ms(ws), "ms");
        if (want != 101)
            wsc_fail(ctx, "status: expected %ld, got 101 (the upgrade was accepted)", want);
        close_politely(ctx, ws);
        break;
    case WSC_WS_REJECTED:
        if (wsc_ws_http_status(ws) != want)
            fail_refused(ctx, ws, want);
        break;
    default:
        wsc_fail(ctx, "%s", wsc_ws_error(ws));
        break;
    }
}

void http_check_upgrade(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = http_param(params, "expect");
    const struct json_object *status = http_param(params, "expect_status");
    long want = status ? (long)json_object_get_int64(status) : 101;
    if (http_expect_valid(ctx, expect) != 0)
        return;
    struct json_object *p = ws_params(params);
    struct wsc_ws_options opt;
    char *err = NULL;
    if (!p) {
        wsc_error(ctx, "out of memory");
        return;
    }
    if (wsc_ws_options_parse(ctx, p, &opt, &err) != 0) {
        wsc_error(ctx, "%s", err);
        free(err);
        json_object_put(p);
        return;
    }
    struct wsc_ws *ws = wsc_ws_connect(ctx, &opt, 0, WSC_WS_ALLOW_REJECT);
    if (!ws) {
        wsc_error(ctx, "out of memory");
    } else {
        struct json_object *got = negotiation(ws);
        assess(ctx, ws, want);
        if (got && wsc_ws_http_status(ws) > 0) {
            char *msg = NULL;
            if (!wsc_failed(ctx) && expect && !wsc_match(expect, got, NULL, &msg))
                wsc_fail(ctx, "%s", msg ? msg : "expect: no match");
            free(msg);
            json_object_object_foreach(got, key, v)
                wsc_output(ctx, key, json_object_get(v));
        }
        json_object_put(got);
        wsc_ws_free(ws);
    }
    wsc_ws_options_free(&opt);
    json_object_put(p);
}
