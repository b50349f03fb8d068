/* Instance validation: the assertions, by the type of the member checked. */
#include "schema_internal.h"

#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "util.h"

/* ---- type, enum, const ------------------------------------------------------- */

static int is_number(const struct json_object *v)
{
    return json_object_is_type(v, json_type_int) ||
           json_object_is_type(v, json_type_double);
}

/* An integer-valued number is an "integer" (1.0 is one, as JSON Schema says). */
static int has_type(const struct json_object *v, const char *name)
{
    if (strcmp(name, "integer") == 0 && json_object_is_type(v, json_type_double)) {
        double d = json_object_get_double(v);
        return isfinite(d) && d == floor(d);
    }
    return wsc_json_has_type(v, name);
}

int wsc_si_type_ok(struct wsc_si *vd, const struct json_object *s,
                   const struct json_object *v, const char *ptr)
{
    struct json_object *type = wsc_si_get(s, "type");
    if (json_object_is_type(type, json_type_string)) {
        if (has_type(v, json_object_get_string(type)))
            return 1;
    } else if (json_object_is_type(type, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(type); i++) {
            struct json_object *t = json_object_array_get_idx(type, i);
            if (json_object_is_type(t, json_type_string) &&
                has_type(v, json_object_get_string(t)))
                return 1;
        }
    } else {
        return 1;
    }
    wsc_si_report(vd, ptr, 0, "type", "expected %s, got %s", wsc_json_text(type),
                  wsc_json_type_name(v));
    return 0;
}

int wsc_si_equal(const struct json_object *a, const struct json_object *b)
{
    if (is_number(a) && is_number(b))
        return json_object_get_double(a) == json_object_get_double(b);
    if (json_object_get_type(a) != json_object_get_type(b))
        return 0;
    if (json_object_is_type(a, json_type_array)) {
        size_t n = json_object_array_length(a);
        if (n != json_object_array_length(b))
            return 0;
        for (size_t i = 0; i < n; i++)
            if (!wsc_si_equal(json_object_array_get_idx(a, i),
                              json_object_array_get_idx(b, i)))
                return 0;
        return 1;
    }
    if (json_object_is_type(a, json_type_object)) {
        if (json_object_object_length(a) != json_object_object_length(b))
            return 0;
        json_object_object_foreach((struct json_object *)a, key, val) {
            struct json_object *other = NULL;
            if (!json_object_object_get_ex(b, key, &other) || !wsc_si_equal(val, other))
                return 0;
        }
        return 1;
    }
    return json_object_equal((struct json_object *)a, (struct json_object *)b);
}

static void check_enum(struct wsc_si *vd, const struct json_object *s,
                       const struct json_object *v, const char *ptr)
{
    struct json_object *en = wsc_si_get(s, "enum"), *c = NULL;
    if (json_object_is_type(en, json_type_array)) {
        size_t n = json_object_array_length(en), i = 0;
        while (i < n && !wsc_si_equal(json_object_array_get_idx(en, i), v))
            i++;
        if (i == n) {
            struct wsc_buf b = {0};
            for (i = 0; i < n; i++)
                wsc_buf_printf(&b, "%s%s", i ? ", " : "",
                               wsc_json_text(json_object_array_get_idx(en, i)));
            char *list = wsc_buf_take(&b);
            wsc_si_report(vd, ptr, 0, "enum", "expected one of %s, got %s",
                          list ? list : "?", wsc_json_text(v));
            free(list);
        }
    }
    if (json_object_object_get_ex(s, "const", &c) && !wsc_si_equal(c, v))
        wsc_si_report(vd, ptr, 0, "const", "expected %s, got %s", wsc_json_text(c),
                      wsc_json_text(v));
}

/* ---- numbers ------------------------------------------------------------------- */

