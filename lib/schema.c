/* Params validation against the JSON Schema subset checks declare. */
#include "wscheck/schema.h"

#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "json_pointer_build.h"
#include "util.h"
#include "wscheck/plugin.h"

/* Not formatted: a list laid out by hand. */
/* clang-format off */
static const char *const keywords[] = {
    "type", "properties", "required", "enum", "default", "items",
    "additionalProperties", "minimum", "maximum", "minLength", "maxLength",
    "minItems", "maxItems", "description", "title", "examples", "$comment",
    "x-wsc-deferred", "x-wsc-expect", "oneOf", NULL};
/* clang-format on */

static struct json_object *get(const struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (!json_object_is_type(o, json_type_object))
        return NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

static int has(const struct json_object *o, const char *key)
{
    return json_object_is_type(o, json_type_object) &&
           json_object_object_get_ex(o, key, NULL);
}

int wsc_schema_flag(const struct json_object *schema, const char *keyword)
{
    struct json_object *v = get(schema, keyword);
    return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

const struct json_object *wsc_schema_member(const struct json_object *schema,
                                            const char *key)
{
    struct json_object *sub = get(get(schema, "properties"), key);
    if (sub)
        return sub;
    sub = get(schema, "additionalProperties");
    return json_object_is_type(sub, json_type_object) ? sub : NULL;
}

const struct json_object *wsc_schema_items(const struct json_object *schema)
{
    struct json_object *items = get(schema, "items");
    return json_object_is_type(items, json_type_object) ? items : NULL;
}

/* ---- types -------------------------------------------------------------------- */

/* Does the schema's "type" (absent: anything) allow type name t? */
static int type_allows(const struct json_object *schema, const char *t)
{
    struct json_object *type = get(schema, "type");
    if (!type)
        return 1;
    if (json_object_is_type(type, json_type_string))
        return strcmp(json_object_get_string(type), t) == 0;
    for (size_t i = 0; i < json_object_array_length(type); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(type, i)), t) == 0)
            return 1;
    return 0;
}

int wsc_schema_wants_text(const struct json_object *schema)
{
    return has(schema, "type") && type_allows(schema, "string") &&
           !type_allows(schema, "number") && !type_allows(schema, "integer");
}

static int value_type_ok(const struct json_object *schema, const struct json_object *v)
{
    struct json_object *type = get(schema, "type");
    if (!type)
        return 1;
    if (json_object_is_type(type, json_type_string))
        return wsc_json_has_type(v, json_object_get_string(type));
    for (size_t i = 0; i < json_object_array_length(type); i++)
        if (wsc_json_has_type(v,
                              json_object_get_string(json_object_array_get_idx(type, i))))
            return 1;
    return 0;
}

/* "integer", "integer or string", "integer, string or null". Malloc'ed. */
static char *expected_types(const struct json_object *schema)
{
    struct json_object *type = get(schema, "type");
    char *out = NULL;
    size_t n;
    if (json_object_is_type(type, json_type_string))
        return strdup(json_object_get_string(type));
    n = json_object_array_length(type);
    for (size_t i = 0; i < n; i++) {
        const char *t = json_object_get_string(json_object_array_get_idx(type, i));
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        char *next = NULL;
        if (asprintf(&next, "%s%s%s", out ? out : "", sep, t) < 0) {
            free(out);
            return NULL;
        }
        free(out);
        out = next;
    }
    return out ? out : strdup("nothing");
}

/* ---- checking a schema ------------------------------------------------------- */

static char *check_node(const struct json_object *s, const char *path);

static char *schema_error(const char *path, const char *fmt, ...) WSC_PRINTF(2, 3);

static char *schema_error(const char *path, const char *fmt, ...)
{
    char *msg, *out = NULL;
    va_list ap;
    va_start(ap, fmt);
    msg = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!msg || asprintf(&out, "schema%s: %s", path, msg) < 0)
        out = NULL;
    free(msg);
    return out ? out : strdup("out of memory");
}

