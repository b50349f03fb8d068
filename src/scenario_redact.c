/* Scenario files: what is secret. `{"$secret": ...}` wraps a file var's
 * value or a capture's pointer; the top-level "redact" object adds secret
 * names ("names") and declares variables secret ("vars"). The runner's
 * redactor gets the names, and the values of every secret variable. */
#include "scenario_internal.h"

#include <stdlib.h>
#include <string.h>

const struct json_object *wsc_secret_wrapped(const struct json_object *v)
{
    struct json_object *inner;
    if (!json_object_is_type(v, json_type_object) ||
        json_object_object_length((struct json_object *)v) != 1 ||
        !json_object_object_get_ex(v, "$secret", &inner))
        return NULL;
    return inner;
}

const char *wsc_capture_pointer(const struct json_object *target, int *secret)
{
    const struct json_object *inner = wsc_secret_wrapped(target);
    *secret = inner != NULL;
    if (inner)
        target = inner;
    return json_object_is_type(target, json_type_string)
               ? json_object_get_string((struct json_object *)target)
               : NULL;
}

/* The strings of the "redact" member `key` (borrowed), or NULL. */
static struct json_object *redact_list(const struct wsc_scenario *sc, const char *key)
{
    struct json_object *redact, *list;
    if (!sc->root || !json_object_object_get_ex(sc->root, "redact", &redact) ||
        !json_object_object_get_ex(redact, key, &list) ||
        !json_object_is_type(list, json_type_array))
        return NULL;
    return list;
}

int scn_mark_secret_vars(const struct wsc_scenario *sc, struct wsc_vars *v)
{
    struct json_object *list = redact_list(sc, "vars");
    for (size_t i = 0; list && i < json_object_array_length(list); i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(list, i));
        if (name && wsc_vars_mark_secret(v, name) < 0)
            return -1;
    }
    return 0;
}

struct wsc_redactor *wsc_scenario_redactor(const struct wsc_scenario *sc,
                                           const struct wsc_redactor *base)
{
    struct wsc_redactor *r = base ? wsc_redactor_copy(base) : wsc_redactor_new();
    struct json_object *list = redact_list(sc, "names");
    for (size_t i = 0; r && list && i < json_object_array_length(list); i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(list, i));
        if (wsc_redactor_add_name(r, name) < 0) {
            wsc_redactor_free(r);
            return NULL;
        }
    }
    return r;
}

int wsc_redactor_add_var_secrets(struct wsc_redactor *r, const struct wsc_vars *v)
{
    const struct json_object *names = wsc_vars_secret_names(v);
    if (!names)
        return 0;
    json_object_object_foreach((struct json_object *)names, name, unused) {
        (void)unused;
        struct json_object *val = wsc_vars_get(v, name);
        /* --secret NAME may name an environment variable rather than a
         * variable of the scenario */
        const char *env = val ? NULL : getenv(name);
        if (val ? wsc_redactor_add_value(r, val) < 0
                : wsc_redactor_add_secret(r, env) < 0)
            return -1;
    }
    return 0;
}
