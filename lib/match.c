/* The expectation matcher shared by plugins (see wscheck/match.h).
 *
 * The matcher walks the expectation, not the actual value, so its work and
 * recursion depth are bounded by what the scenario wrote, whatever a server
 * sends. json-c represents a JSON null as a NULL pointer, so every actual
 * value travels with a `present` flag that tells a null from an absent key. */
#include <wscheck/match.h>
#include <wscheck/render.h>

#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/json.h>

#include "json_util.h"
#include "json_pointer_build.h"
#include "util.h"

/* Deeper expectations are refused rather than risking the stack. */
#define MAX_DEPTH 512

/* ---- A growable JSON Pointer ---------------------------------------------- */

/* One buffer (struct walk's path) for the whole walk: pushing and popping
 * segments keeps the cost linear in the depth, whatever the length of the
 * keys. */

#define PATH_OOM ((size_t)-1)

/* A failed push leaves the path as it was; the failure is the push's alone
 * (a later, shorter one may fit), so the buffer is not left marked failed. */
static size_t path_pushed(struct wsc_buf *p, size_t old, int rc)
{
    if (rc == 0)
        return old;
    p->failed = 0;
    return PATH_OOM;
}

/* Appends "/" and the key escaped per RFC 6901 ('~' as ~0, '/' as ~1).
 * Returns the previous length, for path_pop(), or PATH_OOM. */
static size_t path_push_key(struct wsc_buf *p, const char *key)
{
    size_t old = p->len;
    return path_pushed(p, old, wsc_json_pointer_push_key(p, key));
}

static size_t path_push_index(struct wsc_buf *p, size_t index)
{
    size_t old = p->len;
    return path_pushed(p, old, wsc_json_pointer_push_index(p, index));
}

static void path_pop(struct wsc_buf *p, size_t old)
{
    wsc_buf_truncate(p, old);
}

/* ---- Walk state and messages ---------------------------------------------- */

/* Compiled $regex arguments, so that {"$contains": {"$regex": ...}} over a
 * long array compiles its pattern once, not once per element. */
#define REGEX_CACHE 4

struct regex_slot {
    const struct json_object *arg; /* NULL: free slot */
    regex_t re;
};

struct walk {
    struct wsc_buf path;
    char **msg; /* NULL: no message wanted (e.g. while trying $contains) */
    int depth;
    struct regex_slot regexes[REGEX_CACHE];
    size_t next_slot;
};

/* Records "PATH: text" as the message (the first one wins) and returns 0,
 * the result of a mismatch. */
static int fail(struct walk *w, const char *fmt, ...) WSC_PRINTF(2, 3);

static int fail(struct walk *w, const char *fmt, ...)
{
    if (!w->msg || *w->msg)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    char *text = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!text)
        return 0;
    char *full = NULL;
    if (asprintf(&full, "%s: %s", w->path.len ? w->path.data : "/", text) < 0)
        full = NULL;
    free(text);
    *w->msg = full;
    return 0;
}

/* Text for messages, rendered and cut the library's one way
 * (wscheck/render.h), in a buffer on the caller's stack. */
struct shown {
    char text[WSC_RENDER_MAX + 4];
};

/* A string as it is (regex patterns), escaped and cut. */
static const char *show_raw(struct shown *s, const char *str)
{
    wsc_render_text_buf(s->text, sizeof s->text, str, strlen(str));
    return s->text;
}

/* A value as compact JSON, cut. */
static const char *show(struct shown *s, const struct json_object *v)
{
    wsc_render_json_buf(s->text, sizeof s->text, v);
    return s->text;
}

/* ---- Scalars ---------------------------------------------------------------- */

static int is_number(const struct json_object *v)
{
    return json_object_is_type(v, json_type_int) ||
           json_object_is_type(v, json_type_double);
}

/* Compares two numbers exactly, integers beyond 2^53 and unsigned 64-bit
 * ones included. Returns -1, 0 or 1, or 2 when unordered (NaN). */