static void check_bound(struct wsc_si *vd, const struct json_object *s,
                        const struct json_object *v, const char *ptr, const char *keyword,
                        int upper, int exclusive)
{
    struct json_object *lim = wsc_si_get(s, keyword);
    if (!is_number(lim))
        return;
    double d = json_object_get_double(v), l = json_object_get_double(lim);
    int bad = upper ? (exclusive ? d >= l : d > l) : (exclusive ? d <= l : d < l);
    if (bad)
        wsc_si_report(vd, ptr, 0, keyword, "%s is %s %s", wsc_json_text(v),
                      upper ? (exclusive ? "not less than" : "greater than")
                            : (exclusive ? "not greater than" : "less than"),
                      wsc_json_text(lim));
}

/* Draft-04 spells exclusiveness as a boolean beside minimum/maximum. */
static int legacy_exclusive(const struct json_object *s, const char *keyword)
{
    struct json_object *b = wsc_si_get(s, keyword);
    return json_object_is_type(b, json_type_boolean) && json_object_get_boolean(b);
}

static void check_number(struct wsc_si *vd, const struct json_object *s,
                         const struct json_object *v, const char *ptr)
{
    struct json_object *m = wsc_si_get(s, "multipleOf");
    check_bound(vd, s, v, ptr, "minimum", 0, legacy_exclusive(s, "exclusiveMinimum"));
    check_bound(vd, s, v, ptr, "maximum", 1, legacy_exclusive(s, "exclusiveMaximum"));
    check_bound(vd, s, v, ptr, "exclusiveMinimum", 0, 1);
    check_bound(vd, s, v, ptr, "exclusiveMaximum", 1, 1);
    if (is_number(m) && json_object_get_double(m) > 0) {
        double q = json_object_get_double(v) / json_object_get_double(m);
        /* a tolerance for binary fractions: 0.3 is a multiple of 0.1 */
        if (!isfinite(q) || fabs(q - nearbyint(q)) > 1e-9 * fmax(1.0, fabs(q)))
            wsc_si_report(vd, ptr, 0, "multipleOf", "%s is not a multiple of %s",
                          wsc_json_text(v), wsc_json_text(m));
    }
}

/* ---- strings ------------------------------------------------------------------- */

/* ECMA-262 class escapes in POSIX spelling, inside and outside brackets. */
static const char *class_escape(char c, int in_bracket)
{
    switch (c) {
    case 'd':
        return in_bracket ? "0-9" : "[0-9]";
    case 'w':
        return in_bracket ? "A-Za-z0-9_" : "[A-Za-z0-9_]";
    case 's':
        return in_bracket ? "[:space:]" : "[[:space:]]";
    case 'D':
        return in_bracket ? NULL : "[^0-9]";
    case 'W':
        return in_bracket ? NULL : "[^A-Za-z0-9_]";
    case 'S':
        return in_bracket ? NULL : "[^[:space:]]";
    default:
        return NULL;
    }
}

/* The pattern in POSIX extended syntax; NULL when it uses what cannot be
 * translated (a negated class escape inside brackets) or out of memory. */
static char *posix_pattern(const char *p)
{
    struct wsc_buf b = {0};
    int in_bracket = 0;
    for (; *p; p++) {
        const char *esc;
        if (*p == '\\' && p[1] && (esc = class_escape(p[1], in_bracket)) != NULL) {
            wsc_buf_puts(&b, esc);
            p++;
        } else if (*p == '\\' && in_bracket && strchr("DWS", p[1] ? p[1] : 'x')) {
            wsc_buf_free(&b);
            return NULL;
        } else if (*p == '\\' && p[1]) {
            wsc_buf_append(&b, p, 2);
            p++;
        } else {
            if (*p == '[' && !in_bracket)
                in_bracket = 1;
            else if (*p == ']' && in_bracket)
                in_bracket = 0;
            wsc_buf_append(&b, p, 1);
        }
    }
    return wsc_buf_take(&b);
}

