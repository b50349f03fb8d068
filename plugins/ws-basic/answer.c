/* The upgrade answer, shared by handshake and reject: its outputs and the
 * `expect` object matched against them, so that a negotiation failure reads
 * the same in both checks. */
#include "ws_basic.h"

#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/render.h>

struct json_object *wsb_answer_outputs(const struct wsc_ws *ws)
{
    struct json_object *o = json_object_new_object();
    struct json_object *headers = NULL;
    if (!o || json_object_deep_copy(wsc_ws_response_headers(ws), &headers, NULL) != 0) {
        json_object_put(o);
        return NULL;
    }
    const char *sub = wsc_ws_subprotocol(ws);
    const char *body = wsc_ws_response_body(ws);
    json_object_object_add(o, "status", json_object_new_int64(wsc_ws_http_status(ws)));
    json_object_object_add(o, "headers", headers);
    json_object_object_add(o, "subprotocol", sub ? json_object_new_string(sub) : NULL);
    json_object_object_add(o, "body", json_object_new_string(body ? body : ""));
    return o;
}

/* A refusal's body says more than its status; shown after the mismatch. */
static void fail_with_body(struct wsc_ctx *ctx, const struct wsc_ws *ws)
{
    const char *body = wsc_ws_response_body(ws);
    if (wsc_ws_http_status(ws) == 101 || !body || !*body)
        return;
    char shown[WSC_RENDER_MAX + 4];
    wsc_render_text_buf(shown, sizeof shown, body, strlen(body));
    wsc_fail(ctx, "the answer's body: %s", shown);
}

int wsb_expect_answer(struct wsc_ctx *ctx, const struct wsc_ws *ws,
                      const struct json_object *expect, const char *default_status)
{
    struct json_object *outputs = wsb_answer_outputs(ws);
    struct json_object *defaults = json_object_new_object();
    struct json_object *status = json_tokener_parse(default_status);
    if (!outputs || !defaults || !status ||
        json_object_object_add(defaults, "status", status) != 0) {
        json_object_put(outputs);
        json_object_put(defaults);
        wsc_error(ctx, "out of memory");
        return 1;
    }
    int bad = wsc_expect(ctx, expect, defaults, outputs);
    if (bad)
        fail_with_body(ctx, ws);
    json_object_object_foreach(outputs, key, val)
        wsc_output(ctx, key, json_object_get(val));
    json_object_put(outputs);
    json_object_put(defaults);
    return bad;
}