static int num_cmp(const struct json_object *a, const struct json_object *b)
{
    int a_int = json_object_is_type(a, json_type_int);
    int b_int = json_object_is_type(b, json_type_int);
    if (a_int && b_int) {
        int64_t ia = json_object_get_int64(a), ib = json_object_get_int64(b);
        if (ia < 0 || ib < 0)
            return ia < ib ? -1 : ia > ib;
        uint64_t ua = json_object_get_uint64(a), ub = json_object_get_uint64(b);
        return ua < ub ? -1 : ua > ub;
    }
    /* long double holds every int64 exactly on x86; elsewhere the rounding
     * of a huge integer to double is the best there is. */
    long double x =
        a_int ? (json_object_get_int64(a) < 0 ? (long double)json_object_get_int64(a)
                                              : (long double)json_object_get_uint64(a))
              : (long double)json_object_get_double(a);
    long double y =
        b_int ? (json_object_get_int64(b) < 0 ? (long double)json_object_get_int64(b)
                                              : (long double)json_object_get_uint64(b))
              : (long double)json_object_get_double(b);
    if (isnan(x) || isnan(y))
        return 2;
    return x < y ? -1 : x > y;
}

static int same_string(const struct json_object *a, const struct json_object *b)
{
    int la = json_object_get_string_len(a), lb = json_object_get_string_len(b);
    return la == lb &&
           memcmp(json_object_get_string((struct json_object *)a),
                  json_object_get_string((struct json_object *)b), (size_t)la) == 0;
}

/* Exact equality of a scalar expectation (null, boolean, number, string). */
static int scalar_equal(const struct json_object *exp, const struct json_object *act)
{
    switch (json_object_get_type(exp)) {
    case json_type_null:
        return act == NULL;
    case json_type_boolean:
        return json_object_is_type(act, json_type_boolean) &&
               !json_object_get_boolean(exp) == !json_object_get_boolean(act);
    case json_type_int:
    case json_type_double:
        return is_number(act) && num_cmp(act, exp) == 0;
    case json_type_string:
        return json_object_is_type(act, json_type_string) && same_string(exp, act);
    default:
        return 0;
    }
}

/* Length in UTF-8 code points (continuation bytes are not counted). */
static size_t utf8_length(const struct json_object *s)
{
    const unsigned char *p =
        (const unsigned char *)json_object_get_string((struct json_object *)s);
    size_t n = (size_t)json_object_get_string_len(s), chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += (p[i] & 0xC0) != 0x80;
    return chars;
}

/* ---- Operators -------------------------------------------------------------- */

struct op {
    const char *name;
    /* Validates the argument; on error calls fail() and returns 0. */
    int (*check)(struct walk *w, const struct op *op, const struct json_object *arg);
    /* Matches a well-formed argument; on a mismatch calls fail() and
     * returns 0. `present` is 0 when the actual value is absent. */
    int (*match)(struct walk *w, const struct op *op, const struct json_object *arg,
                 const struct json_object *act, int present);
};

static const struct op *find_op(const char *name);
static int check_value(struct walk *w, const struct json_object *exp);
static int match_value(struct walk *w, const struct json_object *exp,
                       const struct json_object *act, int present);
static int match_child(struct walk *w, size_t old, const struct json_object *exp,
                       const struct json_object *act, int present);

static int check_boolean(struct walk *w, const struct op *op,
                         const struct json_object *arg)
{
    struct shown s;
    if (json_object_is_type(arg, json_type_boolean))
        return 1;
    return fail(w, "%s needs true or false, got %s", op->name, show(&s, arg));
}

static int check_number(struct walk *w, const struct op *op,
                        const struct json_object *arg)
{
    struct shown s;
    if (json_object_is_type(arg, json_type_int) ||
        (json_object_is_type(arg, json_type_double) &&
         isfinite(json_object_get_double(arg))))
        return 1;
    return fail(w, "%s needs a number, got %s", op->name, show(&s, arg));
}

