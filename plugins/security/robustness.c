/* input_robustness: hostile input gets an error message or a close, never
 * silence or a dead server. One case per kind of input, each on its own
 * connection and followed by a fresh connection's ping:
 *   malformed_json, invalid_utf8 (a text frame that is not UTF-8),
 *   deep_nesting (`nesting_depth` nested arrays), huge_string (a JSON
 *   string of `huge_bytes`), and for each member of each of `templates`
 *   (known messages) "wrong_type:N/MEMBER": the message with that member's
 *   value replaced by one of another type.
 * An answer is any message (matching `error` when it is given) or a close. */
#include "checks_hardening.h"
#include "hardening.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/params.h>

#define WHY_LEN 512

/* NULL when the server answered as it must, else why not (static text in
 * `buf`). */
static const char *answer_of(struct wsc_ctx *ctx, struct wsc_ws *ws,
                             const struct json_object *params, char *buf, size_t size)
{
    double within = wsc_param_number(params, "answer_within", 2);
    const struct json_object *error = wsc_param(params, "error");
    struct wsc_ws_msg m;
    double deadline = wsc_ws_within(ctx, within);
    for (;;) {
        enum wsc_ws_result r = wsc_ws_recv(ws, &m, WSC_WS_DATA | WSC_WS_CLOSE, deadline);
        if (r == WSC_WS_OK && m.kind == WSC_WS_CLOSE)
            return NULL;
        if (r == WSC_WS_OK && !error)
            return NULL;
        if (r == WSC_WS_OK && sec_msg_matches(error, m.data))
            return NULL;
        if (r == WSC_WS_OK)
            continue;
        if (r == WSC_WS_TIMEOUT)
            snprintf(buf, size, "no error message and no close within %g s", within);
        else if (wsc_ws_peer_close_code(ws) > 0)
            return NULL;
        else
            snprintf(buf, size, "the connection dropped without a close frame: %s",
                     wsc_ws_error(ws));
        return buf;
    }
}

/* Sends one hostile message and judges the answer and the server's health. */
static void hostile_case(struct wsc_ctx *ctx, const struct json_object *params,
                         const char *name, const char *data, size_t len)
{
    double t0 = wsc_now();
    char why[WHY_LEN] = "";
    char fail[WHY_LEN * 2] = "";
    struct wsc_ws *ws = sec_open(ctx, params, 0, why, sizeof why);
    if (!ws) {
        snprintf(fail, sizeof fail, "no connection: %s", why);
    } else if (wsc_ws_send_text(ws, data, len) != WSC_WS_OK &&
               wsc_ws_peer_close_code(ws) <= 0) {
        snprintf(fail, sizeof fail, "sending failed: %s", wsc_ws_error(ws));
    } else {
        const char *bad = answer_of(ctx, ws, params, why, sizeof why);
        if (bad)
            snprintf(fail, sizeof fail, "%s: %s", name, bad);
    }
    if (ws && !wsc_ws_is_closed(ws))
        wsc_ws_close(ws, 1000, NULL, wsc_ws_within(ctx, 1.0));
    wsc_ws_free(ws);
    sec_case_end(ctx, params, name, t0, fail[0] ? fail : NULL);
}

static void nesting_case(struct wsc_ctx *ctx, const struct json_object *params)
{
    size_t depth = (size_t)wsc_param_int(params, "nesting_depth", 10000);
    char *s = malloc(2 * depth + 1);
    if (!s) {
        wsc_case(ctx, "deep_nesting", WSC_CASE_ERROR, -1, "out of memory");
        return;
    }
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    s[2 * depth] = '\0';
    hostile_case(ctx, params, "deep_nesting", s, 2 * depth);
    free(s);
}

static void huge_case(struct wsc_ctx *ctx, const struct json_object *params)
{
    size_t n = (size_t)wsc_param_int(params, "huge_bytes", 1048576);
    static const char head[] = "{\"type\":\"";
    static const char tail[] = "\"}";
    size_t len = sizeof head - 1 + n + sizeof tail - 1;
    char *s = malloc(len + 1);
    if (!s) {
        wsc_case(ctx, "huge_string", WSC_CASE_ERROR, -1, "out of memory");
        return;
    }
    memcpy(s, head, sizeof head - 1);
    memset(s + sizeof head - 1, 'A', n);
    memcpy(s + sizeof head - 1 + n, tail, sizeof tail);
    hostile_case(ctx, params, "huge_string", s, len);
    free(s);
}

/* A value of another type than v's. */
static struct json_object *wrong_value(const struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_string:
        return json_object_new_int(12345);
    case json_type_int:
    case json_type_double:
        return json_object_new_string("not a number");
    case json_type_boolean:
        return json_object_new_string("true");
    case json_type_array:
        return json_object_new_object();
    default:
        return json_object_new_array();
    }
}

static void wrong_types_cases(struct wsc_ctx *ctx, const struct json_object *params)
{
    struct json_object *templates = wsc_param_array(params, "templates");
    size_t n = templates ? json_object_array_length(templates) : 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *t = json_object_array_get_idx(templates, i);
        json_object_object_foreach(t, key, val) {
            struct json_object *copy = NULL;
            if (json_object_deep_copy(t, &copy, NULL) != 0 || !copy) {
                wsc_case(ctx, "wrong_type", WSC_CASE_ERROR, -1, "out of memory");
                return;
            }
            json_object_object_add(copy, key, wrong_value(val));
            char name[160];
            snprintf(name, sizeof name, "wrong_type:%zu/%s", i, key);
            const char *text =
                json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN);
            hostile_case(ctx, params, name, text, strlen(text));
            json_object_put(copy);
        }
    }
}

void sec_check_input_robustness(struct wsc_ctx *ctx, struct json_object *params)
{
    static const char malformed[] = "{\"type\": \"subscribe\", \"channel\": [1, 2,";
    static const char bad_utf8[] = "{\"type\":\"\xc3\x28\xff\xfe\"}";
    hostile_case(ctx, params, "malformed_json", malformed, sizeof malformed - 1);
    hostile_case(ctx, params, "invalid_utf8", bad_utf8, sizeof bad_utf8 - 1);
    nesting_case(ctx, params);
    huge_case(ctx, params);
    wrong_types_cases(ctx, params);
}
