/* server: GET / answers 200 JSON with status "running". The job list and
 * connection count are outputs; the sanitised members of v0.31.12+
 * (websocket_url, endpoints, _security) are never asserted. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

/* The ids of the listed jobs, in the server's order. */
static struct json_object *job_ids(const struct json_object *jobs)
{
    struct json_object *ids = json_object_new_array();
    size_t n = json_object_array_length(jobs);
    for (size_t i = 0; ids && i < n; i++) {
        const char *id = cj_str(json_object_array_get_idx(jobs, i), "job_id");
        if (id)
            json_object_array_add(ids, json_object_new_string(id));
    }
    return ids;
}

static void check_members(struct wsc_ctx *ctx, struct json_object *body,
                          struct json_object *outputs)
{
    struct json_object *v = NULL;
    const char *status = cj_str(body, "status");
    if (!status || strcmp(status, "running") != 0)
        wsc_fail(ctx, "GET /: status is %s, expected \"running\"%s%s",
                 json_object_object_get_ex(body, "status", &v)
                     ? json_object_to_json_string(v)
                     : "missing",
                 cj_str(body, "message") ? ": " : "",
                 cj_str(body, "message") ? cj_str(body, "message") : "");
    if (json_object_object_get_ex(body, "active_connections", &v)) {
        if (!json_object_is_type(v, json_type_int))
            wsc_fail(ctx, "GET /: active_connections is %s, expected an integer",
                     json_object_to_json_string(v));
        else
            json_object_object_add(outputs, "active_connections", json_object_get(v));
    }
    if (json_object_object_get_ex(body, "jobs", &v)) {
        if (!json_object_is_type(v, json_type_array)) {
            wsc_fail(ctx, "GET /: jobs is %s, expected an array",
                     json_object_to_json_string(v));
        } else {
            json_object_object_add(outputs, "jobs", json_object_get(v));
            json_object_object_add(outputs, "job_ids", job_ids(v));
        }
    }
    if (json_object_object_get_ex(body, "_security", NULL))
        wsc_note(ctx, "GET /: sanitised (%s)", cj_known_bug(CJ_BUG_SANITISED));
}

void cj_check_server(struct wsc_ctx *ctx, struct json_object *params)
{
    if (wsc_expect_valid(ctx, wsc_param(params, "expect")) != 0)
        return;
    struct wsc_http_response resp;
    if (cj_get(ctx, params, "/", &resp) != 0)
        return;
    wsc_metric(ctx, "request_ms", resp.total_ms, "ms");
    struct json_object *body = cj_json_object(ctx, "/", &resp);
    struct json_object *outputs = json_object_new_object();
    if (body && outputs) {
        json_object_object_add(outputs, "status",
                               json_object_get(json_object_object_get(body, "status")));
        json_object_object_add(outputs, "json", json_object_get(body));
        check_members(ctx, body, outputs);
        struct json_object *jobs = NULL;
        if (json_object_object_get_ex(outputs, "jobs", &jobs))
            wsc_metric(ctx, "jobs", (double)json_object_array_length(jobs), "count");
        cj_publish(ctx, params, outputs);
    }
    json_object_put(outputs);
    wsc_http_response_free(&resp);
}
