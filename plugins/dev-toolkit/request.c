/* call (tools/call), resource (resources/read) and prompt (prompts/get):
 * one request, its result's members as outputs, `expect` on them. A
 * JSON-RPC error is the output `error`, a failure unless `expect` names it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>
#include <wscheck/schema.h>

#include "checks.h"

static int expects(const struct json_object *expect, const char *key)
{
    struct json_object *v = NULL;
    return json_object_is_type(expect, json_type_object) &&
           json_object_object_get_ex(expect, key, &v);
}

/* The text items of a content array, joined with newlines. */
static struct json_object *content_text(const struct json_object *content)
{
    size_t n = json_object_is_type(content, json_type_array)
                   ? json_object_array_length(content)
                   : 0;
    struct json_object *acc = NULL;
    for (size_t i = 0; i < n; i++) {
        struct json_object *item = json_object_array_get_idx(content, i), *text = NULL;
        if (!json_object_object_get_ex(item, "text", &text) ||
            !json_object_is_type(text, json_type_string))
            continue;
        if (!acc) {
            acc = json_object_new_string(json_object_get_string(text));
            continue;
        }
        size_t len = (size_t)json_object_get_string_len(acc) + 1 +
                     (size_t)json_object_get_string_len(text);
        char *s = malloc(len + 1);
        if (!s)
            break;
        snprintf(s, len + 1, "%s\n%s", json_object_get_string(acc),
                 json_object_get_string(text));
        json_object_put(acc);
        acc = json_object_new_string(s);
        free(s);
    }
    return acc;
}

int dt_answer_from(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *method,
                   enum wsc_mcp_result r, struct json_object *resp, struct dt_answer *a)
{
    struct json_object *v = NULL;
    a->outputs = json_object_new_object();
    a->is_rpc_error = 0;
    if (!a->outputs) {
        wsc_error(ctx, "out of memory");
        return -1;
    }
    if (r == WSC_MCP_OK && json_object_object_get_ex(resp, "result", &v)) {
        json_object_object_foreach(v, key, val)
            json_object_object_add(a->outputs, key, json_object_get(val));
        struct json_object *items = NULL;
        if (json_object_object_get_ex(v, "content", &items) ||
            json_object_object_get_ex(v, "contents", &items)) {
            struct json_object *text = content_text(items);
            if (text)
                json_object_object_add(a->outputs, "text", text);
        }
        /* an absent isError means false (server/tools#calling-tools) */
        if (strcmp(method, "tools/call") == 0 &&
            !json_object_object_get_ex(a->outputs, "isError", NULL))
            json_object_object_add(a->outputs, "isError", json_object_new_boolean(0));
    } else if ((r == WSC_MCP_RPC_ERROR || r == WSC_MCP_HTTP_ERROR) &&
               json_object_object_get_ex(resp, "error", &v)) {
        json_object_object_add(a->outputs, "error", json_object_get(v));
        a->is_rpc_error = 1;
        wsc_note(ctx, "%s: %s", method, wsc_mcp_error(m));
    } else {
        dt_fail(ctx, m, method);
        return -1;
    }
    return 0;
}

/* Sends the request and turns its answer into outputs; -1 after reporting
 * a failure that leaves nothing to match. */
static int ask(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *method,
               struct json_object *rparams, struct dt_answer *a)
{
    struct json_object *resp = NULL;
    double t0 = wsc_now();
    enum wsc_mcp_result r = wsc_mcp_request(m, method, rparams, 0, &resp);
    wsc_metric(ctx, "request_ms", dt_ms(t0, wsc_now()), "ms");
    int rc = dt_answer_from(ctx, m, method, r, resp, a);
    json_object_put(resp);
    return rc;
}

/* The rules `expect` may override: no JSON-RPC error unless `error` is
 * expected, and then one; for tools/call no isError unless named. */
void dt_default_rules(struct wsc_ctx *ctx, struct wsc_mcp *m, const char *method,
                      const struct json_object *expect, const struct dt_answer *a)
{
    if (a->is_rpc_error && !expects(expect, "error"))
        dt_fail(ctx, m, method);
    else if (!a->is_rpc_error && expects(expect, "error"))
        wsc_fail(ctx, "%s: expected a JSON-RPC error, got a result", method);
    struct json_object *is_error = NULL;
    if (strcmp(method, "tools/call") == 0 && !expects(expect, "isError") &&
        json_object_object_get_ex(a->outputs, "isError", &is_error) &&
        json_object_get_boolean(is_error)) {
        struct json_object *text = NULL;
        json_object_object_get_ex(a->outputs, "text", &text);
        wsc_fail(ctx, "tools/call: the tool reported an error (isError: true)%s%s",
                 text ? ": " : "", text ? json_object_get_string(text) : "");
    }
}