static char *check_type(const struct json_object *type, const char *path)
{
    if (json_object_is_type(type, json_type_string)) {
        if (!wsc_json_is_type_name(json_object_get_string((struct json_object *)type)))
            return schema_error(path, "unknown type '%s'",
                                json_object_get_string((struct json_object *)type));
        return NULL;
    }
    if (!json_object_is_type(type, json_type_array) ||
        json_object_array_length(type) == 0)
        return schema_error(path, "'type' must be a type name or an array of them");
    for (size_t i = 0; i < json_object_array_length(type); i++) {
        struct json_object *t = json_object_array_get_idx(type, i);
        if (!json_object_is_type(t, json_type_string) ||
            !wsc_json_is_type_name(json_object_get_string(t)))
            return schema_error(path, "unknown type %s", wsc_json_text(t));
    }
    return NULL;
}

static char *check_sub(const struct json_object *sub, const char *path, const char *key)
{
    char *subpath = wsc_json_pointer_join(path, key);
    char *err;
    if (!subpath)
        return strdup("out of memory");
    err = check_node(sub, subpath);
    free(subpath);
    return err;
}

static char *check_properties(const struct json_object *s, const char *path)
{
    struct json_object *props = get(s, "properties");
    struct json_object *req = get(s, "required");
    struct json_object *addl = get(s, "additionalProperties");
    char *base = NULL, *err = NULL;

    if (props && !json_object_is_type(props, json_type_object))
        return schema_error(path, "'properties' must be an object");
    if (addl && !json_object_is_type(addl, json_type_boolean) &&
        !json_object_is_type(addl, json_type_object))
        return schema_error(path, "'additionalProperties' must be a boolean or a schema");
    if (req && !json_object_is_type(req, json_type_array))
        return schema_error(path, "'required' must be an array of names");
    for (size_t i = 0; req && i < json_object_array_length(req); i++) {
        struct json_object *name = json_object_array_get_idx(req, i);
        if (!json_object_is_type(name, json_type_string))
            return schema_error(path, "'required' must be an array of names");
        if (!addl && props && !has(props, json_object_get_string(name)))
            return schema_error(path, "required '%s' is not in 'properties'",
                                json_object_get_string(name));
    }
    if (props) {
        base = wsc_json_pointer_join(path, "properties");
        if (!base)
            return strdup("out of memory");
        json_object_object_foreach(props, key, sub) {
            if ((err = check_sub(sub, base, key)) != NULL)
                break;
        }
        free(base);
        if (err)
            return err;
    }
    if (json_object_is_type(addl, json_type_object))
        return check_sub(addl, path, "additionalProperties");
    return NULL;
}

/* oneOf is supported for exclusive alternatives of required params only:
 * "oneOf": [{"required": ["port"]}, {"required": ["ports"]}]. */
static char *check_one_of(const struct json_object *s, const char *path)
{
    struct json_object *alts = get(s, "oneOf");
    struct json_object *props = get(s, "properties");
    if (!alts)
        return NULL;
    if (!json_object_is_type(alts, json_type_array) || json_object_array_length(alts) < 2)
        return schema_error(path,
                            "'oneOf' must be an array of at least two alternatives");
    for (size_t i = 0; i < json_object_array_length(alts); i++) {
        struct json_object *alt = json_object_array_get_idx(alts, i);
        struct json_object *req = get(alt, "required");
        if (!json_object_is_type(alt, json_type_object) ||
            json_object_object_length(alt) != 1 ||
            !json_object_is_type(req, json_type_array) ||
            json_object_array_length(req) == 0)
            return schema_error(
                path, "each 'oneOf' alternative may only list 'required' names");
        for (size_t k = 0; k < json_object_array_length(req); k++) {
            struct json_object *name = json_object_array_get_idx(req, k);
            if (!json_object_is_type(name, json_type_string) ||
                (props && !has(props, json_object_get_string(name))))
                return schema_error(path, "'oneOf' names an unknown property");
        }
    }
    return NULL;
}

static char *check_limits(const struct json_object *s, const char *path)
{
    static const char *const numbers[] = {"minimum", "maximum", NULL};
    static const char *const counts[] = {"minLength", "maxLength", "minItems", "maxItems",
                                         NULL};
    static const char *const flags[] = {"x-wsc-deferred", "x-wsc-expect", NULL};
    for (size_t i = 0; numbers[i]; i++) {
        struct json_object *v = get(s, numbers[i]);
        if (v && !json_object_is_type(v, json_type_int) &&
            !json_object_is_type(v, json_type_double))
            return schema_error(path, "'%s' must be a number", numbers[i]);
    }
    for (size_t i = 0; counts[i]; i++) {
        struct json_object *v = get(s, counts[i]);
        if (v && (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0))
            return schema_error(path, "'%s' must be an integer >= 0", counts[i]);
    }
    for (size_t i = 0; flags[i]; i++) {
        struct json_object *v = get(s, flags[i]);
        if (v && !json_object_is_type(v, json_type_boolean))
            return schema_error(path, "'%s' must be a boolean", flags[i]);
    }
    return NULL;
}

