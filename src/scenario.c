/* Scenario files, format v1: reading, parsing with positions, structure
 * checks, validation against the loaded plugins, and the per-test
 * preparation the runner needs (params, captures). */
#include "scenario.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "source_map.h"
#include "schema.h"
#include "util.h"
#include "wscheck/match.h"

#define MAX_FILE_SIZE ((size_t)64 * 1024 * 1024)
/* A file somewhat over MAX_FILE_SIZE is read, and wsc_scenario_parse() names
 * the limit; reading gives up (EFBIG) at twice the limit, so a huge file or
 * a device is never read to its end. */
#define MAX_READ_SIZE (2 * MAX_FILE_SIZE - 1)
#define MAX_SECONDS 1000000.0 /* keeps milliseconds within an int */
#define MAX_RETRIES 1000000

static const char *const top_keys[] = {"name", "vars", "defaults", "tests", NULL};
/* Keys later format versions use: refused by name so nobody mistakes them
 * for typos, and so the parser has a place for them. */
static const char *const reserved_top_keys[] = {"include", "setup", "teardown",
                                                "mode", NULL};
static const char *const default_keys[] = {"timeout", "retries", "retry_delay",
                                           NULL};
static const char *const test_keys[] = {"name", "plugin", "check", "params",
                                        "timeout", "retries", "retry_delay",
                                        "tags", "skip", "capture", NULL};
static const char *const reserved_test_keys[] = {"mode", NULL};

/* "a, b, c". Malloc'ed; NULL when out of memory. */
static char *join_list(const char *const *list)
{
    size_t len = 1;
    for (size_t i = 0; list[i]; i++)
        len += strlen(list[i]) + 2;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; list[i]; i++) {
        if (i)
            strcat(out, ", ");
        strcat(out, list[i]);
    }
    return out;
}

/* ---- positions --------------------------------------------------------------- */