static int check_len(struct walk *w, const struct op *op, const struct json_object *arg)
{
    struct shown s;
    if (json_object_is_type(arg, json_type_int) && json_object_get_int64(arg) >= 0)
        return 1;
    return fail(w, "%s needs a non-negative integer, got %s", op->name, show(&s, arg));
}

static int check_type(struct walk *w, const struct op *op, const struct json_object *arg)
{
    struct shown s;
    if (json_object_is_type(arg, json_type_string) &&
        wsc_json_is_type_name(json_object_get_string((struct json_object *)arg)))
        return 1;
    return fail(w,
                "%s needs one of string, number, integer, boolean, object, array, "
                "null, got %s",
                op->name, show(&s, arg));
}

/* The compiled form of a $regex argument, from the cache or compiled now.
 * On error fails naming regerror()'s reason and returns NULL. */
static const regex_t *compile_regex(struct walk *w, const struct json_object *arg)
{
    for (size_t i = 0; i < REGEX_CACHE; i++)
        if (w->regexes[i].arg == arg)
            return &w->regexes[i].re;
    struct regex_slot *slot = &w->regexes[w->next_slot];
    w->next_slot = (w->next_slot + 1) % REGEX_CACHE;
    if (slot->arg) {
        regfree(&slot->re);
        slot->arg = NULL;
    }
    struct shown s;
    const char *pattern = json_object_get_string((struct json_object *)arg);
    int rc = regcomp(&slot->re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc == 0) {
        slot->arg = arg;
        return &slot->re;
    }
    char why[256];
    regerror(rc, &slot->re, why, sizeof why);
    fail(w, "$regex /%s/ does not compile: %s", show_raw(&s, pattern), why);
    return NULL;
}

static void free_regexes(struct walk *w)
{
    for (size_t i = 0; i < REGEX_CACHE; i++)
        if (w->regexes[i].arg)
            regfree(&w->regexes[i].re);
}

static int check_regex(struct walk *w, const struct op *op, const struct json_object *arg)
{
    struct shown s;
    if (!json_object_is_type(arg, json_type_string))
        return fail(w, "%s needs a string, got %s", op->name, show(&s, arg));
    return compile_regex(w, arg) != NULL;
}

static int check_contains(struct walk *w, const struct op *op,
                          const struct json_object *arg)
{
    size_t old = path_push_key(&w->path, op->name);
    if (old == PATH_OOM)
        return fail(w, "out of memory");
    int ok = check_value(w, arg);
    path_pop(&w->path, old);
    return ok;
}

/* $in: a non-empty array of expectations, each checked like any other. */
static int check_in(struct walk *w, const struct op *op, const struct json_object *arg)
{
    struct shown s;
    if (!json_object_is_type(arg, json_type_array) || json_object_array_length(arg) == 0)
        return fail(w, "%s needs a non-empty array of values, got %s", op->name,
                    show(&s, arg));
    size_t old = path_push_key(&w->path, op->name);
    if (old == PATH_OOM)
        return fail(w, "out of memory");
    int ok = check_value(w, arg);
    path_pop(&w->path, old);
    return ok;
}

/* "missing (expected WHAT)" for operators that need a present value. */
static int fail_missing(struct walk *w, const char *what)
{
    return fail(w, "missing (expected %s)", what);
}

static int match_regex(struct walk *w, const struct op *op, const struct json_object *arg,
                       const struct json_object *act, int present)
{
    (void)op;
    struct shown sp, sa;
    const char *pattern =
        show_raw(&sp, json_object_get_string((struct json_object *)arg));
    if (!present)
        return fail(w, "missing (expected to match /%s/)", pattern);
    if (json_object_is_type(act, json_type_string)) {
        const regex_t *re = compile_regex(w, arg);
        if (!re)
            return 0;
        if (regexec(re, json_object_get_string((struct json_object *)act), 0, NULL, 0) ==
            0)
            return 1;
    }
    return fail(w, "expected to match /%s/, got %s", pattern, show(&sa, act));
}

