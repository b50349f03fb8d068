/* tool_discovery: every page of tools/list, each tool's shape, and
 * resources/list and prompts/list when the server declares them. */
#include <stdio.h>

#include <wscheck/expect.h>
#include <wscheck/params.h>

#include "checks.h"

/* The `key` member of every item, as an array. */
static struct json_object *names_of(struct json_object *items, const char *key)
{
    struct json_object *names = json_object_new_array();
    size_t n = json_object_array_length(items);
    for (size_t i = 0; names && i < n; i++) {
        struct json_object *v = NULL;
        if (json_object_object_get_ex(json_object_array_get_idx(items, i), key, &v))
            json_object_array_add(names, json_object_get(v));
    }
    return names;
}

static int declares(struct wsc_mcp *m, const char *capability)
{
    struct json_object *caps = NULL, *v = NULL;
    return json_object_object_get_ex(wsc_mcp_server_info(m), "capabilities", &caps) &&
           json_object_object_get_ex(caps, capability, &v);
}

static int discover_tools(struct wsc_ctx *ctx, struct wsc_mcp *m, struct json_object *out)
{
    struct json_object *tools = NULL;
    int pages = 0;
    double t0 = wsc_now();
    if (dt_list_all(ctx, m, "tools/list", "tools", "name", &tools, &pages) != 0)
        return -1;
    wsc_metric(ctx, "list_ms", dt_ms(t0, wsc_now()), "ms");
    wsc_metric(ctx, "tools", (double)json_object_array_length(tools), "count");
    wsc_metric(ctx, "pages", pages, "count");
    size_t n = json_object_array_length(tools);
    for (size_t i = 0; i < n; i++)
        dt_check_tool(ctx, json_object_array_get_idx(tools, i), i);
    json_object_object_add(out, "tool_names", names_of(tools, "name"));
    json_object_object_add(out, "tools", tools);
    return 0;
}

/* resources/list or prompts/list, when the capability is declared. */
static int discover_other(struct wsc_ctx *ctx, struct wsc_mcp *m, struct json_object *out,
                          const char *capability, const char *id_key,
                          const char *names_key)
{
    if (!declares(m, capability))
        return 0;
    char method[32];
    snprintf(method, sizeof method, "%s/list", capability);
    struct json_object *items = NULL;
    int pages = 0;
    if (dt_list_all(ctx, m, method, capability, id_key, &items, &pages) != 0)
        return -1;
    wsc_metric(ctx, capability, (double)json_object_array_length(items), "count");
    json_object_object_add(out, names_key, names_of(items, id_key));
    json_object_object_add(out, capability, items);
    return 0;
}

void dt_check_tool_discovery(struct wsc_ctx *ctx, struct json_object *params)
{
    const struct json_object *expect = wsc_param(params, "expect");
    if (wsc_expect_valid(ctx, expect) != 0)
        return;
    struct wsc_mcp *m = dt_open(ctx, params, 1);
    if (!m)
        return;
    struct json_object *out = json_object_new_object();
    if (!out) {
        wsc_error(ctx, "out of memory");
    } else if (discover_tools(ctx, m, out) == 0 &&
               discover_other(ctx, m, out, "resources", "uri", "resource_uris") == 0 &&
               discover_other(ctx, m, out, "prompts", "name", "prompt_names") == 0) {
        json_object_object_foreach(out, key, val)
            wsc_output(ctx, key, json_object_get(val));
        wsc_expect(ctx, expect, NULL, out);
    }
    json_object_put(out);
    dt_close(ctx, m);
}