/* Cuts the last segment off a JSON pointer; 0 when there was none. */
static int pointer_parent(char *p)
{
    char *slash = strrchr(p, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    return 1;
}

static int find_pos(const struct wsc_scenario *sc, const char *pointer,
                    int at_key, int *line, int *col)
{
    char *p;
    *line = 1;
    *col = 1;
    if (!sc || !sc->pos || !pointer)
        return -1;
    if (at_key && wsc_source_map_key(sc->pos, pointer, line, col) == 0)
        return 0;
    if (!(p = strdup(pointer)))
        return -1;
    do {
        if (wsc_source_map_value(sc->pos, p, line, col) == 0) {
            free(p);
            return 0;
        }
    } while (pointer_parent(p));
    free(p);
    return -1;
}

int wsc_scenario_pos(const struct wsc_scenario *sc, const char *pointer,
                     int *line, int *col)
{
    return find_pos(sc, pointer, 0, line, col);
}

int wsc_scenario_key_pos(const struct wsc_scenario *sc, const char *pointer,
                         int *line, int *col)
{
    return find_pos(sc, pointer, 1, line, col);
}

/* Is s a well-formed JSON pointer ("" or "/..." with only ~0 ~1 escapes)? */
static int valid_pointer(const char *s)
{
    if (*s && *s != '/')
        return 0;
    for (; *s; s++)
        if (*s == '~' && s[1] != '0' && s[1] != '1')
            return 0;
    return 1;
}

/* The last segment of a pointer, decoded. Malloc'ed. */
static char *last_segment(const char *pointer)
{
    const char *slash = strrchr(pointer, '/');
    const char *next;
    char *seg = slash ? wsc_json_pointer_segment(slash + 1, &next) : NULL;
    return seg ? seg : strdup(pointer);
}

/* ---- reading and parsing -------------------------------------------------------------- */

static struct wsc_scenario *new_scenario(const char *file)
{
    struct wsc_scenario *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->file = strdup(file ? file : "-");
    if (!sc->file) {
        free(sc);
        return NULL;
    }
    return sc;
}

/* Where an "unexpected end" error is best shown: just after the last thing
 * written. */
static size_t end_of_content(const char *text, size_t len)
{
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
                       text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    return len;
}

static void syntax_error(struct wsc_scenario *sc, struct wsc_diag *diag,
                         const char *text, size_t len,
                         enum json_tokener_error jerr, size_t off)
{
    int line, col;
    const char *msg = json_tokener_error_desc(jerr);
    if (jerr == json_tokener_continue || jerr == json_tokener_error_parse_eof ||
        off >= len) {
        msg = "unexpected end of file";
        off = end_of_content(text, len);
    } else if (jerr == json_tokener_error_depth) {
        msg = "nesting too deep";
    }
    wsc_text_linecol(text, len, off, &line, &col);
    wsc_diag_at(diag, sc->file, line, col, "syntax error: %s", msg);
}

/* Parses text (NUL-terminated at len) into sc->root and sc->pos. */
static int parse_text(struct wsc_scenario *sc, const char *text, size_t len,
                      struct wsc_diag *diag)
{
    struct json_tokener *tok = json_tokener_new();
    char *err = NULL;
    size_t err_off = 0;
    int line, col;

    if (!tok) {
        wsc_diag_at(diag, sc->file, 0, 0, "out of memory");
        return -1;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_VALIDATE_UTF8);
    /* The terminating NUL ends a trailing number or // comment. */
    sc->root = json_tokener_parse_ex(tok, text, (int)len + 1);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (jerr != json_tokener_success) {
        syntax_error(sc, diag, text, len, jerr, end);
        return -1;
    }
    sc->pos = wsc_source_map_scan(text, len, &err, &err_off);
    if (!sc->pos) {
        wsc_text_linecol(text, len, err_off, &line, &col);
        wsc_diag_at(diag, sc->file, line, col, "syntax error: %s",
                    err ? err : "out of memory");
        free(err);
        return -1;
    }
    return 0;
}

/* ---- structure ------------------------------------------------------------------------ */

struct defaults {
    double timeout;
    int retries;
    double retry_delay;
};

struct pending_msg {
    int line, col;
    size_t seq;
    char *text;
};

/* Problems are collected and reported in file order, like a compiler's. */
struct reporter {
    const struct wsc_scenario *sc;
    struct wsc_diag *diag;
    int errors;
    struct pending_msg *msgs;
    size_t n_msgs, cap_msgs;
};

/* Takes ownership of text (NULL: out of memory). */
static void add_msg(struct reporter *ld, int line, int col, char *text)
{
    ld->errors++;
    if (text && ld->n_msgs == ld->cap_msgs) {
        size_t cap = ld->cap_msgs ? ld->cap_msgs * 2 : 16;
        struct pending_msg *grown = realloc(ld->msgs, cap * sizeof *grown);
        if (grown) {
            ld->msgs = grown;
            ld->cap_msgs = cap;
        }
    }
    if (!text || ld->n_msgs == ld->cap_msgs) {
        wsc_diag_at(ld->diag, ld->sc->file, line, col, "%s",
                    text ? text : "out of memory");
        free(text);
        return;
    }
    ld->msgs[ld->n_msgs] = (struct pending_msg){line, col, ld->n_msgs, text};
    ld->n_msgs++;
}

static int msg_cmp(const void *a, const void *b)
{
    const struct pending_msg *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void flush_msgs(struct reporter *ld)
{
    if (ld->n_msgs)
        qsort(ld->msgs, ld->n_msgs, sizeof *ld->msgs, msg_cmp);
    for (size_t i = 0; i < ld->n_msgs; i++) {
        wsc_diag_at(ld->diag, ld->sc->file, ld->msgs[i].line, ld->msgs[i].col,
                    "%s", ld->msgs[i].text);
        free(ld->msgs[i].text);
    }
    free(ld->msgs);
    ld->msgs = NULL;
    ld->n_msgs = ld->cap_msgs = 0;
}

static void vcollect(struct reporter *r, const char *pointer, int at_key,
                     const char *fmt, va_list ap) WSC_PRINTF(4, 0);

static void vcollect(struct reporter *r, const char *pointer, int at_key,
                     const char *fmt, va_list ap)
{
    char *msg = wsc_strdup_vprintf(fmt, ap);
    int line, col;
    find_pos(r->sc, pointer, at_key, &line, &col);
    add_msg(r, line, col, msg);
}

/* A problem at the value (or, with at_key, the member name) at pointer. */
static void collect(struct reporter *r, const char *pointer, int at_key,
                    const char *fmt, ...) WSC_PRINTF(4, 5);

static void collect(struct reporter *r, const char *pointer, int at_key,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcollect(r, pointer, at_key, fmt, ap);
    va_end(ap);
}

struct loader {
    struct wsc_scenario *sc; /* being filled in */
    struct reporter r;
};

static void problem(struct loader *ld, const char *pointer, int at_key,
                    const char *fmt, ...) WSC_PRINTF(4, 5);

static void problem(struct loader *ld, const char *pointer, int at_key,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcollect(&ld->r, pointer, at_key, fmt, ap);
    va_end(ap);
}

/* Iterates over the members of obj with ptr, the member's JSON pointer
 * under base, freed after each turn (members are skipped when out of memory;
 * use `continue`, not `break`). */
#define FOR_MEMBERS(obj, base, key, val, ptr)                                  \
    json_object_object_foreach((obj), key, val)                                 \
        for (char *ptr = wsc_json_pointer_join((base), key); ptr;              \
             free(ptr), ptr = NULL)

static void check_keys(struct loader *ld, struct json_object *obj,
                       const char *base, const char *prefix,
                       const char *const *known, const char *const *reserved)
{
    FOR_MEMBERS(obj, base, key, val, ptr) {
        (void)val;
        if (wsc_str_in_list(known, key))
            continue;
        if (reserved && wsc_str_in_list(reserved, key)) {
            problem(ld, ptr, 1, "%s'%s' is not supported in format v1", prefix, key);
        } else {
            char *list = join_list(known);
            problem(ld, ptr, 1, "%sunknown key '%s' (known: %s)", prefix, key,
                    list ? list : "?");
            free(list);
        }
    }
}

static int is_number(const struct json_object *v)
{
    return json_object_is_type(v, json_type_int) ||
           json_object_is_type(v, json_type_double);
}

/* A duration in seconds: > 0 (or >= 0 with allow_zero), finite, bounded. */
static int get_seconds(struct loader *ld, struct json_object *obj,
                       const char *base, const char *key, const char *prefix,
                       int allow_zero, double *out)
{
    struct json_object *v;
    char *ptr;
    if (!json_object_object_get_ex(obj, key, &v))
        return 0;
    if (!(ptr = wsc_json_pointer_join(base, key))) {
        problem(ld, base, 0, "out of memory");
        return -1;
    }
    double d = is_number(v) ? json_object_get_double(v) : NAN;
    int ok = isfinite(d) && (allow_zero ? d >= 0 : d > 0) && d <= MAX_SECONDS;
    if (!ok)
        problem(ld, ptr, 0, "%s'%s' must be a number %s and <= %.0f (seconds), got %s",
                prefix, key, allow_zero ? ">= 0" : "> 0", MAX_SECONDS,
                wsc_json_text(v));
    else
        *out = d;
    free(ptr);
    return ok ? 0 : -1;
}

static int get_retries(struct loader *ld, struct json_object *obj,
                       const char *base, const char *prefix, int *out)
{
    struct json_object *v;
    char *ptr;
    if (!json_object_object_get_ex(obj, "retries", &v))
        return 0;
    if (!(ptr = wsc_json_pointer_join(base, "retries"))) {
        problem(ld, base, 0, "out of memory");
        return -1;
    }
    int ok = json_object_is_type(v, json_type_int) &&
             json_object_get_int64(v) >= 0 &&
             json_object_get_int64(v) <= MAX_RETRIES;
    if (!ok)
        problem(ld, ptr, 0, "%s'retries' must be an integer >= 0 and <= %d, got %s",
                prefix, MAX_RETRIES, wsc_json_text(v));
    else
        *out = (int)json_object_get_int64(v);
    free(ptr);
    return ok ? 0 : -1;
}

/* A required (or optional) non-empty string member; NULL when absent/bad. */
static const char *get_string(struct loader *ld, struct json_object *obj,
                              const char *base, const char *key,
                              const char *prefix, int required)
{
    struct json_object *v;
    const char *s = NULL;
    char *ptr;
    if (!json_object_object_get_ex(obj, key, &v)) {
        if (required)
            problem(ld, base, 0, "%smissing required key '%s'", prefix, key);
        return NULL;
    }
    if (!(ptr = wsc_json_pointer_join(base, key))) {
        problem(ld, base, 0, "out of memory");
        return NULL;
    }
    if (!json_object_is_type(v, json_type_string))
        problem(ld, ptr, 0, "%s'%s' must be a string, got %s", prefix, key,
                wsc_json_type_name(v));
    else if (required && json_object_get_string_len(v) == 0)
        problem(ld, ptr, 0, "%s'%s' must not be empty", prefix, key);
    else
        s = json_object_get_string(v);
    free(ptr);
    return s;
}

static void load_defaults(struct loader *ld, struct json_object *root,
                          struct defaults *d)
{
    struct json_object *obj;
    d->timeout = WSC_DEFAULT_TIMEOUT;
    d->retries = WSC_DEFAULT_RETRIES;
    d->retry_delay = WSC_DEFAULT_RETRY_DELAY;
    if (!json_object_object_get_ex(root, "defaults", &obj))
        return;
    if (!json_object_is_type(obj, json_type_object)) {
        problem(ld, "/defaults", 0, "'defaults' must be an object, got %s",
                wsc_json_type_name(obj));
        return;
    }
    check_keys(ld, obj, "/defaults", "defaults: ", default_keys, NULL);
    get_seconds(ld, obj, "/defaults", "timeout", "defaults: ", 0, &d->timeout);
    get_retries(ld, obj, "/defaults", "defaults: ", &d->retries);
    get_seconds(ld, obj, "/defaults", "retry_delay", "defaults: ", 1,
                &d->retry_delay);
}

static void load_vars(struct loader *ld, struct json_object *root)
{
    struct json_object *obj;
    if (!json_object_object_get_ex(root, "vars", &obj))
        return;
    if (!json_object_is_type(obj, json_type_object)) {
        problem(ld, "/vars", 0, "'vars' must be an object, got %s", wsc_json_type_name(obj));
        return;
    }
    FOR_MEMBERS(obj, "/vars", key, val, ptr) {
        (void)val;
        if (!wsc_vars_valid_name(key))
            problem(ld, ptr, 1,
                    "invalid variable name '%s' (letters, digits, '_' and '-', "
                    "not starting with a digit or '-')",
                    key);
    }
    ld->sc->vars = obj;
}

static int load_tags(struct loader *ld, struct wsc_test *t, struct json_object *v,
                     const char *ptr, const char *prefix)
{
    size_t n;
    if (!json_object_is_type(v, json_type_array)) {
        problem(ld, ptr, 0, "%s'tags' must be an array of strings, got %s", prefix,
                wsc_json_type_name(v));
        return -1;
    }
    n = json_object_array_length(v);
    if (n && !(t->tags = calloc(n, sizeof *t->tags))) {
        problem(ld, ptr, 0, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct json_object *tag = json_object_array_get_idx(v, i);
        if (!json_object_is_type(tag, json_type_string) ||
            json_object_get_string_len(tag) == 0) {
            char *tp = wsc_json_pointer_index(ptr, i);
            problem(ld, tp ? tp : ptr, 0,
                    "%s'tags' must hold non-empty strings, got %s", prefix,
                    wsc_json_text(tag));
            free(tp);
            continue;
        }
        if (!(t->tags[t->n_tags++] = strdup(json_object_get_string(tag)))) {
            problem(ld, ptr, 0, "out of memory");
            return -1;
        }
    }
    return 0;
}

static void load_capture(struct loader *ld, struct wsc_test *t,
                         struct json_object *v, const char *ptr,
                         const char *prefix)
{
    if (!json_object_is_type(v, json_type_object)) {
        problem(ld, ptr, 0,
                "%s'capture' must be an object (variable name -> JSON pointer), "
                "got %s",
                prefix, wsc_json_type_name(v));
        return;
    }
    FOR_MEMBERS(v, ptr, name, target, cptr) {
        if (!wsc_vars_valid_name(name)) {
            problem(ld, cptr, 1, "%sinvalid variable name '%s' in 'capture'",
                    prefix, name);
        } else if (!json_object_is_type(target, json_type_string)) {
            problem(ld, cptr, 0,
                    "%scapture '%s': expected a JSON pointer string, got %s",
                    prefix, name, wsc_json_type_name(target));
        } else if (!valid_pointer(json_object_get_string(target))) {
            problem(ld, cptr, 0,
                    "%scapture '%s': '%s' is not a JSON pointer (\"\" or "
                    "\"/member/0/...\", '~' only as ~0 or ~1)",
                    prefix, name, json_object_get_string(target));
        }
    }
    t->capture = json_object_get(v);
}

/* "test 'NAME': " or "tests[3]: ". Malloc'ed. */
static char *test_prefix(struct json_object *obj, size_t index)
{
    struct json_object *name;
    char *out = NULL;
    int rc;
    if (json_object_object_get_ex(obj, "name", &name) &&
        json_object_is_type(name, json_type_string))
        rc = asprintf(&out, "test '%s': ", json_object_get_string(name));
    else
        rc = asprintf(&out, "tests[%zu]: ", index);
    return rc < 0 ? NULL : out;
}

static char *dup_or_null(const char *s, int *oom)
{
    char *d;
    if (!s)
        return NULL;
    if (!(d = strdup(s)))
        *oom = 1;
    return d;
}

static void load_test_options(struct loader *ld, struct wsc_test *t,
                              struct json_object *obj, const char *base,
                              const char *prefix)
{
    struct json_object *v;
    char *ptr;
    json_object_object_foreach(obj, key, val) {
        (void)val;
        if (strcmp(key, "params") && strcmp(key, "tags") && strcmp(key, "capture"))
            continue;
        if (!(ptr = wsc_json_pointer_join(base, key))) {
            problem(ld, base, 0, "out of memory");
            return;
        }
        v = val;
        if (strcmp(key, "params") == 0) {
            if (json_object_is_type(v, json_type_object))
                t->params = json_object_get(v);
            else
                problem(ld, ptr, 0, "%s'params' must be an object, got %s",
                        prefix, wsc_json_type_name(v));
        } else if (strcmp(key, "tags") == 0) {
            load_tags(ld, t, v, ptr, prefix);
        } else {
            load_capture(ld, t, v, ptr, prefix);
        }
        free(ptr);
    }
}

/* Names must be unique: they identify <testcase>s and --filter matches.
 * names maps each name seen to the index of its test. */
static void check_unique_name(struct loader *ld, const char *name, size_t index,
                              const char *base, struct json_object *names)
{
    struct json_object *first;
    int line, col;
    if (!json_object_object_get_ex(names, name, &first)) {
        if (json_object_object_add(names, name,
                                   json_object_new_int64((int64_t)index)) != 0)
            problem(ld, base, 0, "out of memory");
        return;
    }
    char *fp = wsc_json_pointer_index("/tests", (size_t)json_object_get_int64(first));
    char *np = fp ? wsc_json_pointer_join(fp, "name") : NULL;
    char *here = wsc_json_pointer_join(base, "name");
    wsc_scenario_pos(ld->sc, np, &line, &col);
    problem(ld, here ? here : base, 0, "duplicate test name '%s' (first at %d:%d)",
            name, line, col);
    free(fp);
    free(np);
    free(here);
}

static void load_test_members(struct loader *ld, struct wsc_test *t,
                              struct json_object *obj, const char *base,
                              const char *prefix, struct json_object *names)
{
    int oom = 0;
    check_keys(ld, obj, base, prefix, test_keys, reserved_test_keys);
    const char *name = get_string(ld, obj, base, "name", prefix, 1);
    t->name = dup_or_null(name, &oom);
    t->plugin = dup_or_null(get_string(ld, obj, base, "plugin", prefix, 1), &oom);
    t->check = dup_or_null(get_string(ld, obj, base, "check", prefix, 1), &oom);
    t->skip = dup_or_null(get_string(ld, obj, base, "skip", prefix, 0), &oom);
    get_seconds(ld, obj, base, "timeout", prefix, 0, &t->timeout);
    get_retries(ld, obj, base, prefix, &t->retries);
    get_seconds(ld, obj, base, "retry_delay", prefix, 1, &t->retry_delay);
    load_test_options(ld, t, obj, base, prefix);
    if (!t->params && !(t->params = json_object_new_object()))
        oom = 1;
    if (oom)
        problem(ld, base, 0, "out of memory");
    if (name)
        check_unique_name(ld, name, t->index, base, names);
}

static void load_test(struct loader *ld, struct json_object *obj, size_t index,
                      const struct defaults *d, struct json_object *names)
{
    struct wsc_test *t = &ld->sc->tests[index];
    char *base = wsc_json_pointer_index("/tests", index);
    char *prefix = base ? test_prefix(obj, index) : NULL;

    t->index = index;
    t->timeout = d->timeout;
    t->retries = d->retries;
    t->retry_delay = d->retry_delay;
    if (!base || !prefix)
        problem(ld, "/tests", 0, "out of memory");
    else if (!json_object_is_type(obj, json_type_object))
        problem(ld, base, 0, "%sa test must be an object, got %s", prefix,
                wsc_json_type_name(obj));
    else
        load_test_members(ld, t, obj, base, prefix, names);
    free(base);
    free(prefix);
}

static void load_tests(struct loader *ld, struct json_object *root,
                       const struct defaults *d)
{
    struct json_object *tests, *names;
    size_t n;
    if (!json_object_object_get_ex(root, "tests", &tests)) {
        problem(ld, "", 0, "missing required key 'tests'");
        return;
    }
    if (!json_object_is_type(tests, json_type_array) ||
        json_object_array_length(tests) == 0) {
        problem(ld, "/tests", 0, "'tests' must be a non-empty array, got %s",
                json_object_is_type(tests, json_type_array) ? "[]"
                                                            : wsc_json_type_name(tests));
        return;
    }
    n = json_object_array_length(tests);
    ld->sc->tests = calloc(n, sizeof *ld->sc->tests);
    names = json_object_new_object();
    if (!ld->sc->tests || !names) {
        json_object_put(names);
        problem(ld, "/tests", 0, "out of memory");
        return;
    }
    ld->sc->n_tests = n;
    for (size_t i = 0; i < n; i++)
        load_test(ld, json_object_array_get_idx(tests, i), i, d, names);
    json_object_put(names);
}

static void check_duplicate_keys(struct loader *ld)
{
    for (size_t i = 0; i < wsc_source_map_n_dups(ld->sc->pos); i++) {
        int line, col;
        const char *ptr = wsc_source_map_dup(ld->sc->pos, i, &line, &col);
        char *key = last_segment(ptr), *msg = NULL;
        if (asprintf(&msg, "duplicate key '%s' (only the last would count)",
                     key ? key : ptr) < 0)
            msg = NULL;
        add_msg(&ld->r, line, col, msg);
        free(key);
    }
}

static int check_structure(struct wsc_scenario *sc, struct wsc_diag *diag)
{
    struct loader ld = {.sc = sc, .r = {.sc = sc, .diag = diag}};
    struct defaults d;
    struct json_object *root = sc->root;
    const char *name;

    check_duplicate_keys(&ld);
    if (!json_object_is_type(root, json_type_object)) {
        problem(&ld, "", 0, "the top level must be an object, got %s",
                wsc_json_type_name(root));
    } else {
        check_keys(&ld, root, "", "", top_keys, reserved_top_keys);
        name = get_string(&ld, root, "", "name", "", 1);
        if (name && !(sc->name = strdup(name)))
            problem(&ld, "", 0, "out of memory");
        load_vars(&ld, root);
        load_defaults(&ld, root, &d);
        load_tests(&ld, root, &d);
    }
    flush_msgs(&ld.r);
    return ld.r.errors;
}

struct wsc_scenario *wsc_scenario_parse(const char *file, const char *text,
                                        size_t len, struct wsc_diag *diag)
{
    struct wsc_scenario *sc = new_scenario(file);
    char *copy = NULL;
    const char *nul;
    int line, col;

    if (!sc) {
        wsc_diag_at(diag, file, 0, 0, "out of memory");
        return NULL;
    }
    if (!text)
        len = 0, text = "";
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3; /* a UTF-8 byte order mark: editors do not count it */
        len -= 3;
    }
    if (len > MAX_FILE_SIZE) {
        wsc_diag_at(diag, sc->file, 0, 0, "file too large (over %zu MiB)",
                    MAX_FILE_SIZE >> 20);
        goto fail;
    }
    if ((nul = memchr(text, '\0', len)) != NULL) {
        wsc_text_linecol(text, len, (size_t)(nul - text), &line, &col);
        wsc_diag_at(diag, sc->file, line, col, "a NUL byte in the file");
        goto fail;
    }
    if (!(copy = malloc(len + 1))) {
        wsc_diag_at(diag, sc->file, 0, 0, "out of memory");
        goto fail;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (parse_text(sc, copy, len, diag) < 0 || check_structure(sc, diag) > 0)
        goto fail;
    free(copy);
    return sc;
fail:
    free(copy);
    wsc_scenario_free(sc);
    return NULL;
}

struct wsc_scenario *wsc_scenario_load(const char *path, struct wsc_diag *diag)
{
    size_t len = 0;
    char *text = wsc_read_file(path, MAX_READ_SIZE, &len);
    struct wsc_scenario *sc;
    if (!text) {
        int err = errno;
        wsc_diag_at(diag, path, 0, 0, "cannot read: %s",
                    strerror(err ? err : ENOMEM));
        return NULL;
    }
    sc = wsc_scenario_parse(path, text, len, diag);
    free(text);
    return sc;
}

void wsc_scenario_free(struct wsc_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_tests; i++) {
        struct wsc_test *t = &sc->tests[i];
        free(t->name);
        free(t->plugin);
        free(t->check);
        free(t->skip);
        json_object_put(t->params);
        json_object_put(t->capture);
        for (size_t k = 0; k < t->n_tags; k++)
            free(t->tags[k]);
        free(t->tags);
    }
    free(sc->tests);
    free(sc->file);
    free(sc->name);
    json_object_put(sc->root);
    wsc_source_map_free(sc->pos);
    free(sc);
}

/* ---- variables ---------------------------------------------------------------------- */

struct later_var {
    const char *name;
    int found;
};

/* An "undefined variable 'x'" where x is defined further down the file gets
 * a hint: vars may only refer to the ones above them. */
static int names_later_var(const struct wsc_scenario *sc, const char *after,
                           const char *err)
{
    int seen = 0;
    const char *q = strstr(err, "undefined variable '");
    if (!q || !sc->vars)
        return 0;
    q += strlen("undefined variable '");
    size_t n = strcspn(q, "'");
    json_object_object_foreach(sc->vars, key, val) {
        (void)val;
        if (seen && strlen(key) == n && strncmp(key, q, n) == 0)
            return 1;
        if (strcmp(key, after) == 0)
            seen = 1;
    }
    return 0;
}

/* Expands the file's vars in order on top of cli_vars. A var that fails is
 * reported and marked unknown, so later uses do not cascade. */
static struct wsc_vars *build_vars(const struct wsc_scenario *sc,
                                   const struct wsc_vars *cli_vars,
                                   struct reporter *r)
{
    struct wsc_vars *v = cli_vars ? wsc_vars_copy(cli_vars) : wsc_vars_new();
    if (!v) {
        collect(r, "", 0, "out of memory");
        return NULL;
    }
    if (!sc->vars)
        return v;
    json_object_object_foreach(sc->vars, key, tmpl) {
        char *err = NULL, *where = NULL;
        if (!wsc_vars_valid_name(key) || wsc_vars_layer(v, key) == WSC_VARS_CLI)
            continue; /* reported by the loader / overridden by --var */
        struct json_object *val = wsc_vars_expand_at(v, tmpl, &err, &where);
        if (err) {
            char *base = wsc_json_pointer_join("/vars", key);
            char *ptr = NULL;
            if (base && asprintf(&ptr, "%s%s", base, where ? where : "") < 0)
                ptr = NULL;
            collect(r, ptr ? ptr : "/vars", 0, "vars.%s: %s%s", key, err,
                    names_later_var(sc, key, err)
                        ? " (a variable can only use those defined before it)"
                        : "");
            free(base);
            free(ptr);
            free(err);
            free(where);
            if (wsc_vars_set_unknown(v, key) < 0)
                collect(r, "/vars", 0, "out of memory");
            continue;
        }
        if (wsc_vars_set(v, WSC_VARS_FILE, key, val) < 0)
            collect(r, "/vars", 0, "out of memory");
    }
    return v;
}

struct wsc_vars *wsc_scenario_vars(const struct wsc_scenario *sc,
                                   const struct wsc_vars *cli_vars,
                                   struct wsc_diag *diag)
{
    struct reporter r = {.sc = sc, .diag = diag};
    struct wsc_vars *v = build_vars(sc, cli_vars, &r);
    flush_msgs(&r);
    if (r.errors) {
        wsc_vars_free(v);
        return NULL;
    }
    return v;
}

/* ---- params ---------------------------------------------------------------------------- */

/* "${port}" expands to the number 9004 even where the schema wants a
 * string (a token that happens to be digits): give those their text back. */
static int restore_text(const struct json_object *schema, struct json_object *value,
                        const struct json_object *tmpl, const struct wsc_vars *vars);

/* One member or element: child, expanded from template t, under schema sub.
 * When a number stands where sub wants text, *text is the template's text
 * expanded, for the caller to put in child's place; otherwise child is
 * restored where it is and *text is NULL. Returns -1 when out of memory. */
static int restore_child(const struct json_object *sub, struct json_object *child,
                         struct json_object *t, const struct wsc_vars *vars,
                         struct json_object **text)
{
    *text = NULL;
    if (!is_number(child) || !json_object_is_type(t, json_type_string) ||
        !wsc_schema_wants_text(sub))
        return restore_text(sub, child, t, vars);
    char *s = wsc_vars_expand_string(vars, json_object_get_string(t), NULL);
    *text = s ? json_object_new_string(s) : NULL;
    free(s);
    return *text ? 0 : -1;
}

static int restore_text(const struct json_object *schema, struct json_object *value,
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

static int param_deferred(const struct json_object *schema, const char *key)
{
    char *ptr = schema ? wsc_json_pointer_join("", key) : NULL;
    int deferred = ptr && wsc_schema_is_deferred(schema, ptr);
    free(ptr);
    return deferred;
}

struct json_object *wsc_scenario_test_params(const struct wsc_test *t,
                                             const struct json_object *schema,
                                             const struct wsc_vars *vars,
                                             char **err)
{
    struct json_object *out = json_object_new_object(), *full;
    char *msg = NULL;
    *err = NULL;
    if (!out)
        goto oom;
    json_object_object_foreach(t->params, key, tmpl) {
        struct json_object *val = NULL;
        if (param_deferred(schema, key)) {
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
    if (restore_text(schema, out, t->params, vars) < 0)
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

int wsc_scenario_capture(const struct wsc_test *t,
                         const struct json_object *outputs,
                         struct wsc_vars *vars, char **err)
{
    int rc = 0;
    *err = NULL;
    if (!t->capture)
        return 0;
    json_object_object_foreach(t->capture, name, target) {
        const char *ptr = json_object_get_string(target);
        struct json_object *val = NULL, *copy = NULL;
        char *msg = NULL;
        int found = wsc_json_pointer_find(outputs, ptr, &val);
        if (found == 1 && val && json_object_deep_copy(val, &copy, NULL) != 0)
            found = -2;
        if (found == 1 && wsc_vars_set(vars, WSC_VARS_CAPTURE, name, copy) < 0)
            found = -2;
        if (found == 1)
            continue;
        if (found == -2)
            msg = strdup("out of memory");
        else if (asprintf(&msg, "capture '%s': the outputs have nothing at '%s'",
                          name, ptr) < 0)
            msg = NULL;
        if (!*err)
            *err = msg ? msg : strdup("out of memory");
        else
            free(msg);
        rc = -1;
    }
    return rc;
}

/* ---- validation ------------------------------------------------------------------------- */

struct test_check {
    const struct wsc_scenario *sc;
    struct reporter *r;
    const struct wsc_test *t;
    const char *base;     /* "/tests/N/params" */
    const char *prefix;   /* "test 'name': " */
};

static void test_problem(struct test_check *tc, const char *pointer, int at_key,
                         const char *fmt, ...) WSC_PRINTF(4, 5);

static void test_problem(struct test_check *tc, const char *pointer, int at_key,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = wsc_strdup_vprintf(fmt, ap);
    va_end(ap);
    collect(tc->r, pointer, at_key, "%s%s", tc->prefix, msg ? msg : "out of memory");
    free(msg);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *plugin_names(const struct wsc_registry *reg)
{
    const char **names = calloc(reg->n_plugins + 1, sizeof *names);
    size_t n = 0;
    char *out;
    if (!names)
        return NULL;
    for (size_t i = 0; i < reg->n_plugins; i++)
        if (reg->plugins[i].plugin && reg->plugins[i].plugin->name)
            names[n++] = reg->plugins[i].plugin->name;
    qsort(names, n, sizeof *names, cmp_str);
    out = n ? join_list(names) : strdup("none loaded");
    free(names);
    return out;
}

static char *check_names(const struct wsc_loaded_plugin *lp)
{
    const char **names = calloc(lp->n_checks + 1, sizeof *names);
    size_t n = 0;
    char *out;
    if (!names)
        return NULL;
    for (size_t i = 0; i < lp->n_checks; i++)
        if (lp->checks[i].check && lp->checks[i].check->name)
            names[n++] = lp->checks[i].check->name;
    out = n ? join_list(names) : strdup("none");
    free(names);
    return out;
}

/* Finds the test's check; reports an unknown plugin or check. */
static const struct wsc_loaded_check *find_check(struct test_check *tc,
                                                 const struct wsc_registry *reg,
                                                 const char *test_ptr)
{
    const struct wsc_test *t = tc->t;
    const struct wsc_loaded_plugin *lp = NULL;
    char *ptr, *list;
    for (size_t i = 0; i < reg->n_plugins && !lp; i++)
        if (reg->plugins[i].plugin && reg->plugins[i].plugin->name &&
            strcmp(reg->plugins[i].plugin->name, t->plugin) == 0)
            lp = &reg->plugins[i];
    if (!lp) {
        ptr = wsc_json_pointer_join(test_ptr, "plugin");
        list = plugin_names(reg);
        test_problem(tc, ptr ? ptr : test_ptr, 0, "unknown plugin '%s' (plugins: %s)",
                     t->plugin, list ? list : "?");
        free(ptr);
        free(list);
        return NULL;
    }
    for (size_t i = 0; i < lp->n_checks; i++)
        if (lp->checks[i].check && lp->checks[i].check->name &&
            strcmp(lp->checks[i].check->name, t->check) == 0)
            return &lp->checks[i];
    ptr = wsc_json_pointer_join(test_ptr, "check");
    list = check_names(lp);
    test_problem(tc, ptr ? ptr : test_ptr, 0, "plugin '%s' has no check '%s' (checks: %s)",
                 t->plugin, t->check, list ? list : "?");
    free(ptr);
    free(list);
    return NULL;
}

/* Declares the names that "capture" objects anywhere inside v define (steps
 * of deferred params capture for later steps and later tests). */
static int collect_captures(const struct json_object *v, struct wsc_vars *into)
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
            } else if (collect_captures(val, into) < 0) {
                return -1;
            }
        }
    } else if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (collect_captures(json_object_array_get_idx(v, i), into) < 0)
                return -1;
    }
    return 0;
}

/* Does any string inside v still hold a reference? */
static int has_template(const struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_string:
        return strstr(json_object_get_string((struct json_object *)v), "${") != NULL;
    case json_type_object:
        json_object_object_foreach((struct json_object *)v, key, val) {
            (void)key;
            if (has_template(val))
                return 1;
        }
        return 0;
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (has_template(json_object_array_get_idx(v, i)))
                return 1;
        return 0;
    default:
        return 0;
    }
}

static int is_operator_object(const struct json_object *v)
{
    if (!json_object_is_type(v, json_type_object) ||
        json_object_object_length(v) == 0)
        return 0;
    json_object_object_foreach((struct json_object *)v, key, val) {
        (void)val;
        if (key[0] != '$')
            return 0;
    }
    return 1;
}

/* An operator whose argument is only known at run time ({"$gt": "${min}"})
 * cannot be checked now: it becomes {"$any": true} in the copy checked. */
static int mask_templates(struct json_object *v)
{
    if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach(v, key, val) {
            if (is_operator_object(val) && has_template(val)) {
                struct json_object *any = json_object_new_object();
                if (!any || json_object_object_add(any, "$any",
                                                   json_object_new_boolean(1)) != 0 ||
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
            if (is_operator_object(el) && has_template(el)) {
                struct json_object *any = json_object_new_object();
                if (!any || json_object_object_add(any, "$any",
                                                   json_object_new_boolean(1)) != 0 ||
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
static void check_expectation(struct test_check *tc, const struct json_object *exp,
                              const char *ptr, const char *name)
{
    struct json_object *copy = NULL;
    char *msg, *full = NULL, *at = NULL;
    int line, col;
    if (exp && json_object_deep_copy((struct json_object *)exp, &copy, NULL) != 0) {
        test_problem(tc, tc->base, 0, "out of memory");
        return;
    }
    if (is_operator_object(copy) && has_template(copy)) {
        json_object_put(copy);
        return;
    }
    if (mask_templates(copy) < 0) {
        json_object_put(copy);
        test_problem(tc, tc->base, 0, "out of memory");
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
        if (at && wsc_source_map_value(tc->sc->pos, at, &line, &col) != 0) {
            free(at);
            at = NULL;
        }
    }
    test_problem(tc, at ? at : full ? full : tc->base, 0, "%s: %s", name, msg);
    free(at);
    free(full);
    free(msg);
}

struct expect_walk {
    struct test_check *tc;
    char ptr[1024];   /* params-relative JSON pointer */
    char name[1024];  /* dotted name, "params.steps[2].expect" */
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

static void on_schema_error(const char *msg, const char *where, int at_key,
                            void *arg)
{
    struct test_check *tc = arg;
    char *ptr = NULL;
    if (asprintf(&ptr, "%s%s", tc->base, where ? where : "") < 0)
        ptr = NULL;
    test_problem(tc, ptr ? ptr : tc->base, at_key, "%s", msg);
    free(ptr);
}

/* Expands into out the params (deferred or not) that can be expanded now; a
 * failure is reported and the param kept as written (its "${" strings pass
 * the lenient checks). */
static int expand_params(struct test_check *tc, const struct json_object *schema,
                         const struct wsc_vars *vars, int deferred,
                         struct json_object *out)
{
    json_object_object_foreach(tc->t->params, key, tmpl) {
        char *err = NULL, *where = NULL;
        if (param_deferred(schema, key) != deferred)
            continue;
        struct json_object *val = wsc_vars_expand_at(vars, tmpl, &err, &where);
        if (err) {
            char *base = wsc_json_pointer_join(tc->base, key), *ptr = NULL;
            if (base && asprintf(&ptr, "%s%s", base, where ? where : "") < 0)
                ptr = NULL;
            test_problem(tc, ptr ? ptr : tc->base, 0, "params.%s: %s", key, err);
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

static void validate_params(struct test_check *tc, const struct json_object *schema,
                            struct wsc_vars *vars)
{
    struct json_object *expanded = json_object_new_object(), *full = NULL;
    struct expect_walk *w = NULL;

    if (!expanded || expand_params(tc, schema, vars, 0, expanded) < 0)
        goto oom;
    /* Names captured by steps of deferred params are defined for the later
     * steps and for the tests after this one. */
    json_object_object_foreach(tc->t->params, key, tmpl) {
        if (param_deferred(schema, key) && collect_captures(tmpl, vars) < 0)
            goto oom;
    }
    if (expand_params(tc, schema, vars, 1, expanded) < 0)
        goto oom;
    if (schema) {
        if (restore_text(schema, expanded, tc->t->params, vars) < 0 ||
            !(full = wsc_schema_apply_defaults(schema, expanded)) ||
            !(w = calloc(1, sizeof *w)))
            goto oom;
        wsc_schema_validate_each(schema, full, 1, on_schema_error, tc);
        w->tc = tc;
        strcpy(w->name, "params");
        walk_expectations(w, schema, full, 0);
    }
    free(w);
    json_object_put(expanded);
    json_object_put(full);
    return;
oom:
    test_problem(tc, tc->base, 0, "out of memory");
    free(w);
    json_object_put(expanded);
    json_object_put(full);
}

static void validate_test(const struct wsc_scenario *sc,
                          const struct wsc_registry *reg, const struct wsc_test *t,
                          struct wsc_vars *vars, struct reporter *r)
{
    struct test_check tc = {sc, r, t, NULL, NULL};
    const struct wsc_loaded_check *lc = NULL;
    char *test_ptr = wsc_json_pointer_index("/tests", t->index);
    char *base = test_ptr ? wsc_json_pointer_join(test_ptr, "params") : NULL;
    char *prefix = NULL;

    if (!base || asprintf(&prefix, "test '%s': ", t->name) < 0) {
        collect(r, "/tests", 0, "out of memory");
        free(test_ptr);
        free(base);
        return;
    }
    tc.base = base;
    tc.prefix = prefix;
    if (reg)
        lc = find_check(&tc, reg, test_ptr);
    validate_params(&tc, lc ? lc->schema : NULL, vars);

    /* What this test captures is defined, value unknown, from here on. */
    if (t->capture) {
        json_object_object_foreach(t->capture, name, target) {
            (void)target;
            if (wsc_vars_layer(vars, name) != WSC_VARS_CLI &&
                wsc_vars_set_unknown(vars, name) < 0)
                test_problem(&tc, base, 0, "out of memory");
        }
    }
    free(test_ptr);
    free(base);
    free(prefix);
}

int wsc_scenario_validate(const struct wsc_scenario *sc,
                          const struct wsc_registry *reg,
                          const struct wsc_vars *cli_vars, struct wsc_diag *diag)
{
    struct reporter r = {.sc = sc, .diag = diag};
    struct wsc_vars *vars = build_vars(sc, cli_vars, &r);
    for (size_t i = 0; vars && i < sc->n_tests; i++)
        validate_test(sc, reg, &sc->tests[i], vars, &r);
    wsc_vars_free(vars);
    flush_msgs(&r);
    return r.errors;
}
