/* The crackerjack MCP server from a check: the session on the `mcp`
 * endpoint, tool calls whose text is JSON (tool-level errors are JSON text
 * with isError false, §8), and starting a job. */
#include <stdlib.h>
#include <string.h>

#include <wscheck/params.h>

#include "checks.h"

/* The mcp param, a URL or stdio:COMMAND, as MCP options. */
static int mcp_options(struct wsc_ctx *ctx, const struct json_object *params,
                       struct wsc_mcp_options *opt)
{
    struct json_object *p = json_object_new_object();
    char *err = NULL;
    if (!p || json_object_object_add(p, "url",
                                     json_object_new_string(wsc_param_string(
                                         params, "mcp", CJ_DEFAULT_MCP)))) {
        json_object_put(p);
        wsc_error(ctx, "out of memory");
        return -1;
    }
    int rc = wsc_mcp_options_parse(ctx, p, opt, &err);
    json_object_put(p);
    if (rc != 0) {
        wsc_error(ctx, "mcp: %s", err ? err : "out of memory");
        free(err);
    }
    return rc;
}

struct wsc_mcp *cj_mcp_open(struct wsc_ctx *ctx, const struct json_object *params)
{
    struct wsc_mcp_options opt;
    if (mcp_options(ctx, params, &opt) != 0)
        return NULL;
    struct wsc_mcp *m = wsc_mcp_open(ctx, &opt, 0);
    wsc_mcp_options_free(&opt);
    if (!m) {
        wsc_error(ctx, "out of memory");
        return NULL;
    }
    if (wsc_mcp_status(m) == WSC_MCP_OK)
        wsc_mcp_initialize(m, 0);
    if (wsc_mcp_status(m) != WSC_MCP_OK) {
        const char *err = wsc_mcp_error(m);
        wsc_fail(ctx, "MCP %s: %s%s", wsc_param_string(params, "mcp", CJ_DEFAULT_MCP),
                 strncmp(err, "initialize", 10) ? "initialize: " : "", err);
        cj_mcp_close(ctx, m);
        return NULL;
    }
    return m;
}

void cj_mcp_close(struct wsc_ctx *ctx, struct wsc_mcp *m)
{
    if (!m)
        return;
    wsc_mcp_close(m, 0);
    /* the SHOULDs broken are worth knowing; the MUSTs failed their call */
    size_t n = wsc_mcp_violation_count(m);
    for (size_t i = 0; i < n; i++) {
        const struct wsc_mcp_violation *v = wsc_mcp_violation(m, i);
        if (v && !v->must)
            wsc_warn(ctx, "%s", v->message);
    }
    wsc_mcp_free(m);
}

/* The text items of a tools/call result, the first one that is JSON. */
static struct json_object *result_json(const struct json_object *result)
{
    struct json_object *content = NULL;
    if (!json_object_object_get_ex(result, "content", &content))
        return NULL;
    size_t n = json_object_is_type(content, json_type_array)
                   ? json_object_array_length(content)
                   : 0;
    for (size_t i = 0; i < n; i++) {
        const char *text = cj_str(json_object_array_get_idx(content, i), "text");
        struct json_object *v = text ? json_tokener_parse(text) : NULL;
        if (v)
            return v;
    }
    return NULL;
}

struct json_object *cj_tool(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *tool,
                            struct json_object *args)
{
    return cj_tool_ex(ctx, m, tool, args, 1);
}

struct json_object *cj_tool_ex(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *tool,
                               struct json_object *args, int report)
{
    struct json_object *p = json_object_new_object(), *resp = NULL, *result = NULL;
    if (!p) {
        json_object_put(args);
        wsc_error(ctx, "out of memory");
        return NULL;
    }
    json_object_object_add(p, "name", json_object_new_string(tool));
    json_object_object_add(p, "arguments", args ? args : json_object_new_object());
    enum wsc_mcp_result r = wsc_mcp_request(m, "tools/call", p, 0, &resp);
    struct json_object *v = NULL, *is_error = NULL;
    if (r != WSC_MCP_OK || !json_object_object_get_ex(resp, "result", &result)) {
        if (report)
            wsc_fail(ctx, "%s: %s", tool, wsc_mcp_error(m));
    } else if (json_object_object_get_ex(result, "isError", &is_error) &&
               json_object_get_boolean(is_error)) {
        if (report)
            wsc_fail(ctx, "%s: the tool reported an error (isError: true): %.300s", tool,
                     json_object_to_json_string(result));
    } else if (!(v = result_json(result)) && report) {
        wsc_fail(ctx, "%s: the result holds no JSON text: %.300s", tool,
                 json_object_to_json_string(result));
    }
    json_object_put(resp);
    return v;
}

char *cj_start_job(struct wsc_ctx *ctx, struct wsc_mcp *m, struct json_object *kwargs)
{
    struct json_object *args = json_object_new_object();
    if (!args) {
        wsc_error(ctx, "out of memory");
        return NULL;
    }
    json_object_object_add(args, "args", json_object_new_string(""));
    json_object_object_add(
        args, "kwargs",
        json_object_new_string(
            kwargs ? json_object_to_json_string_ext(kwargs, JSON_C_TO_STRING_PLAIN)
                   : "{}"));
    struct json_object *v = cj_tool(ctx, m, "execute_crackerjack", args);
    if (!v)
        return NULL;
    const char *id = cj_str(v, "job_id"), *status = cj_str(v, "status");
    char *out = NULL;
    if (!cj_hex8(id))
        wsc_fail(ctx, "execute_crackerjack: job_id is not 8 lowercase hex digits: %.300s",
                 json_object_to_json_string(v));
    else if (!status || strcmp(status, "running") != 0)
        wsc_fail(ctx, "execute_crackerjack: status is not \"running\": %.300s",
                 json_object_to_json_string(v));
    else if (!(out = strdup(id)))
        wsc_error(ctx, "out of memory");
    json_object_put(v);
    return out;
}
