/* progress_stream: follow a job on its progress stream (follow.c) to
 * completed or failed, the job given or one started with
 * execute_crackerjack; `expect` on its final state. */
#include <stdlib.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

void cj_check_progress_stream(struct wsc_ctx *ctx, struct json_object *params)
{
    if (wsc_expect_valid(ctx, wsc_param(params, "expect")) != 0)
        return;
    const char *job_id = wsc_param_string(params, "job_id", NULL);
    struct wsc_mcp *m = NULL;
    char *started = NULL;
    if (!job_id) {
        if (!(m = cj_mcp_open(ctx, params)))
            return;
        if (!(started = cj_start_job(ctx, m, wsc_param_object(params, "kwargs")))) {
            cj_mcp_close(ctx, m);
            return;
        }
        job_id = started;
    }
    struct cj_follow_result res;
    struct json_object *outputs = json_object_new_object();
    if (!outputs) {
        wsc_error(ctx, "out of memory");
    } else {
        cj_follow(ctx, params, job_id, m, &res);
        cj_follow_outputs(ctx, job_id, &res, outputs);
        cj_publish(ctx, params, outputs);
        cj_follow_result_free(&res);
        json_object_put(outputs);
    }
    cj_mcp_close(ctx, m);
    free(started);
}
