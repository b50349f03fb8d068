/* The `expect` object of request and health, matched against the
 * response's outputs with the library's rules (wscheck/expect.h); only the
 * default status, the whole body (outputs keep its start) and a body that is
 * not JSON are this plugin's own. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>

#include "checks.h"

/* Outputs for `capture` and `expect`: status, headers, json (when the body
 * is JSON), the body as text (cut) and the URL finally fetched. */
struct json_object *http_response_outputs(const struct wsc_http_response *resp)
{
    struct json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    json_object_object_add(o, "status", json_object_new_int64(resp->status));
    json_object_object_add(o, "headers", json_object_get(resp->headers));
    if (resp->json)
        json_object_object_add(o, "json", json_object_get(resp->json));
    json_object_object_add(
        o, "body", wsc_http_body_text(resp->body, resp->body_len, HTTP_BODY_OUTPUT_MAX));
    json_object_object_add(o, "url", json_object_new_string(resp->url));
    return o;
}

/* What passes when `expect` names no status. */
static struct json_object *status_default(enum http_status_rule rule)
{
    return json_tokener_parse(rule == HTTP_STATUS_2XX
                                  ? "{\"status\":{\"$gte\":200,\"$lt\":300}}"
                                  : "{\"status\":{\"$lt\":400}}");
}

/* `json` expected of a body that is not JSON: say why rather than "missing". */
static void fail_not_json(struct wsc_ctx *ctx, const struct wsc_http_response *resp)
{
    if (resp->json_error) {
        wsc_fail(ctx, "/json: the body is not valid JSON: %s", resp->json_error);
        return;
    }
    struct json_object *ct = NULL;
    json_object_object_get_ex(resp->headers, "content-type", &ct);
    wsc_fail(ctx, "/json: the body is not JSON (content-type: %s, %zu bytes)",
             ct ? json_object_get_string(ct) : "none", resp->body_len);
}

/* The outputs that `expect` sees: the published ones, but with the whole
 * body (the published body is cut for the reports). A new reference. */
static struct json_object *expect_view(const struct json_object *outputs,
                                       const struct wsc_http_response *resp)
{
    struct json_object *view = json_object_new_object();
    struct json_object *body =
        wsc_http_body_text(resp->body, resp->body_len, resp->body_len);
    if (!view || !body) {
        json_object_put(view);
        json_object_put(body);
        return NULL;
    }
    json_object_object_foreach((struct json_object *)outputs, key, val)
        if (strcmp(key, "body") != 0)
            json_object_object_add(view, key, json_object_get(val));
    json_object_object_add(view, "body", body);
    return view;
}

/* expect as matched: without its `json` member when the body is not JSON
 * (*dropped is then set: that mismatch has a message of its own). A new
 * reference; NULL for no expect, or when out of memory. */
static struct json_object *expect_used(const struct json_object *expect,
                                       const struct wsc_http_response *resp, int *dropped)
{
    *dropped = !resp->json && json_object_is_type(expect, json_type_object) &&
               json_object_object_get_ex(expect, "json", NULL);
    if (!*dropped)
        return json_object_get((struct json_object *)expect);
    struct json_object *copy = json_object_new_object();
    if (!copy)
        return NULL;
    json_object_object_foreach((struct json_object *)expect, key, val)
        if (strcmp(key, "json") != 0)
            json_object_object_add(copy, key, json_object_get(val));
    return copy;
}

int http_expect_response(struct wsc_ctx *ctx, const struct json_object *expect,
                         const struct json_object *outputs,
                         const struct wsc_http_response *resp, enum http_status_rule rule)
{
    int dropped = 0, bad = 1;
    struct json_object *defaults = status_default(rule);
    struct json_object *view = expect_view(outputs, resp);
    struct json_object *used = expect_used(expect, resp, &dropped);
    if (!defaults || !view || (expect && !used)) {
        wsc_error(ctx, "out of memory");
    } else {
        bad = wsc_expect(ctx, used, defaults, view);
        if (dropped) {
            fail_not_json(ctx, resp);
            bad++;
        }
    }
    json_object_put(used);
    json_object_put(view);
    json_object_put(defaults);
    return bad;
}
