/* The shape of one tool (MCP server/tools#tool). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"

#define DT_TOOL_NAME_MAX 64

static struct json_object *member(const struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_is_type(o, json_type_object))
        return NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

/* 1 to 64 characters of [A-Za-z0-9_./-] (server/tools#tool-names). */
int dt_tool_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > DT_TOOL_NAME_MAX)
        return 0;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789_./-") == n;
}

/* An object schema: a JSON object whose "type" is "object". */
static int object_schema(const struct json_object *schema)
{
    const struct json_object *type = member(schema, "type");
    return json_object_is_type(type, json_type_string) &&
           strcmp(json_object_get_string((struct json_object *)type), "object") == 0;
}

/* "properties", when given, must be an object of objects. */
static int properties_ok(const struct json_object *schema)
{
    struct json_object *props = member(schema, "properties");
    if (!props)
        return 1;
    if (!json_object_is_type(props, json_type_object))
        return 0;
    json_object_object_foreach(props, key, val) {
        (void)key;
        if (!json_object_is_type(val, json_type_object))
            return 0;
    }
    const struct json_object *req = member(schema, "required");
    return !req || json_object_is_type(req, json_type_array);
}

static int check_schema(struct wsc_ctx *ctx, const char *name, size_t i,
                        const char *which, const struct json_object *schema)
{
    if (!object_schema(schema) || !properties_ok(schema)) {
        wsc_fail(ctx,
                 "/tools/%zu (%s): %s is not an object schema ({\"type\": "
                 "\"object\"} with object properties) (server/tools#tool)",
                 i, name, which);
        return 1;
    }
    return 0;
}

int dt_check_tool(struct wsc_ctx *ctx, const struct json_object *tool, size_t i)
{
    const struct json_object *jname = member(tool, "name");
    if (!json_object_is_type(jname, json_type_string)) {
        wsc_fail(ctx, "/tools/%zu: no name (server/tools#tool)", i);
        return 1;
    }
    const char *name = json_object_get_string((struct json_object *)jname);
    int failures = 0;
    if (!dt_tool_name_ok(name)) {
        wsc_fail(ctx,
                 "/tools/%zu/name: \"%s\" is not 1 to 64 characters of "
                 "[A-Za-z0-9_./-] (server/tools#tool-names)",
                 i, name);
        failures++;
    }
    const struct json_object *desc = member(tool, "description");
    if (!json_object_is_type(desc, json_type_string) || !json_object_get_string_len(desc))
        wsc_warn(ctx, "/tools/%zu (%s): no description (server/tools#tool)", i, name);
    failures += check_schema(ctx, name, i, "inputSchema", member(tool, "inputSchema"));
    const struct json_object *out = member(tool, "outputSchema");
    if (out)
        failures += check_schema(ctx, name, i, "outputSchema", out);
    return failures;
}
