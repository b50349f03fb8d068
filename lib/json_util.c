/* Small JSON helpers shared by the core (see json_util.h), and parsing with
 * one nesting limit (see <wscheck/json.h>). */
#include "json_util.h"

#include <stdio.h>
#include <string.h>

#include <wscheck/json.h>

int wsc_json_put(struct json_object *obj, const char *key, struct json_object *value,
                 int nullable)
{
    if (!value && !nullable)
        return -1;
    if (json_object_object_add(obj, key, value) != 0) {
        json_object_put(value);
        return -1;
    }
    return 0;
}

const char *wsc_json_type_name(const struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null:
        return "null";
    case json_type_boolean:
        return "boolean";
    case json_type_int:
        return "integer";
    case json_type_double:
        return "number";
    case json_type_string:
        return "string";
    case json_type_object:
        return "object";
    case json_type_array:
        return "array";
    }
    return "null";
}

int wsc_json_is_type_name(const char *name)
{
    static const char *const names[] = {"string", "number", "integer", "boolean",
                                        "object", "array",  "null"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

int wsc_json_has_type(const struct json_object *v, const char *name)
{
    const char *actual = wsc_json_type_name(v);
    if (strcmp(name, "number") == 0)
        return strcmp(actual, "number") == 0 || strcmp(actual, "integer") == 0;
    return strcmp(name, actual) == 0;
}

const char *wsc_json_text(const struct json_object *v)
{
    /* json-c caches the text inside the object: the value itself does not
     * change, so the cast is safe. */
    return json_object_to_json_string_ext(
        (struct json_object *)v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* ---- parsing with one nesting limit (<wscheck/json.h>) -------------------- */

struct json_tokener *wsc_json_tokener_new_depth(int depth)
{
    return json_tokener_new_ex(depth > 0 ? depth : WSC_JSON_MAX_DEPTH);
}

const char *wsc_json_error_desc(const struct json_tokener *tok, enum json_tokener_error e)
{
    /* one message per thread at a time: callers copy it into theirs */
    static _Thread_local char deep[64];
    if (e != json_tokener_error_depth)
        return json_tokener_error_desc(e);
    snprintf(deep, sizeof deep, "nested deeper than %d",
             tok ? tok->max_depth : WSC_JSON_MAX_DEPTH);
    return deep;
}

struct json_object *wsc_json_parse_report(const char *text, size_t len, const char **why)
{
    *why = "empty";
    if (!text || len == 0)
        return NULL;
    struct json_tokener *tok = wsc_json_tokener_new_depth(WSC_JSON_REPORT_DEPTH);
    if (!tok) {
        *why = "out of memory";
        return NULL;
    }
    struct json_object *v = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    if (e == json_tokener_continue)
        *why = "it ends early";
    else if (e != json_tokener_success)
        *why = wsc_json_error_desc(tok, e);
    json_tokener_free(tok);
    if (e != json_tokener_success || !v) {
        json_object_put(v);
        return NULL;
    }
    return v;
}

int wsc_json_is_operator_object(const struct json_object *v)
{
    if (!json_object_is_type(v, json_type_object) || json_object_object_length(v) == 0)
        return 0;
    json_object_object_foreach((struct json_object *)v, key, val) {
        (void)val;
        if (key[0] != '$')
            return 0;
    }
    return 1;
}
