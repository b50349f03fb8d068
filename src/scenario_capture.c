/* Scenario files: captures, i.e. variables set from a check's outputs
 * (a test's `capture`, applied after it ran) and the names that captures
 * declare for the tests and steps after them (validation). */
#include "scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pointer_build.h"

int wsc_scenario_capture(const struct wsc_test *t, const struct json_object *outputs,
                         struct wsc_vars *vars, char **err)
{
    int rc = 0;
    *err = NULL;
    if (!t->capture)
        return 0;
    json_object_object_foreach(t->capture, name, target) {
        int secret = 0;
        const char *ptr = wsc_capture_pointer(target, &secret);
        struct json_object *val = NULL, *copy = NULL;
        char *msg = NULL;
        int found = ptr ? wsc_json_pointer_find(outputs, ptr, &val) : 0;
        if (found == 1 && val && json_object_deep_copy(val, &copy, NULL) != 0)
            found = -2;
        /* {"$secret": "/ptr"}: the value is redacted from now on */
        if (found == 1 && secret && wsc_vars_mark_secret(vars, name) < 0)
            found = -2;
        if (found == 1 && wsc_vars_set(vars, WSC_VARS_CAPTURE, name, copy) < 0)
            found = -2;
        if (found == 1)
            continue;
        if (found == -2)
            msg = strdup("out of memory");
        else if (asprintf(&msg, "capture '%s': the outputs have nothing at '%s'", name,
                          ptr ? ptr : "") < 0)
            msg = NULL;
        if (!*err)
            *err = msg ? msg : strdup("out of memory");
        else
            free(msg);
        rc = -1;
    }
    return rc;
}

/* Steps of deferred params capture for later steps and later tests. */
int scn_declare_captures(const struct json_object *v, struct wsc_vars *into)
{
    if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach((struct json_object *)v, key, val) {
            if (strcmp(key, "capture") == 0 &&
                json_object_is_type(val, json_type_object)) {
                json_object_object_foreach(val, name, target) {
                    (void)target;
                    if (wsc_vars_layer(into, name) != WSC_VARS_CLI &&
                        wsc_vars_set_unknown(into, name) < 0)
                        return -1;
                }
            } else if (scn_declare_captures(val, into) < 0) {
                return -1;
            }
        }
    } else if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (scn_declare_captures(json_object_array_get_idx(v, i), into) < 0)
                return -1;
    }
    return 0;
}

int scn_declare_test_captures(const struct wsc_test *t, struct wsc_vars *into)
{
    if (!t->capture)
        return 0;
    json_object_object_foreach(t->capture, name, target) {
        (void)target;
        if (wsc_vars_layer(into, name) != WSC_VARS_CLI &&
            wsc_vars_set_unknown(into, name) < 0)
            return -1;
    }
    return 0;
}