static char *check_default(const struct json_object *s, const char *path)
{
    struct json_object *def;
    char *msg, *where = NULL, *err;
    if (!json_object_object_get_ex(s, "default", &def))
        return NULL;
    msg = wsc_schema_validate(s, def, 0, &where);
    if (!msg) {
        free(where);
        return NULL;
    }
    err = schema_error(path, "the default does not fit the schema (%s)", msg);
    free(msg);
    free(where);
    return err;
}

static char *check_node(const struct json_object *s, const char *path)
{
    struct json_object *v;
    char *err;

    if (!json_object_is_type(s, json_type_object))
        return schema_error(path, "a schema must be an object");
    json_object_object_foreach((struct json_object *)s, key, val) {
        (void)val;
        if (!wsc_str_in_list(keywords, key))
            return schema_error(path, "unsupported keyword '%s'", key);
    }
    if ((v = get(s, "type")) && (err = check_type(v, path)))
        return err;
    if ((v = get(s, "enum")) && !json_object_is_type(v, json_type_array))
        return schema_error(path, "'enum' must be an array");
    if ((v = get(s, "items")) && (err = check_sub(v, path, "items")))
        return err;
    if ((err = check_properties(s, path)) || (err = check_limits(s, path)) ||
        (err = check_one_of(s, path)))
        return err;
    return check_default(s, path);
}

char *wsc_schema_check(const struct json_object *schema)
{
    return check_node(schema, "");
}

/* ---- validating a value --------------------------------------------------------- */

struct validation {
    wsc_schema_error_fn fn;
    void *arg;
    int count;
};

/* The dotted path ("params.headers.x", "params.ports[2]") and the JSON
 * pointer ("/headers/x") of the value being checked. */
struct place {
    const char *name;
    const char *pointer;
    int depth;
};

static void report(struct validation *vd, const struct place *pl, int at_key,
                   const char *where, const char *fmt, ...) WSC_PRINTF(5, 6);

static void report(struct validation *vd, const struct place *pl, int at_key,
                   const char *where, const char *fmt, ...)
{
    char *msg, *full = NULL;
    va_list ap;
    va_start(ap, fmt);
    msg = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!msg || asprintf(&full, "%s: %s", pl->name, msg) < 0)
        full = NULL;
    free(msg);
    vd->count++;
    vd->fn(full ? full : "out of memory", where ? where : pl->pointer, at_key, vd->arg);
    free(full);
}

static void validate_node(struct validation *vd, const struct json_object *s,
                          const struct json_object *v, int lenient,
                          const struct place *pl);

static int child_place(struct place *child, const struct place *parent, const char *key,
                       size_t index)
{
    char *name = NULL, *pointer;
    int rc;
    if (key) {
        rc = asprintf(&name, "%s.%s", parent->name, key);
        pointer = wsc_json_pointer_join(parent->pointer, key);
    } else {
        rc = asprintf(&name, "%s[%zu]", parent->name, index);
        pointer = wsc_json_pointer_index(parent->pointer, index);
    }
    if (rc < 0 || !pointer) {
        if (rc >= 0)
            free(name);
        free(pointer);
        return -1;
    }
    child->name = name;
    child->pointer = pointer;
    child->depth = parent->depth + 1;
    return 0;
}

static void free_place(struct place *pl)
{
    free((char *)pl->name);
    free((char *)pl->pointer);
}

