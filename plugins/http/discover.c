/* discover: GETs a list of paths on a base URL and reports which respond. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

/* base "http://h:1/api/" + "health" or "/health" -> "http://h:1/api/health" */
static char *join_url(const char *base, const char *path)
{
    size_t b = strlen(base);
    while (b > 0 && base[b - 1] == '/')
        b--;
    while (*path == '/')
        path++;
    size_t n = b + 1 + strlen(path) + 1;
    char *url = malloc(n);
    if (url) {
        memcpy(url, base, b);
        url[b] = '/';
        strcpy(url + b + 1, path);
    }
    return url;
}

static struct json_object *endpoint(const char *path,
                                    const struct wsc_http_response *resp)
{
    struct json_object *e = json_object_new_object();
    struct json_object *ct = NULL;
    if (!e)
        return NULL;
    json_object_object_get_ex(resp->headers, "content-type", &ct);
    json_object_object_add(e, "path", json_object_new_string(path));
    json_object_object_add(e, "status", json_object_new_int64(resp->status));
    json_object_object_add(e, "content_type", json_object_get(ct));
    json_object_object_add(e, "total_ms", json_object_new_double(resp->total_ms));
    json_object_object_add(e, "bytes", json_object_new_int64((int64_t)resp->body_len));
    return e;
}

/* One path; returns -1 (and fails the check) when the host cannot be
 * reached or the deadline passes. */
static int probe(struct wsc_ctx *ctx, const struct json_object *params, const char *base,
                 const char *path, struct json_object *endpoints,
                 struct json_object *responding)
{
    char *url = join_url(base, path);
    if (!url) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    struct wsc_http_request req = {0};
    wsc_http_request_from_params(&req, params);
    req.url = url;
    req.follow_redirects = wsc_param_bool(params, "follow_redirects", 0);
    req.discard_body = 1;
    struct wsc_http_response resp;
    char *err = NULL;
    int rc = wsc_http_request(ctx, &req, &resp, &err);
    if (rc != 0) {
        wsc_fail(ctx, "%s", err);
        free(err);
    } else {
        json_object_array_add(endpoints, endpoint(path, &resp));
        if (resp.status < 400)
            json_object_array_add(responding, json_object_new_string(path));
        wsc_http_response_free(&resp);
    }
    free(url);
    return rc;
}

void http_check_discover(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    const struct json_object *paths = wsc_param_array(params, "paths");
    const char *base = wsc_param_string(params, "url", NULL);
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    if (!base || !paths || json_object_array_length(paths) == 0) {
        wsc_error(ctx, "url and a non-empty paths list are needed");
        return;
    }
    struct json_object *endpoints = json_object_new_array();
    struct json_object *responding = json_object_new_array();
    if (!endpoints || !responding) {
        json_object_put(endpoints);
        json_object_put(responding);
        wsc_error(ctx, "out of memory");
        return;
    }
    int complete = 1;
    for (size_t i = 0; i < json_object_array_length(paths) && complete; i++) {
        const char *path = json_object_get_string(json_object_array_get_idx(paths, i));
        complete = probe(ctx, params, base, path, endpoints, responding) == 0;
    }
    wsc_metric(ctx, "responding", (double)json_object_array_length(responding), "count");
    struct json_object *outputs = json_object_new_object();
    json_object_object_add(outputs, "endpoints", endpoints);
    json_object_object_add(outputs, "responding", responding);
    if (complete)
        wsc_expect(ctx, expect, NULL, outputs);
    wsc_output(ctx, "endpoints", json_object_get(endpoints));
    wsc_output(ctx, "responding", json_object_get(responding));
    json_object_put(outputs);
}
