/* request and health: one HTTP request, its timings, outputs and
 * expectations. */
#include <stdlib.h>
#include <string.h>

#include "checks.h"

static int build_request(struct wsc_ctx *ctx, const struct json_object *params,
                         struct wsc_http_request *req)
{
    wsc_http_request_from_params(req, params);
    req->method = http_param_string(params, "method");
    req->follow_redirects = http_param_bool(params, "follow_redirects");
    const struct json_object *max = http_param(params, "max_body");
    if (max && json_object_get_int64(max) > 0)
        req->max_body = (size_t)json_object_get_int64(max);
    const struct json_object *body = http_param(params, "body");
    req->json = http_param(params, "json");
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

/* Outputs for `capture`: status, headers, json (when the body is JSON), the
 * body as text (cut) and the URL finally fetched. */
static void report_outputs(struct wsc_ctx *ctx, const struct wsc_http_response *resp)
{
    wsc_output(ctx, "status", json_object_new_int64(resp->status));
    wsc_output(ctx, "headers", json_object_get(resp->headers));
    if (resp->json)
        wsc_output(ctx, "json", json_object_get(resp->json));
    wsc_output(ctx, "body", wsc_http_body_text(resp->body, resp->body_len,
                                               HTTP_BODY_OUTPUT_MAX));
    wsc_output(ctx, "url", json_object_new_string(resp->url));
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

static void run(struct wsc_ctx *ctx, struct json_object *params, enum http_status_rule rule)
{
    const struct json_object *expect = http_param(params, "expect");
    struct wsc_http_request req = {0};
    if (http_expect_valid(ctx, expect) != 0 || build_request(ctx, params, &req) != 0)
        return;
    struct wsc_http_response resp;
    char *err = NULL;
    if (wsc_http_request(ctx, &req, &resp, &err) != 0) {
        wsc_fail(ctx, "%s", err);
        free(err);
        return;
    }
    report_timings(ctx, &resp);
    report_outputs(ctx, &resp);
    if (http_expect_response(ctx, expect, &resp, rule) > 0)
        note_response(ctx, &resp);
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