static void validate_child(struct validation *vd, const struct json_object *s,
                           const struct json_object *v, int lenient,
                           const struct place *pl, const char *key, size_t index)
{
    struct place child;
    if (child_place(&child, pl, key, index) < 0) {
        report(vd, pl, 0, NULL, "out of memory");
        return;
    }
    validate_node(vd, s, v, lenient, &child);
    free_place(&child);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* What to say about an unknown member `word`: "did you mean 'port'?" when
 * a name in properties is close, else "known: host, port, ports" (sorted).
 * Malloc'ed; NULL when out of memory. */
static char *known_hint(const struct json_object *props, const char *word)
{
    size_t n = props ? (size_t)json_object_object_length(props) : 0, i = 0;
    const char **names;
    const char *near;
    struct wsc_buf b = {0};
    if (n == 0)
        return strdup("known: none");
    if (!(names = calloc(n + 1, sizeof *names)))
        return NULL;
    json_object_object_foreach((struct json_object *)props, key, val) {
        (void)val;
        names[i++] = key;
    }
    qsort(names, n, sizeof *names, cmp_str);
    if ((near = wsc_did_you_mean(word, names)) != NULL) {
        wsc_buf_printf(&b, "did you mean '%s'?", near);
    } else {
        wsc_buf_puts(&b, "known: ");
        for (i = 0; i < n; i++)
            wsc_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    }
    free(names);
    return wsc_buf_take(&b);
}

/* "'a' or 'b'" / "'a' and 'b'": the names of every oneOf alternative. */
static char *one_of_names(const struct json_object *alts, const char *joiner)
{
    struct wsc_buf b = {0};
    for (size_t i = 0; i < json_object_array_length(alts); i++) {
        struct json_object *req = get(json_object_array_get_idx(alts, i), "required");
        if (i)
            wsc_buf_printf(&b, " %s ", joiner);
        for (size_t k = 0; k < json_object_array_length(req); k++)
            wsc_buf_printf(&b, "%s'%s'", k ? "+" : "",
                           json_object_get_string(json_object_array_get_idx(req, k)));
    }
    return wsc_buf_take(&b);
}

static int alternative_present(const struct json_object *alt, const struct json_object *v)
{
    struct json_object *req = get(alt, "required");
    for (size_t k = 0; k < json_object_array_length(req); k++)
        if (!has(v, json_object_get_string(json_object_array_get_idx(req, k))))
            return 0;
    return 1;
}

static void validate_one_of(struct validation *vd, const struct json_object *s,
                            const struct json_object *v, const struct place *pl)
{
    struct json_object *alts = get(s, "oneOf");
    size_t present = 0;
    for (size_t i = 0; alts && i < json_object_array_length(alts); i++)
        present += (size_t)alternative_present(json_object_array_get_idx(alts, i), v);
    if (!alts || present == 1)
        return;
    char *names = one_of_names(alts, present ? "and" : "or");
    if (present == 0)
        report(vd, pl, 0, NULL, "needs %s", names ? names : "one of its alternatives");
    else
        report(vd, pl, 0, NULL, "%s cannot be used together",
               names ? names : "alternatives");
    free(names);
}

static void validate_object(struct validation *vd, const struct json_object *s,
                            const struct json_object *v, int lenient,
                            const struct place *pl)
{
    struct json_object *props = get(s, "properties");
    struct json_object *addl = get(s, "additionalProperties");
    struct json_object *req = get(s, "required");
    int extras_ok = addl ? !json_object_is_type(addl, json_type_boolean) ||
                               json_object_get_boolean(addl)
                         : props == NULL;
    const char *what = pl->depth == 0 ? "param" : "key";

    json_object_object_foreach((struct json_object *)v, key, val) {
        const struct json_object *sub = wsc_schema_member(s, key);
        if (sub) {
            validate_child(vd, sub, val, lenient, pl, key, 0);
        } else if (!extras_ok) {
            char *known = known_hint(props, key);
            char *where = wsc_json_pointer_join(pl->pointer, key);
            report(vd, pl, 1, where, "unknown %s '%s' (%s)", what, key,
                   known ? known : "?");
            free(known);
            free(where);
        }
    }
    for (size_t i = 0; req && i < json_object_array_length(req); i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(req, i));
        if (name && !has(v, name))
            report(vd, pl, 0, NULL, "missing required %s '%s'", what, name);
    }
    validate_one_of(vd, s, v, pl);
}