static int match_type(struct walk *w, const struct op *op, const struct json_object *arg,
                      const struct json_object *act, int present)
{
    (void)op;
    struct shown s;
    const char *type = json_object_get_string((struct json_object *)arg);
    if (!present)
        return fail(w, "missing (expected type %s)", type);
    if (wsc_json_has_type(act, type))
        return 1;
    if (act == NULL)
        return fail(w, "expected type %s, got null", type);
    return fail(w, "expected type %s, got %s %s", type, wsc_json_type_name(act),
                show(&s, act));
}

static int match_exists(struct walk *w, const struct op *op,
                        const struct json_object *arg, const struct json_object *act,
                        int present)
{
    (void)op;
    struct shown s;
    int want = json_object_get_boolean(arg);
    if (want && !present)
        return fail_missing(w, "to exist");
    if (!want && present)
        return fail(w, "expected to be absent, got %s", show(&s, act));
    return 1;
}

static int match_any(struct walk *w, const struct op *op, const struct json_object *arg,
                     const struct json_object *act, int present)
{
    (void)op;
    (void)act;
    if (json_object_get_boolean(arg) && !present)
        return fail(w, "expected any value, got nothing");
    return 1;
}

/* $gt, $gte, $lt, $lte: the symbol follows the '$' in the table below. */
static const char *compare_symbol(const char *name)
{
    if (strcmp(name, "$gt") == 0)
        return ">";
    if (strcmp(name, "$gte") == 0)
        return ">=";
    if (strcmp(name, "$lt") == 0)
        return "<";
    return "<=";
}

static int compare_holds(const char *name, int cmp)
{
    if (cmp == 2)
        return 0;
    if (strcmp(name, "$gt") == 0)
        return cmp > 0;
    if (strcmp(name, "$gte") == 0)
        return cmp >= 0;
    if (strcmp(name, "$lt") == 0)
        return cmp < 0;
    return cmp <= 0;
}

static int match_compare(struct walk *w, const struct op *op,
                         const struct json_object *arg, const struct json_object *act,
                         int present)
{
    struct shown se, sa;
    const char *sym = compare_symbol(op->name);
    if (!present)
        return fail(w, "missing (expected %s %s)", sym, show(&se, arg));
    if (is_number(act) && compare_holds(op->name, num_cmp(act, arg)))
        return 1;
    return fail(w, "expected %s %s, got %s", sym, show(&se, arg), show(&sa, act));
}

static int array_has_match(struct walk *w, const struct json_object *arg,
                           const struct json_object *act)
{
    char **saved = w->msg;
    int found = 0;
    w->msg = NULL; /* the elements that do not match are not news */
    size_t n = json_object_array_length(act);
    for (size_t i = 0; i < n && !found; i++) {
        size_t old = path_push_index(&w->path, i);
        if (old == PATH_OOM)
            break;
        found = match_value(w, arg, json_object_array_get_idx(act, i), 1);
        path_pop(&w->path, old);
    }
    w->msg = saved;
    return found;
}

static int match_contains(struct walk *w, const struct op *op,
                          const struct json_object *arg, const struct json_object *act,
                          int present)
{
    (void)op;
    struct shown se, sa;
    if (!present)
        return fail(w, "missing (expected to contain %s)", show(&se, arg));
    if (json_object_is_type(act, json_type_array) && array_has_match(w, arg, act))
        return 1;
    if (json_object_is_type(act, json_type_string) &&
        json_object_is_type(arg, json_type_string) &&
        memmem(json_object_get_string((struct json_object *)act),
               (size_t)json_object_get_string_len(act),
               json_object_get_string((struct json_object *)arg),
               (size_t)json_object_get_string_len(arg)) != NULL)
        return 1;
    return fail(w, "expected to contain %s, got %s", show(&se, arg), show(&sa, act));
}

/* Does any element of the $in list match? Elements are expectations (a
 * value, or an operator object such as {"$gte": 500}); their own
 * mismatches are not news. */