int wsc_si_pattern_match(const char *pattern, const char *text)
{
    regex_t re;
    char *posix = posix_pattern(pattern);
    int rc;
    if (!posix)
        return -1;
    rc = regcomp(&re, posix, REG_EXTENDED | REG_NOSUB);
    free(posix);
    if (rc != 0)
        return -1;
    rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    return rc == 0;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void check_count(struct wsc_si *vd, const struct json_object *s, const char *ptr,
                        const char *keyword, size_t n, const char *unit)
{
    struct json_object *lim = wsc_si_get(s, keyword);
    int upper = strncmp(keyword, "max", 3) == 0;
    if (!json_object_is_type(lim, json_type_int))
        return;
    int64_t l = json_object_get_int64(lim);
    if (upper ? (int64_t)n > l : (int64_t)n < l)
        wsc_si_report(vd, ptr, 0, keyword, "expected at %s %lld %s, got %zu",
                      upper ? "most" : "least", (long long)l, unit, n);
}

static void check_string(struct wsc_si *vd, const struct json_object *s,
                         const struct json_object *v, const char *ptr)
{
    const char *text = json_object_get_string((struct json_object *)v);
    struct json_object *pat = wsc_si_get(s, "pattern");
    size_t n = utf8_chars(text);
    check_count(vd, s, ptr, "minLength", n, "characters");
    check_count(vd, s, ptr, "maxLength", n, "characters");
    if (json_object_is_type(pat, json_type_string) &&
        wsc_si_pattern_match(json_object_get_string(pat), text) == 0)
        wsc_si_report(vd, ptr, 0, "pattern", "%s does not match %s", wsc_json_text(v),
                      wsc_json_text(pat));
}

void wsc_si_value(struct wsc_si *vd, const struct json_object *s,
                  const struct json_object *v, const char *ptr)
{
    check_enum(vd, s, v, ptr);
    if (is_number(v))
        check_number(vd, s, v, ptr);
    else if (json_object_is_type(v, json_type_string))
        check_string(vd, s, v, ptr);
}

/* ---- arrays -------------------------------------------------------------------- */

static void check_unique(struct wsc_si *vd, const struct json_object *v, const char *ptr)
{
    size_t n = json_object_array_length(v);
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (wsc_si_equal(json_object_array_get_idx(v, i),
                             json_object_array_get_idx(v, k))) {
                wsc_si_report(vd, ptr, 0, "uniqueItems", "items %zu and %zu are equal", i,
                              k);
                return;
            }
}

static void check_contains(struct wsc_si *vd, const struct json_object *s,
                           const struct json_object *v, const char *ptr, int depth)
{
    struct json_object *c = wsc_si_get(s, "contains");
    struct json_object *lo = wsc_si_get(s, "minContains"),
                       *hi = wsc_si_get(s, "maxContains");
    size_t n = json_object_array_length(v), hits = 0;
    if (!c)
        return;
    for (size_t i = 0; i < n; i++)
        hits += wsc_si_quiet(vd, c, json_object_array_get_idx(v, i), ptr, depth + 1,
                             NULL) == 0;
    int64_t min = json_object_is_type(lo, json_type_int) ? json_object_get_int64(lo) : 1;
    if ((int64_t)hits < min)
        wsc_si_report(vd, ptr, 0, "contains",
                      "%zu items match its schema, at least %lld must", hits,
                      (long long)min);
    if (json_object_is_type(hi, json_type_int) &&
        (int64_t)hits > json_object_get_int64(hi))
        wsc_si_report(vd, ptr, 0, "maxContains",
                      "%zu items match the contains schema, at most %lld may", hits,
                      (long long)json_object_get_int64(hi));
}

void wsc_si_array(struct wsc_si *vd, const struct json_object *s,
                  const struct json_object *v, const char *ptr, int depth)
{
    struct json_object *prefix = wsc_si_get(s, "prefixItems");
    struct json_object *items = wsc_si_get(s, "items");
    struct json_object *rest = items;
    size_t n = json_object_array_length(v), np = 0;
    check_count(vd, s, ptr, "minItems", n, "items");
    check_count(vd, s, ptr, "maxItems", n, "items");
    if (json_object_is_type(items, json_type_array)) {
        /* draft-07 tuple: "items" positional, "additionalItems" the rest */
        prefix = items;
        rest = wsc_si_get(s, "additionalItems");
    }
    if (json_object_is_type(prefix, json_type_array))
        np = json_object_array_length(prefix);
    for (size_t i = 0; i < n; i++) {
        const struct json_object *sub =
            i < np ? json_object_array_get_idx(prefix, i) : rest;
        if (sub)
            wsc_si_child(vd, sub, json_object_array_get_idx(v, i), ptr, NULL, i, depth);
    }
    if (json_object_get_boolean(wsc_si_get(s, "uniqueItems")))
        check_unique(vd, v, ptr);
    check_contains(vd, s, v, ptr, depth);
}

/* ---- objects ------------------------------------------------------------------- */

/* Applies the patternProperties whose pattern matches key; how many did. */
static int apply_patterns(struct wsc_si *vd, const struct json_object *s, const char *key,
                          const struct json_object *val, const char *ptr, int depth)
{
    struct json_object *pats = wsc_si_get(s, "patternProperties");
    int matched = 0;
    if (!json_object_is_type(pats, json_type_object))
        return 0;
    json_object_object_foreach(pats, pat, sub) {
        if (wsc_si_pattern_match(pat, key) == 1) {
            matched++;
            wsc_si_child(vd, sub, val, ptr, key, 0, depth);
        }
    }
    return matched;
}

static void check_member(struct wsc_si *vd, const struct json_object *s, const char *key,
                         const struct json_object *val, const char *ptr, int depth)
{
    struct json_object *sub = wsc_si_get(wsc_si_get(s, "properties"), key);
    struct json_object *addl = wsc_si_get(s, "additionalProperties");
    struct json_object *names = wsc_si_get(s, "propertyNames");
    int known = sub != NULL;
    if (sub)
        wsc_si_child(vd, sub, val, ptr, key, 0, depth);
    known += apply_patterns(vd, s, key, val, ptr, depth);
    if (!known && json_object_is_type(addl, json_type_boolean) &&
        !json_object_get_boolean(addl)) {
        wsc_si_report(vd, ptr, 1, "additionalProperties", "member '%s' is not allowed",
                      key);
    } else if (!known && addl) {
        wsc_si_child(vd, addl, val, ptr, key, 0, depth);
    }
    if (names) {
        struct json_object *name = json_object_new_string(key);
        char *why = NULL;
        if (name && wsc_si_quiet(vd, names, name, ptr, depth + 1, &why) > 0)
            wsc_si_report(vd, ptr, 1, "propertyNames", "name '%s' does not fit (%s)", key,
                          why ? why : "?");
        free(why);
        json_object_put(name);
    }
}

static void check_required(struct wsc_si *vd, const struct json_object *req,
                           const struct json_object *v, const char *ptr,
                           const char *keyword)
{
    for (size_t i = 0; i < json_object_array_length(req); i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(req, i));
        if (name && !json_object_object_get_ex(v, name, NULL))
            wsc_si_report(vd, ptr, 0, keyword, "member '%s' is missing", name);
    }
}

void wsc_si_object(struct wsc_si *vd, const struct json_object *s,
                   const struct json_object *v, const char *ptr, int depth)
{
    struct json_object *req = wsc_si_get(s, "required");
    struct json_object *dep = wsc_si_get(s, "dependentRequired");
    size_t n = (size_t)json_object_object_length(v);
    check_count(vd, s, ptr, "minProperties", n, "members");
    check_count(vd, s, ptr, "maxProperties", n, "members");
    if (json_object_is_type(req, json_type_array))
        check_required(vd, req, v, ptr, "required");
    if (json_object_is_type(dep, json_type_object)) {
        json_object_object_foreach(dep, key, names) {
            if (json_object_object_get_ex(v, key, NULL) &&
                json_object_is_type(names, json_type_array))
                check_required(vd, names, v, ptr, "dependentRequired");
        }
    }
    json_object_object_foreach((struct json_object *)v, key, val)
        check_member(vd, s, key, val, ptr, depth);
}
