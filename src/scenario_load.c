/* Scenario files, format v1: reading, parsing with positions, and the
 * structure checks (keys, types, defaults, tests, tags, captures, unique
 * names) that need no plugin. */
#include "scenario_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "source_map.h"
#include "util.h"

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
struct loader {
    struct wsc_scenario *sc; /* being filled in */
    struct scn_reporter r;
};

static void problem(struct loader *ld, const char *pointer, int at_key,
                    const char *fmt, ...) WSC_PRINTF(4, 5);

static void problem(struct loader *ld, const char *pointer, int at_key,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    scn_vcollect(&ld->r, pointer, at_key, fmt, ap);
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
        } else if (wsc_did_you_mean(key, known)) {
            problem(ld, ptr, 1, "%sunknown key '%s' (did you mean '%s'?)", prefix,
                    key, wsc_did_you_mean(key, known));
        } else {
            char *list = scn_join_list(known);
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
        if (!wsc_var_name_valid(key))
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
        if (!wsc_var_name_valid(name)) {
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
        scn_add_msg(&ld->r, line, col, msg);
        free(key);
    }
}

/* Reports the problems of the structure; with keep, they are kept in
 * sc->pending instead, for wsc_scenario_validate() to report with its own
 * in file order. Returns their number. */
static int check_structure(struct wsc_scenario *sc, struct wsc_diag *diag, int keep)
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
    if (keep && ld.r.n_msgs && (sc->pending = malloc(sizeof *sc->pending)) != NULL)
        *sc->pending = ld.r;
    else
        scn_flush(&ld.r);
    return ld.r.errors;
}

/* Parses; with keep_bad, a file whose structure has errors is returned
 * too (sc->structure_errors says how many were reported). */
static struct wsc_scenario *parse_scenario(const char *file, const char *text,
                                           size_t len, struct wsc_diag *diag,
                                           int keep_bad)
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
    if (parse_text(sc, copy, len, diag) < 0)
        goto fail;
    sc->structure_errors = check_structure(sc, diag, keep_bad);
    if (sc->structure_errors > 0 && !keep_bad)
        goto fail;
    free(copy);
    return sc;
fail:
    free(copy);
    wsc_scenario_free(sc);
    return NULL;
}

struct wsc_scenario *wsc_scenario_parse(const char *file, const char *text,
                                        size_t len, struct wsc_diag *diag)
{
    return parse_scenario(file, text, len, diag, 0);
}

struct wsc_scenario *wsc_scenario_parse_all(const char *file, const char *text,
                                            size_t len, struct wsc_diag *diag)
{
    return parse_scenario(file, text, len, diag, 1);
}

static struct wsc_scenario *load_scenario(const char *path, struct wsc_diag *diag,
                                          int keep_bad)
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
    sc = parse_scenario(path, text, len, diag, keep_bad);
    free(text);
    return sc;
}

struct wsc_scenario *wsc_scenario_load(const char *path, struct wsc_diag *diag)
{
    return load_scenario(path, diag, 0);
}

struct wsc_scenario *wsc_scenario_load_all(const char *path, struct wsc_diag *diag)
{
    return load_scenario(path, diag, 1);
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
    if (sc->pending)
        scn_discard(sc->pending);
    free(sc->pending);
    free(sc);
}

