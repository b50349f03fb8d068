/* mcp: crackerjack's MCP server over Streamable HTTP or stdio: initialize,
 * the expected tools listed, get_job_progress of an unknown id answering
 * its error shape, execute_crackerjack starting a job whose progress
 * stream then works end to end. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

/* Every tool name of every page of tools/list, into names. */
static int list_tools(struct wsc_ctx *ctx, struct wsc_mcp *m, struct json_object *names)
{
    char *cursor = NULL;
    for (int page = 0; page < 100; page++) {
        struct json_object *p = json_object_new_object(), *resp = NULL, *tools = NULL;
        if (p && cursor)
            json_object_object_add(p, "cursor", json_object_new_string(cursor));
        free(cursor);
        cursor = NULL;
        if (wsc_mcp_request(m, "tools/list", p, 0, &resp) != WSC_MCP_OK) {
            wsc_fail(ctx, "tools/list: %s", wsc_mcp_error(m));
            json_object_put(resp);
            return -1;
        }
        struct json_object *result = json_object_object_get(resp, "result");
        json_object_object_get_ex(result, "tools", &tools);
        size_t n = json_object_is_type(tools, json_type_array)
                       ? json_object_array_length(tools)
                       : 0;
        for (size_t i = 0; i < n; i++) {
            const char *name = cj_str(json_object_array_get_idx(tools, i), "name");
            if (name)
                json_object_array_add(names, json_object_new_string(name));
        }
        const char *next = cj_str(result, "nextCursor");
        cursor = next ? strdup(next) : NULL;
        json_object_put(resp);
        if (!cursor)
            return 0;
    }
    free(cursor);
    wsc_fail(ctx, "tools/list: more than 100 pages");
    return -1;
}

static int has_name(const struct json_object *names, const char *name)
{
    size_t n = json_object_array_length(names);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(json_object_get_string(json_object_array_get_idx(names, i)), name))
            return 1;
    return 0;
}

static void expected_tools(struct wsc_ctx *ctx, const struct json_object *params,
                           const struct json_object *names)
{
    struct json_object *want = wsc_param_array(params, "tools");
    size_t n = want ? json_object_array_length(want) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(want, i));
        if (!has_name(names, name))
            wsc_fail(ctx, "tools/list: no tool \"%s\"", name);
    }
}

/* {"error": "Job <id> not found", "job_id": "<id>"} (§8). */
static void unknown_job(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *id)
{
    struct json_object *args = json_object_new_object();
    if (args)
        json_object_object_add(args, "job_id", json_object_new_string(id));
    struct json_object *v = cj_tool(ctx, m, "get_job_progress", args);
    const char *err = cj_str(v, "error");
    if (v && (!err || !strcasestr(err, "not found")))
        wsc_fail(ctx,
                 "get_job_progress of the unknown job \"%s\": expected an object whose "
                 "error says \"not found\", got %.300s",
                 id, json_object_to_json_string(v));
    json_object_put(v);
}

/* Only a note: era A always answers an error here. */
static void stage_status(struct wsc_ctx *ctx, struct wsc_mcp *m)
{
    struct json_object *v = cj_tool_ex(ctx, m, "get_stage_status", NULL, 0);
    const char *err = cj_str(v, "error");
    if (err)
        wsc_note(ctx, "get_stage_status: %s%s%s", err,
                 strstr(err, "get_stage_status") ? "; " : "",
                 strstr(err, "get_stage_status") ? cj_known_bug(CJ_BUG_STAGE_STATUS)
                                                 : "");
    json_object_put(v);
}

/* The job file exists before execute_crackerjack returns: the first frame
 * is the job's, not the waiting object. */
static void first_frame(struct wsc_ctx *ctx, const struct json_object *params,
                        const char *id, struct json_object *outputs)
{
    struct wsc_ws *ws = cj_progress_open(ctx, params, id, 0);
    struct json_object *first = ws ? cj_first_frame(ctx, ws, id, 0) : NULL;
    if (first && cj_is_waiting(first))
        wsc_fail(ctx,
                 "progress socket of job \"%s\": the first frame is the waiting object, "
                 "but execute_crackerjack writes the job file before it returns",
                 id);
    if (first)
        json_object_object_add(outputs, "first", first);
    if (ws && !wsc_ws_is_closed(ws))
        wsc_ws_close(ws, 1000, "", wsc_ws_within(ctx, 0.5));
    wsc_ws_free(ws);
}

static void job(struct wsc_ctx *ctx, const struct json_object *params, struct wsc_mcp *m,
                struct json_object *outputs)
{
    double t0 = wsc_now();
    char *id = cj_start_job(ctx, m, wsc_param_object(params, "kwargs"));
    if (!id)
        return;
    wsc_metric(ctx, "execute_ms", cj_ms(t0, wsc_now()), "ms");
    json_object_object_add(outputs, "job_id", json_object_new_string(id));
    const char *e2e = wsc_param_string(params, "end_to_end", "terminal");
    if (!strcmp(e2e, "first_frame")) {
        first_frame(ctx, params, id, outputs);
    } else if (!strcmp(e2e, "terminal")) {
        struct cj_follow_result res;
        cj_follow(ctx, params, id, m, &res);
        cj_follow_outputs(ctx, id, &res, outputs);
        cj_follow_result_free(&res);
    }
    free(id);
}

void cj_check_mcp(struct wsc_ctx *ctx, struct json_object *params)
{
    if (wsc_expect_valid(ctx, wsc_param(params, "expect")) != 0)
        return;
    struct wsc_mcp *m = cj_mcp_open(ctx, params);
    struct json_object *outputs = json_object_new_object(),
                       *names = json_object_new_array();
    if (m && outputs && names) {
        struct json_object *info = wsc_mcp_server_info(m);
        wsc_metric(ctx, "initialize_ms", wsc_mcp_initialize_ms(m), "ms");
        json_object_object_add(
            outputs, "serverInfo",
            json_object_get(json_object_object_get(info, "serverInfo")));
        json_object_object_add(outputs, "protocolVersion",
                               json_object_new_string(wsc_mcp_protocol_version(m)));
        if (list_tools(ctx, m, names) == 0) {
            wsc_metric(ctx, "tools", (double)json_object_array_length(names), "count");
            json_object_object_add(outputs, "tool_names", json_object_get(names));
            expected_tools(ctx, params, names);
            unknown_job(ctx, m, wsc_param_string(params, "unknown_job_id", "0badc0de"));
            if (has_name(names, "get_stage_status"))
                stage_status(ctx, m);
            if (!wsc_failed(ctx))
                job(ctx, params, m, outputs);
        }
        cj_publish(ctx, params, outputs);
    }
    json_object_put(outputs);
    json_object_put(names);
    cj_mcp_close(ctx, m);
}