void dt_publish(struct wsc_ctx *ctx, const struct json_object *expect,
                struct json_object *outputs)
{
    json_object_object_foreach(outputs, key, val)
        wsc_output(ctx, key, json_object_get(val));
    wsc_expect(ctx, expect, NULL, outputs);
}

/* The request's params from the check's: `name_param` copied as `name_key`,
 * `arguments` as is. */
struct json_object *dt_request_params(const struct json_object *params,
                                      const char *name_key, const char *name_param)
{
    struct json_object *p = json_object_new_object();
    if (!p)
        return NULL;
    const char *name = wsc_param_string(params, name_param, NULL);
    if (name)
        json_object_object_add(p, name_key, json_object_new_string(name));
    struct json_object *args = wsc_param_object(params, "arguments");
    if (args)
        json_object_object_add(p, "arguments", json_object_get(args));
    return p;
}

/* The tool's outputSchema from tools/list; NULL (and *found 0) when the
 * list has no such tool. A new reference. */
static struct json_object *output_schema(struct wsc_ctx *ctx, struct wsc_mcp *m,
                                         const char *tool, int *found)
{
    struct json_object *tools = NULL, *schema = NULL;
    int pages = 0;
    *found = 0;
    if (dt_list_all(ctx, m, "tools/list", "tools", "name", &tools, &pages) != 0)
        return NULL;
    size_t n = json_object_array_length(tools);
    for (size_t i = 0; i < n && !*found; i++) {
        struct json_object *t = json_object_array_get_idx(tools, i), *name = NULL;
        if (json_object_object_get_ex(t, "name", &name) &&
            strcmp(json_object_get_string(name), tool) == 0) {
            *found = 1;
            if (json_object_object_get_ex(t, "outputSchema", &schema))
                json_object_get(schema);
        }
    }
    json_object_put(tools);
    return schema;
}

/* server/tools#structured-content: with an outputSchema, a successful
 * result MUST carry structuredContent that conforms to it. */
void dt_validate_structured(struct wsc_ctx *ctx, const struct json_object *schema,
                            const char *tool, const struct dt_answer *a)
{
    struct json_object *sc = NULL, *is_error = NULL;
    if (a->is_rpc_error || (json_object_object_get_ex(a->outputs, "isError", &is_error) &&
                            json_object_get_boolean(is_error)))
        return;
    if (!json_object_object_get_ex(a->outputs, "structuredContent", &sc)) {
        wsc_fail(ctx,
                 "tools/call %s: the tool has an outputSchema but the result has no "
                 "structuredContent (server/tools#output-schema)",
                 tool);
        return;
    }
    char *msg = wsc_schema_validate_instance(schema, sc);
    if (msg) {
        wsc_fail(ctx,
                 "tools/call %s: structuredContent does not conform to the tool's "
                 "outputSchema (server/tools#output-schema): %s",
                 tool, msg);
        free(msg);
    }
}

struct json_object *dt_call_schema(struct wsc_ctx *ctx, struct wsc_mcp *m,
                                   const struct json_object *params, const char *tool)
{
    if (!wsc_param_bool(params, "validate_output", 1))
        return NULL;
    int found = 0;
    struct json_object *schema = output_schema(ctx, m, tool, &found);
    if (!found && !wsc_failed(ctx))
        wsc_note(ctx, "tools/list does not list \"%s\"", tool);
    return schema;
}

void dt_check_call(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    const char *tool = wsc_param_string(params, "tool", "");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    struct wsc_mcp *m = dt_open(ctx, params, 1);
    if (!m)
        return;
    struct json_object *schema = dt_call_schema(ctx, m, params, tool);
    struct dt_answer a = {0};
    if (!wsc_failed(ctx) &&
        ask(ctx, m, "tools/call", dt_request_params(params, "name", "tool"), &a) == 0) {
        dt_default_rules(ctx, m, "tools/call", expect, &a);
        if (schema)
            dt_validate_structured(ctx, schema, tool, &a);
        dt_publish(ctx, expect, a.outputs);
    }
    json_object_put(a.outputs);
    json_object_put(schema);
    dt_close(ctx, m);
}

static void simple(struct wsc_ctx *ctx, struct json_object *params, const char *method,
                   const char *key, const char *param)
{
    const struct json_object *expect = wsc_param(params, "expect");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    struct wsc_mcp *m = dt_open(ctx, params, 1);
    if (!m)
        return;
    struct dt_answer a = {0};
    if (ask(ctx, m, method, dt_request_params(params, key, param), &a) == 0) {
        dt_default_rules(ctx, m, method, expect, &a);
        dt_publish(ctx, expect, a.outputs);
    }
    json_object_put(a.outputs);
    dt_close(ctx, m);
}

void dt_check_resource(struct wsc_ctx *ctx, struct json_object *params)
{
    simple(ctx, params, "resources/read", "uri", "uri");
}

void dt_check_prompt(struct wsc_ctx *ctx, struct json_object *params)
{
    simple(ctx, params, "prompts/get", "name", "name");
}
