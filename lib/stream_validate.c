/* wsc_stream_validate() (see <wscheck/stream.h>): what the schema of the
 * stream options cannot say, reported at scenario load. Matchers are
 * checked by the schema ("x-wsc-expect"); values still holding "${...}" are
 * judged when the test runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pointer_build.h"
#include "stream_internal.h"

static int is_number(const struct json_object *v)
{
    return json_object_is_type(v, json_type_int) ||
           json_object_is_type(v, json_type_double);
}

static void check_pointer_list(struct wsc_validation *v, const struct json_object *params,
                               const char *key)
{
    struct json_object *list;
    if (!json_object_object_get_ex(params, key, &list) ||
        !json_object_is_type(list, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *p = json_object_array_get_idx(list, i);
        const char *s = json_object_get_string(p);
        if (json_object_is_type(p, json_type_string) && !strstr(s, "${") &&
            !stream_pointer_valid(s)) {
            char at[64];
            snprintf(at, sizeof at, "/%s/%zu", key, i);
            wsc_invalid(v, at, "'%s' is not a JSON Pointer (\"/a/b\")", s);
        }
    }
}

static void check_range(struct wsc_validation *v, const char *where, const char *key,
                        const struct json_object *r)
{
    struct json_object *lo = json_object_array_get_idx(r, 0);
    struct json_object *hi = json_object_array_get_idx(r, 1);
    if (!stream_pointer_valid(key))
        wsc_invalid(v, where, "'%s' is not a JSON Pointer (\"/a/b\")", key);
    if (is_number(lo) && is_number(hi) &&
        json_object_get_double(lo) > json_object_get_double(hi))
        wsc_invalid(v, where, "min %g is above max %g", json_object_get_double(lo),
                    json_object_get_double(hi));
}

static void check_pointer_keys(struct wsc_validation *v, const struct json_object *params,
                               const char *key)
{
    struct json_object *obj;
    if (!json_object_object_get_ex(params, key, &obj) ||
        !json_object_is_type(obj, json_type_object))
        return;
    json_object_object_foreach(obj, ptr, value) {
        char *base = wsc_json_pointer_join("", key);
        char *where = base ? wsc_json_pointer_join(base, ptr) : NULL;
        const char *at = where ? where : "";
        if (strcmp(key, "ranges") == 0)
            check_range(v, at, ptr, value);
        else if (!stream_pointer_valid(ptr))
            wsc_invalid(v, at, "'%s' is not a JSON Pointer (\"/a/b\")", ptr);
        free(where);
        free(base);
    }
}

static void check_duration(struct wsc_validation *v, const struct json_object *params)
{
    struct json_object *d;
    double timeout = wsc_validation_timeout(v);
    if (json_object_object_get_ex(params, "duration", &d) && is_number(d) &&
        timeout > 0 && json_object_get_double(d) > timeout)
        wsc_invalid(v, "/duration", "%g s does not fit in the test's timeout of %g s",
                    json_object_get_double(d), timeout);
}

void wsc_stream_validate(struct wsc_validation *v, const struct json_object *params)
{
    if (!json_object_is_type(params, json_type_object))
        return;
    check_pointer_list(v, params, "non_decreasing");
    check_pointer_list(v, params, "increasing");
    check_pointer_keys(v, params, "ranges");
    check_pointer_keys(v, params, "allowed");
    check_duration(v, params);
}
