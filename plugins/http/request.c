/* request and health: one HTTP request, its timings, outputs and
 * expectations. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

static int build_request(struct wsc_ctx *ctx, const struct json_object *params,
                         struct wsc_http_request *req)
{
    wsc_http_request_from_params(req, params);
    req->method = wsc_param_string(params, "method", NULL);
    req->follow_redirects = wsc_param_bool(params, "follow_redirects", 0);
    int64_t max = wsc_param_int(params, "max_body_size", 0);
    if (max > 0)
        req->max_body = (size_t)max;
    const struct json_object *body = wsc_param(params, "body");
    req->json = wsc_param(params, "json");
    if (body && req->json) {
        wsc_error(ctx, "give either body or json, not both");
        return -1;
    }
    if (body) {
        req->body = json_object_get_string((struct json_object *)body);
        req->body_len = (size_t)json_object_get_string_len(body);
    }
    return 0;
}

static void report_timings(struct wsc_ctx *ctx, const struct wsc_http_response *resp)
{
    wsc_metric(ctx, "dns_ms", resp->dns_ms, "ms");
    wsc_metric(ctx, "connect_ms", resp->connect_ms, "ms");
    wsc_metric(ctx, "tls_ms", resp->tls_ms, "ms");
    wsc_metric(ctx, "ttfb_ms", resp->ttfb_ms, "ms");
    wsc_metric(ctx, "total_ms", resp->total_ms, "ms");
}

static void publish_outputs(struct wsc_ctx *ctx, struct json_object *outputs)
{
    json_object_object_foreach(outputs, key, val)
        wsc_output(ctx, key, json_object_get(val));
}

/* After a failed expectation, the start of the body helps more than anything. */
static void note_response(struct wsc_ctx *ctx, const struct wsc_http_response *resp)
{
    struct json_object *text = wsc_http_body_text(resp->body, resp->body_len, 512);
    wsc_note(ctx, "%s answered %ld with %zu bytes%s%s", resp->url, resp->status,
             resp->body_len, resp->body_len ? ": " : "",
             text ? json_object_get_string(text) : "");
    json_object_put(text);
}

static void run(struct wsc_ctx *ctx, struct json_object *params,
                enum http_status_rule rule)
{
    const struct json_object *expect = wsc_param(params, "expect");
    struct wsc_http_request req = {0};
    if (wsc_expect_valid(ctx, expect) != 0 || build_request(ctx, params, &req) != 0)
        return;
    struct wsc_http_response resp;
    char *err = NULL;
    if (wsc_http_request(ctx, &req, &resp, &err) != 0) {
        wsc_fail(ctx, "%s", err);
        free(err);
        return;
    }
    report_timings(ctx, &resp);
    struct json_object *outputs = http_response_outputs(&resp);
    if (!outputs) {
        wsc_error(ctx, "out of memory");
    } else {
        publish_outputs(ctx, outputs);
        if (http_expect_response(ctx, expect, outputs, &resp, rule) > 0)
            note_response(ctx, &resp);
        json_object_put(outputs);
    }
    wsc_http_response_free(&resp);
}

void http_check_request(struct wsc_ctx *ctx, struct json_object *params)
{
    run(ctx, params, HTTP_STATUS_BELOW_400);
}

void http_check_health(struct wsc_ctx *ctx, struct json_object *params)
{
    run(ctx, params, HTTP_STATUS_2XX);
}
