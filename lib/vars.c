/* Scenario variables and their expansion in JSON templates. */
#include "vars.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>

#include "json_pointer_build.h"
#include "util.h"
#include "wscheck/plugin.h"

/* ${env:A:-${env:B:-${c}}} nests; this bounds the recursion. */
#define MAX_DEFAULT_DEPTH 16
#define N_LAYERS 3

struct wsc_vars {
    struct json_object *layer[N_LAYERS]; /* name -> value, per layer */
    struct json_object *unknown;         /* names known only at run time */
    struct json_object *secret;          /* names whose values are secrets */
};

/* ---- the store -------------------------------------------------------------- */

struct wsc_vars *wsc_vars_new(void)
{
    struct wsc_vars *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    for (int i = 0; i < N_LAYERS; i++) {
        v->layer[i] = json_object_new_object();
        if (!v->layer[i]) {
            wsc_vars_free(v);
            return NULL;
        }
    }
    v->unknown = json_object_new_object();
    v->secret = json_object_new_object();
    if (!v->unknown || !v->secret) {
        wsc_vars_free(v);
        return NULL;
    }
    return v;
}

void wsc_vars_free(struct wsc_vars *v)
{
    if (!v)
        return;
    for (int i = 0; i < N_LAYERS; i++)
        json_object_put(v->layer[i]);
    json_object_put(v->unknown);
    json_object_put(v->secret);
    free(v);
}

static struct json_object *deep_copy(const struct json_object *src, int *ok)
{
    struct json_object *dst = NULL;
    *ok = 1;
    if (!src)
        return NULL;
    if (json_object_deep_copy((struct json_object *)src, &dst, NULL) != 0) {
        *ok = 0;
        return NULL;
    }
    return dst;
}

struct wsc_vars *wsc_vars_copy(const struct wsc_vars *v)
{
    int ok;
    struct wsc_vars *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    for (int i = 0; i < N_LAYERS; i++) {
        c->layer[i] = deep_copy(v->layer[i], &ok);
        if (!ok) {
            wsc_vars_free(c);
            return NULL;
        }
    }
    c->unknown = deep_copy(v->unknown, &ok);
    if (ok)
        c->secret = deep_copy(v->secret, &ok);
    if (!ok) {
        wsc_vars_free(c);
        return NULL;
    }
    return c;
}

int wsc_vars_mark_secret(struct wsc_vars *v, const char *name)
{
    if (!v || !name)
        return -1;
    if (json_object_object_get_ex(v->secret, name, NULL))
        return 0;
    return json_object_object_add(v->secret, name, NULL) == 0 ? 0 : -1;
}

int wsc_vars_is_secret(const struct wsc_vars *v, const char *name)
{
    return v && name && json_object_object_get_ex(v->secret, name, NULL);
}

const struct json_object *wsc_vars_secret_names(const struct wsc_vars *v)
{
    return v ? v->secret : NULL;
}

/* The one rule for the names of file vars, --var and captures (the
 * ws-basic conversation's step captures too): what ${name} can reference. */
