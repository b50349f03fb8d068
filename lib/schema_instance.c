/* Instance validation with JSON Schema semantics (an MCP tool's outputSchema
 * applied to its structuredContent): the walk, $ref and the applicators. */
#include "schema_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_pointer_build.h"
#include "util.h"
#include "wscheck/json_pointer.h"

struct json_object *wsc_si_get(const struct json_object *s, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_is_type(s, json_type_object))
        return NULL;
    json_object_object_get_ex(s, key, &v);
    return v;
}

void wsc_si_report(struct wsc_si *vd, const char *ptr, int at_key, const char *keyword,
                   const char *fmt, ...)
{
    char *what, *full = NULL;
    va_list ap;
    va_start(ap, fmt);
    what = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!what || asprintf(&full, "%s: %s: %s", *ptr ? ptr : "(root)", keyword, what) < 0)
        full = NULL;
    free(what);
    vd->count++;
    vd->fn(full ? full : "out of memory", ptr, at_key, vd->arg);
    free(full);
}

void wsc_si_child(struct wsc_si *vd, const struct json_object *s,
                  const struct json_object *v, const char *ptr, const char *key,
                  size_t index, int depth)
{
    char *sub =
        key ? wsc_json_pointer_join(ptr, key) : wsc_json_pointer_index(ptr, index);
    if (!sub) {
        wsc_si_report(vd, ptr, 0, "schema", "out of memory");
        return;
    }
    wsc_si_node(vd, s, v, sub, depth + 1);
    free(sub);
}

static void keep_first(const char *msg, const char *where, int at_key, void *arg)
{
    char **first = arg;
    (void)where;
    (void)at_key;
    if (first && !*first)
        *first = strdup(msg);
}

int wsc_si_quiet(struct wsc_si *vd, const struct json_object *s,
                 const struct json_object *v, const char *ptr, int depth, char **first)
{
    struct wsc_si sub = {vd->root, keep_first, first, 0, vd->refs, vd->steps};
    if (first)
        *first = NULL;
    wsc_si_node(&sub, s, v, ptr, depth);
    return sub.count;
}

/* ---- $ref --------------------------------------------------------------------- */

/* A reference within the schema: "#" or "#" followed by a JSON Pointer
 * ("#/$defs/Item", "#/definitions/Item"). NULL when it cannot be resolved. */
static const struct json_object *resolve_ref(const struct json_object *root,
                                             const char *ref)
{
    struct json_object *out = NULL;
    if (ref[0] != '#')
        return NULL;
    if (ref[1] == '\0')
        return root;
    if (wsc_json_pointer_find(root, ref + 1, &out) != 1)
        return NULL;
    return out;
}

static void apply_ref(struct wsc_si *vd, const struct json_object *s,
                      const struct json_object *v, const char *ptr, int depth)
{
    struct json_object *ref = wsc_si_get(s, "$ref");
    const char *name = json_object_get_string(ref);
    const struct json_object *target;
    if (!json_object_is_type(ref, json_type_string))
        return;
    if (!(target = resolve_ref(vd->root, name))) {
        wsc_si_report(vd, ptr, 0, "$ref",
                      "cannot resolve '%s' (only references within the schema are "
                      "followed)",
                      name);
        return;
    }
    for (const struct wsc_si_ref *r = vd->refs; r; r = r->up)
        if (r->target == target && r->inst == v) {
            wsc_si_report(vd, ptr, 0, "$ref", "'%s' refers back to itself (a cycle)",
                          name);
            return;
        }
    struct wsc_si_ref link = {target, v, vd->refs};
    vd->refs = &link;
    wsc_si_node(vd, target, v, ptr, depth + 1);
    vd->refs = link.up;
}

/* ---- applicators --------------------------------------------------------------- */

static void apply_all_of(struct wsc_si *vd, const struct json_object *alts,
                         const struct json_object *v, const char *ptr, int depth)
{
    for (size_t i = 0; i < json_object_array_length(alts); i++)
        wsc_si_node(vd, json_object_array_get_idx(alts, i), v, ptr, depth + 1);
}

/* anyOf and oneOf: how many alternatives match, and what the first one
 * said when none does. */
static void apply_choice(struct wsc_si *vd, const char *keyword,
                         const struct json_object *alts, const struct json_object *v,
                         const char *ptr, int depth)
{
    size_t n = json_object_array_length(alts), matched = 0, a = 0, b = 0;
    char *first = NULL;
    for (size_t i = 0; i < n; i++) {
        char *msg = NULL;
        if (wsc_si_quiet(vd, json_object_array_get_idx(alts, i), v, ptr, depth + 1,
                         first ? NULL : &msg) == 0) {
            if (matched++ == 0)
                a = i;
            else if (matched == 2)
                b = i;
        }
        if (msg && !first)
            first = msg;
        else
            free(msg);
    }
    if (matched == 0)
        wsc_si_report(vd, ptr, 0, keyword,
                      "matches none of the %zu alternatives (the first: %s)", n,
                      first ? first : "?");
    else if (matched > 1 && strcmp(keyword, "oneOf") == 0)
        wsc_si_report(vd, ptr, 0, keyword,
                      "matches %zu alternatives (#%zu and #%zu), exactly one must match",
                      matched, a + 1, b + 1);
    free(first);
}

