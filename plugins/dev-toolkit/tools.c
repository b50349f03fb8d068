/* The shape of one tool (MCP server/tools#tool) and its outputSchema
 * applied to a structuredContent. */
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

/* ---- structuredContent against outputSchema ------------------------------ */

static int type_is(const struct json_object *v, const char *type)
{
    enum json_type t = json_object_get_type(v);
    if (strcmp(type, "object") == 0)
        return t == json_type_object;
    if (strcmp(type, "array") == 0)
        return t == json_type_array;
    if (strcmp(type, "string") == 0)
        return t == json_type_string;
    if (strcmp(type, "boolean") == 0)
        return t == json_type_boolean;
    if (strcmp(type, "null") == 0)
        return t == json_type_null;
    if (strcmp(type, "integer") == 0)
        return t == json_type_int ||
               (t == json_type_double &&
                json_object_get_double(v) == (double)(int64_t)json_object_get_double(v));
    if (strcmp(type, "number") == 0)
        return t == json_type_int || t == json_type_double;
    return 1; /* a type this subset does not know: not held against the value */
}

/* "type" as a string or a list of strings. */
static int type_ok(const struct json_object *schema, const struct json_object *v)
{
    const struct json_object *type = member(schema, "type");
    if (json_object_is_type(type, json_type_string))
        return type_is(v, json_object_get_string((struct json_object *)type));
    if (!json_object_is_type(type, json_type_array))
        return 1;
    size_t n = json_object_array_length(type);
    for (size_t i = 0; i < n; i++) {
        struct json_object *t = json_object_array_get_idx(type, i);
        if (json_object_is_type(t, json_type_string) &&
            type_is(v, json_object_get_string(t)))
            return 1;
    }
    return 0;
}

/* "PATH: BEFORE WHAT AFTER", malloc'ed. */
static char *mismatch(const char *path, const char *before, const char *what,
                      const char *after)
{
    size_t n = strlen(path) + strlen(before) + strlen(what) + strlen(after) + 4;
    char *msg = malloc(n);
    if (msg)
        snprintf(msg, n, "%s: %s%s%s", *path ? path : "/", before, what, after);
    return msg;
}

static char *check_value(const struct json_object *schema, const struct json_object *v,
                         const char *path, int depth);

static char *check_members(const struct json_object *schema, const struct json_object *v,
                           const char *path, int depth)
{
    const struct json_object *req = member(schema, "required");
    size_t n =
        json_object_is_type(req, json_type_array) ? json_object_array_length(req) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *key = json_object_get_string(json_object_array_get_idx(req, i));
        if (key && !member(v, key))
            return mismatch(path, "required member \"", key, "\" missing");
    }
    struct json_object *props = member(schema, "properties");
    if (!json_object_is_type(props, json_type_object))
        return NULL;
    json_object_object_foreach(props, key, sub) {
        const struct json_object *val = member(v, key);
        if (!val)
            continue;
        size_t len = strlen(path) + strlen(key) + 2;
        char *sub_path = malloc(len);
        if (!sub_path)
            return NULL;
        snprintf(sub_path, len, "%s/%s", path, key);
        char *msg = check_value(sub, val, sub_path, depth + 1);
        free(sub_path);
        if (msg)
            return msg;
    }
    return NULL;
}

/* Deep schemas are checked to this depth, which no sane result exceeds. */
#define DT_SCHEMA_DEPTH 32

static char *check_value(const struct json_object *schema, const struct json_object *v,
                         const char *path, int depth)
{
    if (depth > DT_SCHEMA_DEPTH || !json_object_is_type(schema, json_type_object))
        return NULL;
    if (!type_ok(schema, v)) {
        const char *t = json_object_to_json_string(member(schema, "type"));
        return mismatch(path, "expected type ", t, "");
    }
    if (json_object_is_type(v, json_type_object))
        return check_members(schema, v, path, depth);
    return NULL;
}

char *dt_output_schema_mismatch(const struct json_object *schema,
                                const struct json_object *value)
{
    return check_value(schema, value, "", 0);
}
