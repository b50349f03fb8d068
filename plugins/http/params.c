/* Reading check params (already validated against the check's schema). */
#include "checks.h"

const struct json_object *http_param(const struct json_object *params, const char *key)
{
    struct json_object *v = NULL;
    if (!params || !json_object_object_get_ex(params, key, &v)
        || json_object_is_type(v, json_type_null))
        return NULL;
    return v;
}

const char *http_param_string(const struct json_object *params, const char *key)
{
    const struct json_object *v = http_param(params, key);
    return v && json_object_is_type(v, json_type_string)
        ? json_object_get_string((struct json_object *)v) : NULL;
}

int http_param_bool(const struct json_object *params, const char *key)
{
    const struct json_object *v = http_param(params, key);
    return v ? json_object_get_boolean(v) : 0;
}