static int in_has_match(struct walk *w, const struct json_object *arg,
                        const struct json_object *act, int present)
{
    char **saved = w->msg;
    int found = 0;
    w->msg = NULL;
    size_t n = json_object_array_length(arg);
    for (size_t i = 0; i < n && !found; i++)
        found = match_value(w, json_object_array_get_idx(arg, i), act, present);
    w->msg = saved;
    return found;
}

static int match_in(struct walk *w, const struct op *op, const struct json_object *arg,
                    const struct json_object *act, int present)
{
    (void)op;
    struct shown se, sa;
    if (in_has_match(w, arg, act, present))
        return 1;
    if (!present)
        return fail(w, "missing (expected one of %s)", show(&se, arg));
    return fail(w, "expected one of %s, got %s", show(&se, arg), show(&sa, act));
}

static int match_len(struct walk *w, const struct op *op, const struct json_object *arg,
                     const struct json_object *act, int present)
{
    (void)op;
    struct shown s;
    uint64_t want = json_object_get_uint64(arg);
    if (!present)
        return fail(w, "missing (expected length %llu)", (unsigned long long)want);
    size_t got;
    switch (json_object_get_type(act)) {
    case json_type_string:
        got = utf8_length(act);
        break;
    case json_type_array:
        got = json_object_array_length(act);
        break;
    case json_type_object:
        got = (size_t)json_object_object_length(act);
        break;
    default:
        if (act == NULL)
            return fail(w, "expected length %llu, got null", (unsigned long long)want);
        return fail(w, "expected length %llu, got %s %s", (unsigned long long)want,
                    wsc_json_type_name(act), show(&s, act));
    }
    if ((uint64_t)got == want)
        return 1;
    return fail(w, "expected length %llu, got %zu", (unsigned long long)want, got);
}

/* ---- $json: a string holding JSON ------------------------------------------- */

/* The argument of $json is an expectation for the parsed value, checked like
 * any other under ".../$json". */
static int check_json(struct walk *w, const struct op *op, const struct json_object *arg)
{
    return check_contains(w, op, arg);
}

/* Parses the whole of a string as one JSON value (whitespace around it is
 * fine). Returns 1 with *out set (NULL for a JSON null), else 0 with *why. */
static int parse_embedded(const struct json_object *s, struct json_object **out,
                          const char **why)
{
    const char *text = json_object_get_string((struct json_object *)s);
    size_t len = (size_t)json_object_get_string_len(s), used;
    *out = NULL;
    struct json_tokener *tok = wsc_json_tokener_new();
    if (!tok) {
        *why = "out of memory";
        return 0;
    }
    /* The terminating NUL goes in too: it is what ends a number or a
     * literal at the end of the text ("5"), which json-c otherwise waits on. */
    struct json_object *v = json_tokener_parse_ex(tok, text, (int)len + 1);
    enum json_tokener_error e = json_tokener_get_error(tok);
    used = e == json_tokener_success ? json_tokener_get_parse_end(tok) : 0;
    while (used < len && text[used] && strchr(" \t\r\n", text[used]))
        used++;
    if (len == 0)
        *why = "empty";
    else if (e == json_tokener_continue)
        *why = "it ends early";
    else if (e != json_tokener_success)
        *why = wsc_json_error_desc(tok, e);
    else if (used < len)
        *why = "text after the JSON value";
    json_tokener_free(tok);
    if (len == 0 || e != json_tokener_success || used < len) {
        json_object_put(v);
        return 0;
    }
    *out = v;
    return 1;
}

static int match_json(struct walk *w, const struct op *op, const struct json_object *arg,
                      const struct json_object *act, int present)
{
    struct shown s;
    const char *why = NULL;
    struct json_object *v = NULL;
    if (!present)
        return fail_missing(w, "a string holding JSON");
    if (!json_object_is_type(act, json_type_string))
        return fail(w, "expected a string holding JSON, got %s", show(&s, act));
    if (!parse_embedded(act, &v, &why))
        return fail(w, "expected a string holding JSON, got %s (not JSON: %s)",
                    show(&s, act), why);
    int ok = match_child(w, path_push_key(&w->path, op->name), arg, v, 1);
    json_object_put(v);
    return ok;
}