int wsc_var_name_valid(const char *name)
{
    if (!name || !(isalpha((unsigned char)*name) || *name == '_'))
        return 0;
    for (const char *p = name + 1; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

static int valid_env_name(const char *name)
{
    if (!name || !(isalpha((unsigned char)*name) || *name == '_'))
        return 0;
    for (const char *p = name + 1; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 0;
    return 1;
}

int wsc_vars_set(struct wsc_vars *v, enum wsc_var_layer layer, const char *name,
                 struct json_object *value)
{
    if (!v || !name || (int)layer < 0 || (int)layer >= N_LAYERS) {
        json_object_put(value);
        return -1;
    }
    if (json_object_object_add(v->layer[layer], name, value) != 0) {
        json_object_put(value);
        return -1;
    }
    return 0;
}

int wsc_vars_set_unknown(struct wsc_vars *v, const char *name)
{
    if (!v || !name)
        return -1;
    return json_object_object_add(v->unknown, name, NULL) == 0 ? 0 : -1;
}

/* Finds a name: the layer holding it (or -1) and whether it is unknown. */
static enum wsc_var_state lookup(const struct wsc_vars *v, const char *name,
                                 struct json_object **value, int *layer)
{
    struct json_object *val = NULL;
    *value = NULL;
    *layer = -1;
    if (!v || !name)
        return WSC_VAR_UNDEFINED;
    if (json_object_object_get_ex(v->layer[WSC_VARS_CLI], name, &val)) {
        *value = val;
        *layer = WSC_VARS_CLI;
        return WSC_VAR_KNOWN;
    }
    if (json_object_object_get_ex(v->layer[WSC_VARS_CAPTURE], name, &val)) {
        *value = val;
        *layer = WSC_VARS_CAPTURE;
        return WSC_VAR_KNOWN;
    }
    if (json_object_object_get_ex(v->unknown, name, NULL))
        return WSC_VAR_UNKNOWN;
    if (json_object_object_get_ex(v->layer[WSC_VARS_FILE], name, &val)) {
        *value = val;
        *layer = WSC_VARS_FILE;
        return WSC_VAR_KNOWN;
    }
    return WSC_VAR_UNDEFINED;
}

struct json_object *wsc_vars_get(const struct wsc_vars *v, const char *name)
{
    struct json_object *value;
    int layer;
    lookup(v, name, &value, &layer);
    return value;
}

enum wsc_var_state wsc_vars_state(const struct wsc_vars *v, const char *name)
{
    struct json_object *value;
    int layer;
    return lookup(v, name, &value, &layer);
}

int wsc_vars_layer(const struct wsc_vars *v, const char *name)
{
    struct json_object *value;
    int layer;
    lookup(v, name, &value, &layer);
    return layer;
}

const struct json_object *wsc_vars_layer_object(const struct wsc_vars *v,
                                                enum wsc_var_layer layer)
{
    if (!v || (int)layer < 0 || (int)layer >= N_LAYERS)
        return NULL;
    return v->layer[layer];
}

/* ---- numbers from text ----------------------------------------------------------- */

/* Length of the JSON number at the start of s (RFC 8259 grammar), 0 if none;
 * *integral tells whether it has neither fraction nor exponent. */
static size_t json_number_len(const char *s, int *integral)
{
    const char *p = s;
    *integral = 1;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (isdigit((unsigned char)*p))
            p++;
    else
        return 0;
    if (*p == '.') {
        *integral = 0;
        p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        *integral = 0;
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return (size_t)(p - s);
}

struct json_object *wsc_json_number_from_text(const char *text)
{
    int integral;
    size_t n;
    char *end = NULL;

    if (!text)
        return NULL;
    n = json_number_len(text, &integral);
    if (n == 0 || text[n] != '\0')
        return NULL;
    if (integral) {
        errno = 0;
        long long i = strtoll(text, &end, 10);
        if (errno == 0 && end && *end == '\0')
            return json_object_new_int64(i);
    }
    errno = 0;
    double d = strtod(text, &end);
    if (errno != 0 || !end || *end != '\0' || !isfinite(d))
        return NULL;
    return json_object_new_double_s(d, text);
}

/* ---- references -------------------------------------------------------------------- */

static int is_escape_at(const char *s, size_t len, size_t i)
{
    return i + 2 < len && s[i] == '$' && s[i + 1] == '$' && s[i + 2] == '{';
}

static int is_ref_at(const char *s, size_t len, size_t i)
{
    return i + 1 < len && s[i] == '$' && s[i + 1] == '{';
}

/* Index of the '}' closing the reference whose body starts at `body`, or
 * (size_t)-1. References nest inside defaults; "$${" does not open one. */
static size_t ref_close(const char *s, size_t len, size_t body)
{
    int depth = 1;
    for (size_t j = body; j < len; j++) {
        if (is_escape_at(s, len, j)) {
            j += 2;
        } else if (is_ref_at(s, len, j)) {
            depth++;
            j++;
        } else if (s[j] == '}' && --depth == 0) {
            return j;
        }
    }
    return (size_t)-1;
}

/* The parts of a reference body: "name" or "env:NAME" or "env:NAME:-def". */
struct ref {
    int is_env;
    char *name;      /* malloc'ed */
    const char *def; /* default text, or NULL */
    size_t def_len;
};

static int parse_ref(const char *body, size_t blen, struct ref *r)
{
    size_t name_len = blen;
    memset(r, 0, sizeof *r);
    if (blen >= 4 && memcmp(body, "env:", 4) == 0) {
        r->is_env = 1;
        body += 4;
        blen -= 4;
        const char *dash = NULL;
        for (size_t k = 0; k + 1 < blen; k++)
            if (body[k] == ':' && body[k + 1] == '-') {
                dash = body + k;
                break;
            }
        name_len = dash ? (size_t)(dash - body) : blen;
        if (dash) {
            r->def = dash + 2;
            r->def_len = blen - name_len - 2;
        }
    }
    r->name = strndup(body, name_len);
    if (!r->name)
        return -1;
    return 0;
}

struct expander {
    const struct wsc_vars *v;
    char *err;   /* the first error, malloc'ed */
    int unknown; /* the text refers to a value known only at run time */
    int oom;
    size_t used; /* bytes of text the expansion produced so far */
};

static int expand_error(struct expander *x, const char *fmt, ...) WSC_PRINTF(2, 3);

/* Records the first error; returns -1. */
static int expand_error(struct expander *x, const char *fmt, ...)
{
    va_list ap;
    if (x->err)
        return -1;
    va_start(ap, fmt);
    x->err = wsc_strdup_vprintf(fmt, ap);
    if (!x->err)
        x->oom = 1;
    va_end(ap);
    return -1;
}

static int expand_into(struct expander *x, const char *s, size_t len, struct wsc_buf *out,
                       int depth);

/* Counts n more bytes of output before they are produced: variables that
 * each use the previous one twice double at every step, and would take all
 * the memory there is from a file of a few hundred bytes. `what` is the
 * reference that brings them (NULL: the template's own text). */
static int charge(struct expander *x, size_t n, const char *what)
{
    if (n <= WSC_VARS_MAX_EXPANSION - x->used) {
        x->used += n;
        return 0;
    }
    if (what)
        return expand_error(x,
                            "expands to more than %d MiB, the limit of one "
                            "expanded value (at '${%s}')",
                            WSC_VARS_MAX_EXPANSION >> 20, what);
    return expand_error(x,
                        "expands to more than %d MiB, the limit of one "
                        "expanded value",
                        WSC_VARS_MAX_EXPANSION >> 20);
}

static size_t scalar_size(struct json_object *v)
{
    if (json_object_is_type(v, json_type_string))
        return (size_t)json_object_get_string_len(v) + 2;
    const char *t = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
    return t ? strlen(t) : 4;
}

size_t wsc_vars_value_size(const struct json_object *val, size_t limit)
{
    /* json-c's accessors take non-const objects; nothing is modified */
    struct json_object *v = (struct json_object *)val;
    size_t n = 2;
    switch (json_object_get_type(v)) {
    case json_type_object: {
        struct json_object_iterator it = json_object_iter_begin(v);
        struct json_object_iterator end = json_object_iter_end(v);
        for (; !json_object_iter_equal(&it, &end) && n <= limit;
             json_object_iter_next(&it)) {
            n += strlen(json_object_iter_peek_name(&it)) + 4;
            n += wsc_vars_value_size(json_object_iter_peek_value(&it), limit - n + 1);
        }
        return n;
    }
    case json_type_array: {
        size_t len = json_object_array_length(v);
        for (size_t i = 0; i < len && n <= limit; i++)
            n += wsc_vars_value_size(json_object_array_get_idx(v, i), limit - n + 1) + 1;
        return n;
    }
    case json_type_null:
        return 4;
    default:
        return scalar_size(v);
    }
}

/* The bytes add_value_text() appends for val, or more than `limit`. */
static size_t value_text_size(struct json_object *val, size_t limit)
{
    if (json_object_is_type(val, json_type_string))
        return (size_t)json_object_get_string_len(val);
    return wsc_vars_value_size(val, limit);
}

/* Appends the text of a JSON value: strings as they are, others as JSON. */
static void add_value_text(struct wsc_buf *out, struct json_object *val)
{
    if (json_object_is_type(val, json_type_string))
        wsc_buf_append(out, json_object_get_string(val),
                       (size_t)json_object_get_string_len(val));
    else
        wsc_buf_puts(out, json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
}

static int resolve_env(struct expander *x, const struct ref *r, struct wsc_buf *out,
                       int depth)
{
    const char *val = getenv(r->name);
    if (val && (!r->def || *val)) {
        if (charge(x, strlen(val), r->name) < 0)
            return -1;
        wsc_buf_puts(out, val);
        return 0;
    }
    if (r->def) {
        if (depth >= MAX_DEFAULT_DEPTH)
            return expand_error(x, "variable defaults nested too deeply in '%.*s'",
                                (int)r->def_len, r->def);
        return expand_into(x, r->def, r->def_len, out, depth + 1);
    }
    return expand_error(x, "undefined environment variable '%s'", r->name);
}

/* The defined name nearest to a misspelt one, or NULL. Borrowed from v. */
static const char *nearest_name(const struct wsc_vars *v, const char *name)
{
    const char **names;
    const char *best;
    size_t n = 0, cap = 1;
    if (!v)
        return NULL;
    for (int i = 0; i < N_LAYERS; i++)
        cap += (size_t)json_object_object_length(v->layer[i]);
    cap += (size_t)json_object_object_length(v->unknown);
    if (!(names = calloc(cap, sizeof *names)))
        return NULL;
    for (int i = 0; i < N_LAYERS; i++) {
        json_object_object_foreach(v->layer[i], key, val) {
            (void)val;
            names[n++] = key;
        }
    }
    json_object_object_foreach(v->unknown, key, val) {
        (void)val;
        names[n++] = key;
    }
    best = wsc_did_you_mean(name, names);
    free(names);
    return best;
}

static int undefined_error(struct expander *x, const char *name)
{
    const char *near = nearest_name(x->v, name);
    if (near)
        return expand_error(x, "undefined variable '%s' (did you mean '%s'?)", name,
                            near);
    return expand_error(x, "undefined variable '%s'", name);
}

/* Expands one reference body into out. */
static int resolve(struct expander *x, const char *body, size_t blen, struct wsc_buf *out,
                   int depth)
{
    struct ref r;
    struct json_object *val;
    int layer, rc = 0;

    if (parse_ref(body, blen, &r) < 0) {
        x->oom = 1;
        return -1;
    }
    if (r.is_env && !valid_env_name(r.name)) {
        rc = expand_error(x, "invalid environment variable reference '${%.*s}'",
                          (int)blen, body);
    } else if (r.is_env) {
        rc = resolve_env(x, &r, out, depth);
    } else if (!wsc_var_name_valid(r.name)) {
        rc = expand_error(x, "invalid variable reference '${%.*s}'", (int)blen, body);
    } else {
        switch (lookup(x->v, r.name, &val, &layer)) {
        case WSC_VAR_KNOWN:
            rc = charge(x, value_text_size(val, WSC_VARS_MAX_EXPANSION), r.name);
            if (rc == 0)
                add_value_text(out, val);
            break;
        case WSC_VAR_UNKNOWN:
            x->unknown = 1;
            if ((rc = charge(x, blen + 3, NULL)) < 0)
                break;
            wsc_buf_puts(out, "${");
            wsc_buf_append(out, body, blen);
            wsc_buf_puts(out, "}");
            break;
        default:
            rc = undefined_error(x, r.name);
        }
    }
    free(r.name);
    return rc;
}

static int expand_into(struct expander *x, const char *s, size_t len, struct wsc_buf *out,
                       int depth)
{
    size_t i = 0;
    while (i < len) {
        if (is_escape_at(s, len, i)) {
            if (charge(x, 2, NULL) < 0)
                return -1;
            wsc_buf_puts(out, "${");
            i += 3;
        } else if (is_ref_at(s, len, i)) {
            size_t close = ref_close(s, len, i + 2);
            if (close == (size_t)-1)
                return expand_error(x, "unterminated variable reference '%.*s'",
                                    (int)(len - i > 40 ? 40 : len - i), s + i);
            if (resolve(x, s + i + 2, close - i - 2, out, depth) < 0)
                return -1;
            i = close + 1;
        } else {
            size_t start = i;
            while (i < len && s[i] != '$')
                i++;
            if (i == start)
                i++; /* a '$' that starts nothing */
            if (charge(x, i - start, NULL) < 0)
                return -1;
            wsc_buf_append(out, s + start, i - start);
        }
    }
    if (out->failed) {
        x->oom = 1;
        return -1;
    }
    return 0;
}

/* The typed value of a string that is exactly one reference, or NULL with
 * *handled = 0 when the plain text expansion gives the answer. */
static struct json_object *single_ref_value(struct expander *x, const char *s, size_t len,
                                            int *handled)
{
    struct ref r;
    struct json_object *val, *copy = NULL;
    int layer, ok;

    *handled = 0;
    if (parse_ref(s + 2, len - 3, &r) < 0) {
        x->oom = 1;
        *handled = 1;
        return NULL;
    }
    if (!r.is_env && wsc_var_name_valid(r.name) &&
        lookup(x->v, r.name, &val, &layer) == WSC_VAR_KNOWN &&
        (!json_object_is_type(val, json_type_string) || layer == WSC_VARS_CAPTURE)) {
        /* A typed value, or a captured string (captures keep their type). */
        *handled = 1;
        if (charge(x, wsc_vars_value_size(val, WSC_VARS_MAX_EXPANSION), r.name) < 0) {
            free(r.name);
            return NULL;
        }
        copy = deep_copy(val, &ok);
        if (!ok)
            x->oom = 1;
    }
    free(r.name);
    return copy;
}

/* Expands a JSON string; *out is the new value (may be JSON null). */
static int expand_string_value(struct expander *x, const struct json_object *t,
                               struct json_object **out)
{
    const char *s = json_object_get_string((struct json_object *)t);
    size_t len = (size_t)json_object_get_string_len(t);
    int single = len >= 3 && is_ref_at(s, len, 0) && ref_close(s, len, 2) == len - 1;
    struct wsc_buf b = {0};

    *out = NULL;
    if (single) {
        int handled;
        *out = single_ref_value(x, s, len, &handled);
        if (handled)
            return x->oom || x->err ? -1 : 0;
    }
    x->unknown = 0;
    if (expand_into(x, s, len, &b, 0) < 0) {
        wsc_buf_free(&b);
        return -1;
    }
    if (x->unknown) {
        /* Known only at run time: keep the template for later expansion. */
        wsc_buf_free(&b);
        *out = json_object_new_string_len(s, (int)len);
    } else {
        if (single && b.data)
            *out = wsc_json_number_from_text(b.data);
        if (!*out)
            *out = json_object_new_string_len(b.data ? b.data : "", (int)b.len);
        wsc_buf_free(&b);
    }
    if (!*out) {
        x->oom = 1;
        return -1;
    }
    return 0;
}

/* ---- JSON templates ------------------------------------------------------------------ */

struct walk {
    struct expander x;
    struct wsc_buf path; /* JSON pointer of the value being expanded */
};

static int expand_json(struct walk *w, const struct json_object *t,
                       struct json_object **out);

static int expand_object(struct walk *w, const struct json_object *t,
                         struct json_object **out)
{
    struct json_object *obj = json_object_new_object();
    if (!obj)
        return -1;
    json_object_object_foreach((struct json_object *)t, key, val) {
        struct json_object *child = NULL;
        size_t base = w->path.len;
        if (wsc_json_pointer_push_key(&w->path, key) < 0 ||
            expand_json(w, val, &child) < 0) {
            json_object_put(obj);
            return -1;
        }
        wsc_buf_truncate(&w->path, base);
        if (json_object_object_add(obj, key, child) != 0) {
            json_object_put(child);
            json_object_put(obj);
            return -1;
        }
    }
    *out = obj;
    return 0;
}

static int expand_array(struct walk *w, const struct json_object *t,
                        struct json_object **out)
{
    size_t n = json_object_array_length(t);
    struct json_object *arr = json_object_new_array_ext((int)n);
    if (!arr)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct json_object *child = NULL;
        size_t base = w->path.len;
        if (wsc_json_pointer_push_index(&w->path, i) < 0 ||
            expand_json(w, json_object_array_get_idx(t, i), &child) < 0) {
            json_object_put(arr);
            return -1;
        }
        wsc_buf_truncate(&w->path, base);
        if (json_object_array_add(arr, child) != 0) {
            json_object_put(child);
            json_object_put(arr);
            return -1;
        }
    }
    *out = arr;
    return 0;
}

static int expand_json(struct walk *w, const struct json_object *t,
                       struct json_object **out)
{
    int ok;
    *out = NULL;
    switch (json_object_get_type(t)) {
    case json_type_string:
        return expand_string_value(&w->x, t, out);
    case json_type_object:
        return expand_object(w, t, out);
    case json_type_array:
        return expand_array(w, t, out);
    default:
        *out = deep_copy(t, &ok);
        return ok ? 0 : -1;
    }
}

struct json_object *wsc_vars_expand_at(const struct wsc_vars *v,
                                       const struct json_object *tmpl, char **err,
                                       char **where)
{
    struct walk w = {.x = {.v = v}};
    struct json_object *out = NULL;

    if (err)
        *err = NULL;
    if (where)
        *where = NULL;
    if (!tmpl) /* JSON null: nothing to expand, nothing allocated */
        return NULL;
    wsc_buf_puts(&w.path, "");
    if (w.path.failed || expand_json(&w, tmpl, &out) < 0) {
        if (!w.x.err)
            w.x.err = strdup("out of memory");
        if (err)
            *err = w.x.err;
        else
            free(w.x.err);
        if (where)
            *where = wsc_buf_take(&w.path);
        wsc_buf_free(&w.path);
        return NULL;
    }
    wsc_buf_free(&w.path);
    return out;
}

struct json_object *wsc_vars_expand(const struct wsc_vars *v,
                                    const struct json_object *tmpl, char **err)
{
    return wsc_vars_expand_at(v, tmpl, err, NULL);
}

char *wsc_vars_expand_string(const struct wsc_vars *v, const char *s, char **err)
{
    struct expander x = {.v = v};
    struct wsc_buf b = {0};

    if (err)
        *err = NULL;
    if (!s)
        return NULL;
    if (expand_into(&x, s, strlen(s), &b, 0) < 0) {
        wsc_buf_free(&b);
        if (!x.err)
            x.err = strdup("out of memory");
        if (err)
            *err = x.err;
        else
            free(x.err);
        return NULL;
    }
    return wsc_buf_take(&b);
}

/* ---- finding references ------------------------------------------------------------- */

static int each_ref_in(const char *s, size_t len, int (*fn)(const char *name, void *arg),
                       void *arg, int depth)
{
    for (size_t i = 0; i < len; i++) {
        if (is_escape_at(s, len, i)) {
            i += 2;
            continue;
        }
        if (!is_ref_at(s, len, i))
            continue;
        size_t close = ref_close(s, len, i + 2);
        if (close == (size_t)-1)
            return 0;
        struct ref r;
        int rc = 0;
        if (parse_ref(s + i + 2, close - i - 2, &r) < 0)
            return -1;
        if (!r.is_env)
            rc = fn(r.name, arg);
        else if (r.def && depth < MAX_DEFAULT_DEPTH)
            rc = each_ref_in(r.def, r.def_len, fn, arg, depth + 1);
        free(r.name);
        if (rc)
            return rc;
        i = close;
    }
    return 0;
}

int wsc_vars_each_ref(const struct json_object *tmpl,
                      int (*fn)(const char *name, void *arg), void *arg)
{
    int rc = 0;
    switch (json_object_get_type(tmpl)) {
    case json_type_string:
        return each_ref_in(json_object_get_string((struct json_object *)tmpl),
                           (size_t)json_object_get_string_len(tmpl), fn, arg, 0);
    case json_type_object: {
        /* Braces: the macro starts with a declaration, which may not
           follow a case label before C23. */
        json_object_object_foreach((struct json_object *)tmpl, key, val) {
            (void)key;
            if ((rc = wsc_vars_each_ref(val, fn, arg)) != 0)
                return rc;
        }
        return 0;
    }
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(tmpl); i++)
            if ((rc = wsc_vars_each_ref(json_object_array_get_idx(tmpl, i), fn, arg)) !=
                0)
                return rc;
        return 0;
    default:
        return 0;
    }
}

int wsc_vars_has_ref(const char *s)
{
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len; i++) {
        if (is_escape_at(s, len, i))
            i += 2;
        else if (is_ref_at(s, len, i))
            return 1;
    }
    return 0;
}
