/* auto_fix: an execute_crackerjack run with auto-fix settings, followed
 * through its iterations to its end (follow.c). Asserted: iterations were
 * seen and none beyond max_iterations, and the run completed (unless
 * expect.final says what it must be). iterations_used is the highest
 * iteration seen: the final update resets the counter upstream. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

static int has(const struct json_object *arr, const char *value)
{
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), value))
            return 1;
    return 0;
}

static void assert_run(struct wsc_ctx *ctx, const struct json_object *params,
                       const char *id, const struct cj_follow_result *res)
{
    int64_t max = 5;
    cj_int(wsc_param_object(params, "kwargs"), "max_iterations", &max);
    const char *status = cj_str(res->last, "status");
    const char *stage = cj_str(res->last, "current_stage");
    const char *message = cj_str(res->last, "message");
    if (!has(res->stages, "iteration"))
        wsc_fail(ctx,
                 "job \"%s\" ended %s/%s without an iteration seen (stages: %s); a "
                 "shorter interval sees more states",
                 id, status, stage, json_object_to_json_string(res->stages));
    else if (res->highest_iteration > max)
        wsc_fail(ctx, "job \"%s\": iteration %lld, beyond max_iterations %lld", id,
                 (long long)res->highest_iteration, (long long)max);
    struct json_object *expect = wsc_param_object(params, "expect");
    if (!json_object_object_get_ex(expect, "final", NULL) && strcmp(status, "completed"))
        wsc_fail(ctx, "job \"%s\" ended %s/%s: %s (iterations used: %lld of %lld)", id,
                 status, stage, message && *message ? message : "(no message)",
                 (long long)res->highest_iteration, (long long)max);
}

void cj_check_auto_fix(struct wsc_ctx *ctx, struct json_object *params)
{
    if (wsc_expect_valid(ctx, wsc_param(params, "expect")) != 0)
        return;
    struct wsc_mcp *m = cj_mcp_open(ctx, params);
    char *id = m ? cj_start_job(ctx, m, wsc_param_object(params, "kwargs")) : NULL;
    struct json_object *outputs = id ? json_object_new_object() : NULL;
    if (outputs) {
        struct cj_follow_result res;
        if (cj_follow(ctx, params, id, m, &res) == 0)
            assert_run(ctx, params, id, &res);
        cj_follow_outputs(ctx, id, &res, outputs);
        wsc_metric(ctx, "iterations_used", (double)res.highest_iteration, "count");
        json_object_object_add(outputs, "iterations_used",
                               json_object_new_int64(res.highest_iteration));
        json_object_object_add(outputs, "stages", json_object_get(res.stages));
        json_object_object_add(outputs, "statuses", json_object_get(res.statuses));
        cj_publish(ctx, params, outputs);
        cj_follow_result_free(&res);
        json_object_put(outputs);
    }
    free(id);
    cj_mcp_close(ctx, m);
}