static const struct op operators[] = {
    {"$regex", check_regex, match_regex},
    {"$type", check_type, match_type},
    {"$exists", check_boolean, match_exists},
    {"$gt", check_number, match_compare},
    {"$gte", check_number, match_compare},
    {"$lt", check_number, match_compare},
    {"$lte", check_number, match_compare},
    {"$contains", check_contains, match_contains},
    {"$len", check_len, match_len},
    {"$any", check_boolean, match_any},
    {"$in", check_in, match_in},
    {"$json", check_json, match_json},
};

static const struct op *find_op(const char *name)
{
    for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++)
        if (strcmp(operators[i].name, name) == 0)
            return &operators[i];
    return NULL;
}

/* ---- Objects ------------------------------------------------------------------ */

/* An operator object: at least one key, and every key starts with '$'. */
static int is_operator_object(const struct json_object *exp)
{
    if (!json_object_is_type(exp, json_type_object) ||
        json_object_object_length(exp) == 0)
        return 0;
    for (struct lh_entry *e = lh_table_head(json_object_get_object(exp)); e;
         e = lh_entry_next(e))
        if (((const char *)lh_entry_k(e))[0] != '$')
            return 0;
    return 1;
}

/* In a plain object, the first key that names an operator: almost surely a
 * mistake ({"$gt": 1, "lt": 5}), refused rather than matched literally. */
static const char *mixed_operator(const struct json_object *exp)
{
    for (struct lh_entry *e = lh_table_head(json_object_get_object(exp)); e;
         e = lh_entry_next(e))
        if (find_op((const char *)lh_entry_k(e)))
            return (const char *)lh_entry_k(e);
    return NULL;
}

/* Validates every operator of an operator object. */
static int check_operators(struct walk *w, const struct json_object *exp)
{
    for (struct lh_entry *e = lh_table_head(json_object_get_object(exp)); e;
         e = lh_entry_next(e)) {
        const char *name = (const char *)lh_entry_k(e);
        const struct op *op = find_op(name);
        if (!op)
            return fail(w, "unknown operator %s", name);
        if (!op->check(w, op, (const struct json_object *)lh_entry_v(e)))
            return 0;
    }
    return 1;
}

/* Runs check_value() on a child after pushing its key or index. */
static int check_child(struct walk *w, size_t old, const struct json_object *child)
{
    if (old == PATH_OOM)
        return fail(w, "out of memory");
    int ok = check_value(w, child);
    path_pop(&w->path, old);
    return ok;
}

static int check_value(struct walk *w, const struct json_object *exp)
{
    int ok = 1;
    if (++w->depth > MAX_DEPTH) {
        ok = fail(w, "expectation nested deeper than %d levels", MAX_DEPTH);
    } else if (is_operator_object(exp)) {
        ok = check_operators(w, exp);
    } else if (json_object_is_type(exp, json_type_object)) {
        const char *op = mixed_operator(exp);
        if (op)
            ok = fail(w, "operator %s mixed with plain keys", op);
        for (struct lh_entry *e = lh_table_head(json_object_get_object(exp)); ok && e;
             e = lh_entry_next(e))
            ok = check_child(w, path_push_key(&w->path, (const char *)lh_entry_k(e)),
                             (const struct json_object *)lh_entry_v(e));
    } else if (json_object_is_type(exp, json_type_array)) {
        size_t n = json_object_array_length(exp);
        for (size_t i = 0; ok && i < n; i++)
            ok = check_child(w, path_push_index(&w->path, i),
                             json_object_array_get_idx(exp, i));
    }
    w->depth--;
    return ok;
}

/* ---- Matching ------------------------------------------------------------------ */

static int match_operators(struct walk *w, const struct json_object *exp,
                           const struct json_object *act, int present)
{
    /* A malformed operator object must not half-match: validate it all
     * first, so the message names the real problem. */
    if (!check_operators(w, exp))
        return 0;
    for (struct lh_entry *e = lh_table_head(json_object_get_object(exp)); e;
         e = lh_entry_next(e)) {
        const struct op *op = find_op((const char *)lh_entry_k(e));
        if (!op->match(w, op, (const struct json_object *)lh_entry_v(e), act, present))
            return 0;
    }
    return 1;
}

