/* Scenario files: expectations (matchers) in params are checked before
 * anything runs. Operators whose argument is a variable known only at run
 * time are left for the run. */
#include "scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pointer_build.h"
#include "json_util.h"
#include "wscheck/schema.h"
#include "wscheck/match.h"

/* Does any string inside v still hold a reference? */
static int has_template(const struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_string:
        return strstr(json_object_get_string((struct json_object *)v), "${") != NULL;
    case json_type_object: {
        /* Braces: the macro starts with a declaration, which may not
           follow a case label before C23. */
        json_object_object_foreach((struct json_object *)v, key, val) {
            (void)key;
            if (has_template(val))
                return 1;
        }
        return 0;
    }
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (has_template(json_object_array_get_idx(v, i)))
                return 1;
        return 0;
    default:
        return 0;
    }
}

/* An operator whose argument is only known at run time ({"$gt": "${min}"})
 * cannot be checked now: it becomes {"$any": true} in the copy checked. */
static int mask_templates(struct json_object *v)
{
    if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach(v, key, val) {
            if (wsc_json_is_operator_object(val) && has_template(val)) {
                struct json_object *any = json_object_new_object();
                if (!any ||
                    json_object_object_add(any, "$any", json_object_new_boolean(1)) !=
                        0 ||
                    json_object_object_add(v, key, any) != 0) {
                    json_object_put(any);
                    return -1;
                }
            } else if (mask_templates(val) < 0) {
                return -1;
            }
        }
    } else if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            struct json_object *el = json_object_array_get_idx(v, i);
            if (wsc_json_is_operator_object(el) && has_template(el)) {
                struct json_object *any = json_object_new_object();
                if (!any ||
                    json_object_object_add(any, "$any", json_object_new_boolean(1)) !=
                        0 ||
                    json_object_array_put_idx(v, i, any) != 0) {
                    json_object_put(any);
                    return -1;
                }
            } else if (mask_templates(el) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* Reports a malformed expectation at ptr (params-relative), or more
 * precisely where the matcher's message points, when it names a path. */
static void check_expectation(struct scn_test_check *tc, const struct json_object *exp,
                              const char *ptr, const char *name)
{
    struct json_object *copy = NULL;
    char *msg, *full = NULL, *at = NULL;
    if (exp && json_object_deep_copy((struct json_object *)exp, &copy, NULL) != 0) {
        scn_test_problem(tc, tc->base, 0, "out of memory");
        return;
    }
    if (wsc_json_is_operator_object(copy) && has_template(copy)) {
        json_object_put(copy);
        return;
    }
    if (mask_templates(copy) < 0) {
        json_object_put(copy);
        scn_test_problem(tc, tc->base, 0, "out of memory");
        return;
    }
    msg = wsc_match_check(copy);
    json_object_put(copy);
    if (!msg)
        return;
    if (asprintf(&full, "%s%s", tc->base, ptr) < 0)
        full = NULL;
    if (full && msg[0] == '/') {
        size_t n = strcspn(msg, ":");
        if (asprintf(&at, "%s%.*s", full, (int)n, msg) < 0)
            at = NULL;
        if (at && !scn_has_pos(tc->sc, at)) {
            free(at);
            at = NULL;
        }
    }
    scn_test_problem(tc, at ? at : full ? full : tc->base, 0, "%s: %s", name, msg);
    free(at);
    free(full);
    free(msg);
}

struct expect_walk {
    struct scn_test_check *tc;
    char ptr[1024];  /* params-relative JSON pointer */
    char name[1024]; /* dotted name, "params.steps[2].expect" */
};

/* Appends to both paths; returns the old lengths packed, or -1 when the
 * path is too long to follow (such deep expectations are not checked). */
static int walk_push(struct expect_walk *w, const char *key, size_t index,
                     size_t *old_ptr, size_t *old_name)
{
    size_t pl = strlen(w->ptr), nl = strlen(w->name);
    char seg[32];
    char *esc = key ? wsc_json_pointer_join("", key) : NULL;
    int a, b;
    if (key && !esc)
        return -1;
    snprintf(seg, sizeof seg, "/%zu", index);
    a = snprintf(w->ptr + pl, sizeof w->ptr - pl, "%s", key ? esc : seg);
    if (key)
        b = snprintf(w->name + nl, sizeof w->name - nl, ".%s", key);
    else
        b = snprintf(w->name + nl, sizeof w->name - nl, "[%zu]", index);
    free(esc);
    *old_ptr = pl;
    *old_name = nl;
    if (a < 0 || (size_t)a >= sizeof w->ptr - pl || b < 0 ||
        (size_t)b >= sizeof w->name - nl) {
        w->ptr[pl] = '\0';
        w->name[nl] = '\0';
        return -1;
    }
    return 0;
}

static void walk_expectations(struct expect_walk *w, const struct json_object *s,
                              const struct json_object *v, int deferred);

static void walk_child(struct expect_walk *w, const struct json_object *s,
                       const struct json_object *v, int deferred, const char *key,
                       size_t index)
{
    size_t op, on;
    if (walk_push(w, key, index, &op, &on) < 0)
        return;
    if (deferred && key && strcmp(key, "expect") == 0)
        check_expectation(w->tc, v, w->ptr, w->name);
    else
        walk_expectations(w, s, v, deferred);
    w->ptr[op] = '\0';
    w->name[on] = '\0';
}

/* Finds the expectations in params: values whose schema says
 * "x-wsc-expect", and "expect" members at any depth of deferred params. */
static void walk_expectations(struct expect_walk *w, const struct json_object *s,
                              const struct json_object *v, int deferred)
{
    if (!deferred && wsc_schema_flag(s, "x-wsc-expect")) {
        check_expectation(w->tc, v, w->ptr, w->name);
        return;
    }
    deferred = deferred || wsc_schema_flag(s, "x-wsc-deferred");
    if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach((struct json_object *)v, key, val)
            walk_child(w, s ? wsc_schema_member(s, key) : NULL, val, deferred, key, 0);
    } else if (json_object_is_type(v, json_type_array)) {
        const struct json_object *items = s ? wsc_schema_items(s) : NULL;
        for (size_t i = 0; i < json_object_array_length(v); i++)
            walk_child(w, items, json_object_array_get_idx(v, i), deferred, NULL, i);
    }
}

void scn_check_expectations(struct scn_test_check *tc, const struct json_object *schema,
                            const struct json_object *full)
{
    struct expect_walk *w = calloc(1, sizeof *w);
    if (!w) {
        scn_test_problem(tc, tc->base, 0, "out of memory");
        return;
    }
    w->tc = tc;
    strcpy(w->name, "params");
    walk_expectations(w, schema, full, 0);
    free(w);
}