static void apply_conditions(struct wsc_si *vd, const struct json_object *s,
                             const struct json_object *v, const char *ptr, int depth)
{
    struct json_object *sub;
    if ((sub = wsc_si_get(s, "not")) &&
        wsc_si_quiet(vd, sub, v, ptr, depth + 1, NULL) == 0)
        wsc_si_report(vd, ptr, 0, "not", "matches the schema it must not match");
    if ((sub = wsc_si_get(s, "if")) != NULL) {
        int holds = wsc_si_quiet(vd, sub, v, ptr, depth + 1, NULL) == 0;
        struct json_object *next = wsc_si_get(s, holds ? "then" : "else");
        if (next)
            wsc_si_node(vd, next, v, ptr, depth + 1);
    }
}

static void apply_applicators(struct wsc_si *vd, const struct json_object *s,
                              const struct json_object *v, const char *ptr, int depth)
{
    static const char *const choices[] = {"anyOf", "oneOf"};
    struct json_object *alts;
    apply_ref(vd, s, v, ptr, depth);
    if (json_object_is_type(alts = wsc_si_get(s, "allOf"), json_type_array))
        apply_all_of(vd, alts, v, ptr, depth);
    for (size_t i = 0; i < 2; i++)
        if (json_object_is_type(alts = wsc_si_get(s, choices[i]), json_type_array) &&
            json_object_array_length(alts) > 0)
            apply_choice(vd, choices[i], alts, v, ptr, depth);
    apply_conditions(vd, s, v, ptr, depth);
}

void wsc_si_node(struct wsc_si *vd, const struct json_object *s,
                 const struct json_object *v, const char *ptr, int depth)
{
    if (json_object_is_type(s, json_type_boolean)) {
        if (!json_object_get_boolean(s))
            wsc_si_report(vd, ptr, 0, "false", "no value is allowed here");
        return;
    }
    if (!json_object_is_type(s, json_type_object))
        return; /* not a schema: nothing to apply */
    if (++*vd->steps > WSC_SCHEMA_MAX_STEPS)
        return; /* reported once, by the entry point */
    if (depth > WSC_SCHEMA_MAX_DEPTH) {
        wsc_si_report(vd, ptr, 0, "schema", "nested deeper than %d schemas",
                      WSC_SCHEMA_MAX_DEPTH);
        return;
    }
    if (wsc_si_type_ok(vd, s, v, ptr)) {
        wsc_si_value(vd, s, v, ptr);
        if (json_object_is_type(v, json_type_array))
            wsc_si_array(vd, s, v, ptr, depth);
        else if (json_object_is_type(v, json_type_object))
            wsc_si_object(vd, s, v, ptr, depth);
    }
    apply_applicators(vd, s, v, ptr, depth);
}

/* ---- entry points ---------------------------------------------------------------- */

#define GAVE_UP                                                                \
    "gave up after applying %d schemas (the schema or the value is too large " \
    "to validate)"

/* The walk; *steps tells whether it gave up. */
static int validate(const struct json_object *schema, const struct json_object *instance,
                    wsc_schema_error_fn fn, void *arg, long *steps)
{
    struct wsc_si vd = {schema, fn, arg, 0, NULL, steps};
    wsc_si_node(&vd, schema, instance, "", 0);
    return vd.count;
}

int wsc_schema_validate_instance_each(const struct json_object *schema,
                                      const struct json_object *instance,
                                      wsc_schema_error_fn fn, void *arg)
{
    long steps = 0;
    int n = validate(schema, instance, fn, arg, &steps);
    if (steps > WSC_SCHEMA_MAX_STEPS) {
        struct wsc_si vd = {schema, fn, arg, n, NULL, &steps};
        wsc_si_report(&vd, "", 0, "schema", GAVE_UP, WSC_SCHEMA_MAX_STEPS);
        n = vd.count;
    }
    return n;
}

char *wsc_schema_validate_instance(const struct json_object *schema,
                                   const struct json_object *instance)
{
    char *first = NULL, *out = NULL;
    long steps = 0;
    int n = validate(schema, instance, keep_first, &first, &steps);
    if (steps > WSC_SCHEMA_MAX_STEPS) {
        /* what it found on the way is not the point */
        free(first);
        out = wsc_strdup_printf("(root): schema: " GAVE_UP, WSC_SCHEMA_MAX_STEPS);
        return out ? out : strdup("out of memory");
    }
    if (n == 0) {
        free(first);
        return NULL;
    }
    if (!first)
        return strdup("out of memory");
    if (n == 1)
        return first;
    if (asprintf(&out, "%s (and %d more)", first, n - 1) < 0)
        out = NULL;
    free(first);
    return out ? out : strdup("out of memory");
}