/* Matches a child after pushing its key or index. */
static int match_child(struct walk *w, size_t old, const struct json_object *exp,
                       const struct json_object *act, int present)
{
    if (old == PATH_OOM)
        return fail(w, "out of memory");
    int ok = match_value(w, exp, act, present);
    path_pop(&w->path, old);
    return ok;
}

static int match_object(struct walk *w, const struct json_object *exp,
                        const struct json_object *act)
{
    struct shown se, sa;
    const char *op = mixed_operator(exp);
    if (op)
        return fail(w, "operator %s mixed with plain keys", op);
    if (!json_object_is_type(act, json_type_object))
        return fail(w, "expected %s, got %s", show(&se, exp), show(&sa, act));
    for (struct lh_entry *e = lh_table_head(json_object_get_object(exp)); e;
         e = lh_entry_next(e)) {
        const char *key = (const char *)lh_entry_k(e);
        struct json_object *child = NULL;
        int has = json_object_object_get_ex(act, key, &child);
        if (!match_child(w, path_push_key(&w->path, key),
                         (const struct json_object *)lh_entry_v(e), child, has))
            return 0;
    }
    return 1;
}

static int match_array(struct walk *w, const struct json_object *exp,
                       const struct json_object *act)
{
    struct shown se, sa;
    if (!json_object_is_type(act, json_type_array))
        return fail(w, "expected %s, got %s", show(&se, exp), show(&sa, act));
    size_t n = json_object_array_length(exp), got = json_object_array_length(act);
    if (n != got)
        return fail(w, "expected %zu element%s, got %zu", n, n == 1 ? "" : "s", got);
    for (size_t i = 0; i < n; i++)
        if (!match_child(w, path_push_index(&w->path, i),
                         json_object_array_get_idx(exp, i),
                         json_object_array_get_idx(act, i), 1))
            return 0;
    return 1;
}

static int match_value(struct walk *w, const struct json_object *exp,
                       const struct json_object *act, int present)
{
    struct shown se, sa;
    int ok;
    if (++w->depth > MAX_DEPTH)
        ok = fail(w, "expectation nested deeper than %d levels", MAX_DEPTH);
    else if (is_operator_object(exp))
        ok = match_operators(w, exp, act, present);
    else if (!present)
        ok = fail_missing(w, show(&se, exp));
    else if (json_object_is_type(exp, json_type_object))
        ok = match_object(w, exp, act);
    else if (json_object_is_type(exp, json_type_array))
        ok = match_array(w, exp, act);
    else
        ok = scalar_equal(exp, act) ||
             fail(w, "expected %s, got %s", show(&se, exp), show(&sa, act));
    w->depth--;
    return ok;
}

/* ---- Public API ------------------------------------------------------------------ */

int wsc_match(const struct json_object *expected, const struct json_object *actual,
              const char *path, char **msg)
{
    struct walk w = {.msg = msg, .depth = 0};
    if (msg)
        *msg = NULL;
    wsc_buf_puts(&w.path, path ? path : "");
    if (w.path.failed) {
        wsc_buf_free(&w.path);
        if (msg)
            *msg = strdup("out of memory");
        return 0;
    }
    int ok = match_value(&w, expected, actual, actual != NULL);
    free_regexes(&w);
    wsc_buf_free(&w.path);
    return ok;
}

char *wsc_match_check(const struct json_object *expected)
{
    char *msg = NULL;
    struct walk w = {.msg = &msg, .depth = 0};
    wsc_buf_puts(&w.path, "");
    if (w.path.failed) {
        wsc_buf_free(&w.path);
        return strdup("out of memory");
    }
    if (!check_value(&w, expected) && !msg)
        msg = strdup("invalid expectation");
    free_regexes(&w);
    wsc_buf_free(&w.path);
    return msg;
}
