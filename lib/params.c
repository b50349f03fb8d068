/* Param getters for checks (see wscheck/params.h): one reading of "absent",
 * "null" and "of another type" for every plugin. */
#include <wscheck/params.h>

#include <math.h>

struct json_object *wsc_param(const struct json_object *params, const char *key)
{
    struct json_object *v = NULL;
    if (!params || !key || !json_object_is_type(params, json_type_object) ||
        !json_object_object_get_ex(params, key, &v))
        return NULL;
    return v; /* a JSON null is NULL already */
}

const char *wsc_param_string(const struct json_object *params, const char *key,
                             const char *dflt)
{
    struct json_object *v = wsc_param(params, key);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : dflt;
}

double wsc_param_number(const struct json_object *params, const char *key, double dflt)
{
    struct json_object *v = wsc_param(params, key);
    if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
        return json_object_get_double(v);
    return dflt;
}

int64_t wsc_param_int(const struct json_object *params, const char *key, int64_t dflt)
{
    struct json_object *v = wsc_param(params, key);
    if (json_object_is_type(v, json_type_int))
        return json_object_get_int64(v);
    if (json_object_is_type(v, json_type_double)) {
        /* 3.0 is an integer in JSON Schema's sense; the range keeps the
         * conversion defined */
        double d = json_object_get_double(v);
        if (d == floor(d) && d >= -9.2e18 && d <= 9.2e18)
            return (int64_t)d;
    }
    return dflt;
}

int wsc_param_bool(const struct json_object *params, const char *key, int dflt)
{
    struct json_object *v = wsc_param(params, key);
    return json_object_is_type(v, json_type_boolean) ? json_object_get_boolean(v) != 0
                                                     : dflt;
}

struct json_object *wsc_param_object(const struct json_object *params, const char *key)
{
    struct json_object *v = wsc_param(params, key);
    return json_object_is_type(v, json_type_object) ? v : NULL;
}

struct json_object *wsc_param_array(const struct json_object *params, const char *key)
{
    struct json_object *v = wsc_param(params, key);
    return json_object_is_type(v, json_type_array) ? v : NULL;
}