static void validate_array(struct validation *vd, const struct json_object *s,
                           const struct json_object *v, int lenient,
                           const struct place *pl)
{
    const struct json_object *items = wsc_schema_items(s);
    size_t n = json_object_array_length(v);
    struct json_object *lim;
    if ((lim = get(s, "minItems")) && (int64_t)n < json_object_get_int64(lim))
        report(vd, pl, 0, NULL, "expected at least %lld items, got %zu",
               (long long)json_object_get_int64(lim), n);
    if ((lim = get(s, "maxItems")) && (int64_t)n > json_object_get_int64(lim))
        report(vd, pl, 0, NULL, "expected at most %lld items, got %zu",
               (long long)json_object_get_int64(lim), n);
    for (size_t i = 0; items && i < n; i++)
        validate_child(vd, items, json_object_array_get_idx(v, i), lenient, pl, NULL, i);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void validate_scalar(struct validation *vd, const struct json_object *s,
                            const struct json_object *v, const struct place *pl)
{
    struct json_object *lim;
    if (json_object_is_type(v, json_type_int) ||
        json_object_is_type(v, json_type_double)) {
        double d = json_object_get_double(v);
        if ((lim = get(s, "minimum")) && d < json_object_get_double(lim))
            report(vd, pl, 0, NULL, "%s is less than the minimum %s", wsc_json_text(v),
                   wsc_json_text(lim));
        if ((lim = get(s, "maximum")) && d > json_object_get_double(lim))
            report(vd, pl, 0, NULL, "%s is greater than the maximum %s", wsc_json_text(v),
                   wsc_json_text(lim));
    } else if (json_object_is_type(v, json_type_string)) {
        size_t n = utf8_chars(json_object_get_string((struct json_object *)v));
        if ((lim = get(s, "minLength")) && (int64_t)n < json_object_get_int64(lim))
            report(vd, pl, 0, NULL, "expected at least %lld characters, got %zu",
                   (long long)json_object_get_int64(lim), n);
        if ((lim = get(s, "maxLength")) && (int64_t)n > json_object_get_int64(lim))
            report(vd, pl, 0, NULL, "expected at most %lld characters, got %zu",
                   (long long)json_object_get_int64(lim), n);
    }
}

static int in_enum(const struct json_object *en, const struct json_object *v)
{
    for (size_t i = 0; i < json_object_array_length(en); i++)
        if (json_object_equal(json_object_array_get_idx(en, i), (struct json_object *)v))
            return 1;
    return 0;
}

static void report_enum(struct validation *vd, const struct json_object *en,
                        const struct json_object *v, const struct place *pl)
{
    char *list = NULL;
    for (size_t i = 0; i < json_object_array_length(en); i++) {
        char *next = NULL;
        if (asprintf(&next, "%s%s%s", list ? list : "", i ? ", " : "",
                     wsc_json_text(json_object_array_get_idx(en, i))) < 0) {
            free(list);
            report(vd, pl, 0, NULL, "out of memory");
            return;
        }
        free(list);
        list = next;
    }
    report(vd, pl, 0, NULL, "expected one of %s, got %s", list ? list : "",
           wsc_json_text(v));
    free(list);
}

static void validate_node(struct validation *vd, const struct json_object *s,
                          const struct json_object *v, int lenient,
                          const struct place *pl)
{
    struct json_object *en = get(s, "enum");
    if (wsc_schema_flag(s, "x-wsc-deferred"))
        lenient = 1;
    if (lenient && json_object_is_type(v, json_type_string) &&
        strstr(json_object_get_string((struct json_object *)v), "${"))
        return; /* its value is only known at run time */
    if (!value_type_ok(s, v)) {
        char *want = expected_types(s);
        report(vd, pl, 0, NULL, "expected %s, got %s", want ? want : "?",
               wsc_json_type_name(v));
        free(want);
        return;
    }
    if (en && !in_enum(en, v)) {
        report_enum(vd, en, v, pl);
        return;
    }
    if (json_object_is_type(v, json_type_object))
        validate_object(vd, s, v, lenient, pl);
    else if (json_object_is_type(v, json_type_array))
        validate_array(vd, s, v, lenient, pl);
    else
        validate_scalar(vd, s, v, pl);
}

int wsc_schema_validate_each(const struct json_object *schema,
                             const struct json_object *value, int lenient_vars,
                             wsc_schema_error_fn fn, void *arg)
{
    struct validation vd = {fn, arg, 0};
    struct place root = {"params", "", 0};
    validate_node(&vd, schema, value, lenient_vars, &root);
    return vd.count;
}

struct first_error {
    char *msg;
    char *where;
};

static void keep_first(const char *msg, const char *where, int at_key, void *arg)
{
    struct first_error *fe = arg;
    (void)at_key;
    if (fe->msg)
        return;
    fe->msg = strdup(msg);
    fe->where = strdup(where ? where : "");
}

char *wsc_schema_validate(const struct json_object *schema,
                          const struct json_object *value, int lenient_vars, char **where)
{
    struct first_error fe = {NULL, NULL};
    int n = wsc_schema_validate_each(schema, value, lenient_vars, keep_first, &fe);
    if (n > 0 && !fe.msg)
        fe.msg = strdup("out of memory");
    if (where)
        *where = fe.where;
    else
        free(fe.where);
    return fe.msg;
}

/* ---- defaults ---------------------------------------------------------------------- */

static int fill_defaults(const struct json_object *s, struct json_object *v);

static int fill_object(const struct json_object *s, struct json_object *v)
{
    struct json_object *props = get(s, "properties");
    if (props) {
        json_object_object_foreach(props, key, sub) {
            struct json_object *member = NULL, *def = NULL, *copy = NULL;
            if (json_object_object_get_ex(v, key, &member)) {
                if (fill_defaults(sub, member) < 0)
                    return -1;
            } else if (json_object_object_get_ex(sub, "default", &def)) {
                if (def && json_object_deep_copy(def, &copy, NULL) != 0)
                    return -1;
                if (json_object_object_add(v, key, copy) != 0) {
                    json_object_put(copy);
                    return -1;
                }
            }
        }
    }
    struct json_object *addl = get(s, "additionalProperties");
    if (json_object_is_type(addl, json_type_object)) {
        json_object_object_foreach(v, key, member) {
            if (!has(props, key) && fill_defaults(addl, member) < 0)
                return -1;
        }
    }
    return 0;
}

static int fill_defaults(const struct json_object *s, struct json_object *v)
{
    if (json_object_is_type(v, json_type_object))
        return fill_object(s, v);
    if (json_object_is_type(v, json_type_array)) {
        const struct json_object *items = wsc_schema_items(s);
        for (size_t i = 0; items && i < json_object_array_length(v); i++)
            if (fill_defaults(items, json_object_array_get_idx(v, i)) < 0)
                return -1;
    }
    return 0;
}

struct json_object *wsc_schema_apply_defaults(const struct json_object *schema,
                                              const struct json_object *value)
{
    struct json_object *copy = NULL;
    const struct json_object *src = value ? value : get(schema, "default");
    if (!src)
        return NULL;
    if (json_object_deep_copy((struct json_object *)src, &copy, NULL) != 0)
        return NULL;
    if (fill_defaults(schema, copy) < 0) {
        json_object_put(copy);
        return NULL;
    }
    return copy;
}

/* ---- deferred params ----------------------------------------------------------------- */

/* Decodes the next segment of a JSON pointer into seg; returns the rest. */
static const char *next_segment(const char *p, char *seg, size_t cap)
{
    size_t n = 0;
    p++; /* the '/' */
    while (*p && *p != '/') {
        char c = *p++;
        if (c == '~' && (*p == '0' || *p == '1'))
            c = *p++ == '0' ? '~' : '/';
        if (n + 1 < cap)
            seg[n++] = c;
    }
    seg[n] = '\0';
    return p;
}

int wsc_schema_is_deferred(const struct json_object *schema, const char *prop)
{
    const struct json_object *s = schema;
    const char *p = prop ? prop : "";
    char seg[256];
    if (*p && *p != '/') {
        /* A bare member name: one top-level param. */
        s = wsc_schema_flag(s, "x-wsc-deferred") ? s : wsc_schema_member(s, p);
        return wsc_schema_flag(s, "x-wsc-deferred");
    }
    while (s) {
        if (wsc_schema_flag(s, "x-wsc-deferred"))
            return 1;
        if (*p != '/')
            return 0;
        p = next_segment(p, seg, sizeof seg);
        const struct json_object *member = wsc_schema_member(s, seg);
        s = member ? member : wsc_schema_items(s);
    }
    return 0;
}
