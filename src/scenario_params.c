/* Scenario files: a test's params, expanded with the variables known now
 * (deferred params stay as written for the check), strings given back their
 * text where the schema wants one, defaults filled in. */
#include "scenario_internal.h"
#include "var_origin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "wscheck/schema.h"

/* One member or element: child, expanded from template t, under schema sub.
 * When a number stands where sub wants text, *text is the template's text
 * expanded, for the caller to put in child's place; otherwise child is
 * restored where it is and *text is NULL. Returns -1 when out of memory. */
static int restore_child(const struct json_object *sub, struct json_object *child,
                         struct json_object *t, const struct wsc_vars *vars,
                         struct json_object **text)
{
    *text = NULL;
    if (!wsc_json_has_type(child, "number") ||
        !json_object_is_type(t, json_type_string) || !wsc_schema_wants_text(sub))
        return scn_restore_text(sub, child, t, vars);
    char *s = wsc_vars_expand_string(vars, json_object_get_string(t), NULL);
    *text = s ? json_object_new_string(s) : NULL;
    free(s);
    return *text ? 0 : -1;
}

/* "${port}" expands to the number 9004 even where the schema wants a
 * string (a token that happens to be digits): give those their text back. */
int scn_restore_text(const struct json_object *schema, struct json_object *value,
                     const struct json_object *tmpl, const struct wsc_vars *vars)
{
    struct json_object *text;
    if (!schema)
        return 0;
    if (json_object_is_type(value, json_type_object) &&
        json_object_is_type(tmpl, json_type_object)) {
        json_object_object_foreach(value, key, child) {
            const struct json_object *sub = wsc_schema_member(schema, key);
            struct json_object *t = NULL;
            if (!sub || !json_object_object_get_ex(tmpl, key, &t))
                continue;
            if (restore_child(sub, child, t, vars, &text) < 0)
                return -1;
            if (text && json_object_object_add(value, key, text) != 0) {
                json_object_put(text);
                return -1;
            }
        }
    } else if (json_object_is_type(value, json_type_array) &&
               json_object_is_type(tmpl, json_type_array)) {
        const struct json_object *items = wsc_schema_items(schema);
        size_t n = json_object_array_length(value);
        for (size_t i = 0; items && i < n && i < json_object_array_length(tmpl); i++) {
            if (restore_child(items, json_object_array_get_idx(value, i),
                              json_object_array_get_idx(tmpl, i), vars, &text) < 0)
                return -1;
            if (text && json_object_array_put_idx(value, i, text) != 0) {
                json_object_put(text);
                return -1;
            }
        }
    }
    return 0;
}

int scn_param_deferred(const struct json_object *schema, const char *key)
{
    char *ptr = schema ? wsc_json_pointer_join("", key) : NULL;
    int deferred = ptr && wsc_schema_is_deferred(schema, ptr);
    free(ptr);
    return deferred;
}

struct json_object *wsc_scenario_test_params(const struct wsc_test *t,
                                             const struct json_object *schema,
                                             const struct wsc_vars *vars, char **err)
{
    struct json_object *out = json_object_new_object(), *full;
    char *msg = NULL;
    *err = NULL;
    if (!out)
        goto oom;
    json_object_object_foreach(t->params, key, tmpl) {
        struct json_object *val = NULL;
        if (scn_param_deferred(schema, key)) {
            if (tmpl && json_object_deep_copy(tmpl, &val, NULL) != 0)
                goto oom;
        } else {
            val = wsc_vars_expand(vars, tmpl, &msg);
            if (msg) {
                if (asprintf(err, "params.%s: %s", key, msg) < 0)
                    *err = NULL;
                free(msg);
                if (!*err)
                    goto oom;
                json_object_put(out);
                return NULL;
            }
        }
        if (json_object_object_add(out, key, val) != 0) {
            json_object_put(val);
            goto oom;
        }
    }
    if (!schema)
        return out;
    if (scn_restore_text(schema, out, t->params, vars) < 0)
        goto oom;
    full = wsc_schema_apply_defaults(schema, out);
    json_object_put(out);
    out = NULL;
    if (!full)
        goto oom;
    if ((*err = wsc_schema_validate(schema, full, 0, NULL)) != NULL) {
        json_object_put(full);
        return NULL;
    }
    return full;
oom:
    json_object_put(out);
    *err = strdup("out of memory");
    return NULL;
}

/* Reported at the string at fault; the param is kept as written (its "${"
 * strings pass the lenient checks). */
int scn_expand_params(struct scn_test_check *tc, const struct json_object *schema,
                      const struct wsc_vars *vars, int deferred, struct json_object *out)
{
    json_object_object_foreach(tc->t->params, key, tmpl) {
        char *err = NULL, *where = NULL;
        if (scn_param_deferred(schema, key) != deferred)
            continue;
        struct json_object *val = wsc_vars_expand_at(vars, tmpl, &err, &where);
        if (err) {
            char *base = wsc_json_pointer_join(tc->base, key), *ptr = NULL;
            if (base && asprintf(&ptr, "%s%s", base, where ? where : "") < 0)
                ptr = NULL;
            char *why = wsc_explain_undefined(tc->sc, tc->t, err, NULL, NULL);
            scn_test_problem(tc, ptr ? ptr : tc->base, 0, "params.%s: %s", key,
                             why ? why : err);
            free(why);
            free(base);
            free(ptr);
            free(err);
            free(where);
            val = NULL;
            if (tmpl && json_object_deep_copy(tmpl, &val, NULL) != 0)
                return -1;
        }
        if (json_object_object_add(out, key, val) != 0) {
            json_object_put(val);
            return -1;
        }
    }
    return 0;
}
