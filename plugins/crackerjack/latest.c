/* latest_job: GET /latest answers 200 JSON whose status is no_jobs,
 * success or error; a success names the job and carries its progress. */
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

static void check_success(struct wsc_ctx *ctx, struct json_object *body)
{
    struct json_object *progress = NULL;
    const char *id = cj_str(body, "job_id");
    if (!id)
        wsc_fail(ctx, "GET /latest: status success without a job_id string");
    if (!json_object_object_get_ex(body, "progress", &progress) ||
        !json_object_is_type(progress, json_type_object))
        wsc_fail(ctx, "GET /latest: status success without a progress object");
    else if (id && cj_str(progress, "job_id") && strcmp(cj_str(progress, "job_id"), id))
        wsc_fail(ctx, "GET /latest: progress names job \"%s\", not \"%s\"",
                 cj_str(progress, "job_id"), id);
}

void cj_check_latest_job(struct wsc_ctx *ctx, struct json_object *params)
{
    if (wsc_expect_valid(ctx, wsc_param(params, "expect")) != 0)
        return;
    struct wsc_http_response resp;
    if (cj_get(ctx, params, "/latest", &resp) != 0)
        return;
    wsc_metric(ctx, "request_ms", resp.total_ms, "ms");
    struct json_object *body = cj_json_object(ctx, "/latest", &resp);
    struct json_object *outputs = body ? json_object_new_object() : NULL;
    if (outputs) {
        const char *status = cj_str(body, "status");
        static const char *const keys[] = {"status", "job_id", "progress", "message"};
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            struct json_object *v = NULL;
            if (json_object_object_get_ex(body, keys[i], &v))
                json_object_object_add(outputs, keys[i], json_object_get(v));
        }
        json_object_object_add(outputs, "json", json_object_get(body));
        if (!status || (strcmp(status, "no_jobs") && strcmp(status, "success") &&
                        strcmp(status, "error")))
            wsc_fail(ctx, "GET /latest: status is %s, expected no_jobs, success or error",
                     status ? status : "not a string");
        else if (!strcmp(status, "success"))
            check_success(ctx, body);
        else if (!strcmp(status, "error"))
            wsc_warn(ctx, "GET /latest: the server reports an error: %s",
                     cj_str(body, "message") ? cj_str(body, "message") : "(no message)");
        cj_publish(ctx, params, outputs);
        json_object_put(outputs);
    }
    wsc_http_response_free(&resp);
}
