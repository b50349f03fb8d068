/* Scenario files, format v1: the structure checks that need no plugin:
 * keys (with a suggestion for a misspelt one), types and limits, defaults,
 * vars names, tests, tags, captures, unique test names, duplicate keys. */
#include "scenario_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "source_map.h"
#include "util.h"

#define MAX_SECONDS 1000000.0 /* keeps milliseconds within an int */
#define MAX_RETRIES 1000000

static const char *const top_keys[] = {"name",   "vars",    "defaults", "tests",
                                       "redact", "include", NULL};
/* Keys later format versions use: refused by name so nobody mistakes them
 * for typos, and so the parser has a place for them. */
static const char *const reserved_top_keys[] = {"setup", "teardown", "mode", NULL};
static const char *const default_keys[] = {"timeout", "retries", "retry_delay", NULL};
static const char *const test_keys[] = {"name",    "plugin",  "check",          "params",
                                        "timeout", "retries", "retry_delay",    "tags",
                                        "skip",    "capture", "expect_metrics", NULL};
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
/* ---- structure ------------------------------------------------------------------------ */

struct defaults {
    double timeout;
    int retries;
    double retry_delay;
    int timeout_set, retries_set; /* by the file's "defaults" */
};
struct loader {
    struct wsc_scenario *sc; /* being filled in */
    struct scn_reporter r;
};

static void problem(struct loader *ld, const char *pointer, int at_key, const char *fmt,
                    ...) WSC_PRINTF(4, 5);

static void problem(struct loader *ld, const char *pointer, int at_key, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    scn_vcollect(&ld->r, pointer, at_key, fmt, ap);
    va_end(ap);
}

/* Iterates over the members of obj with ptr, the member's JSON pointer
 * under base, freed after each turn (members are skipped when out of memory;
 * use `continue`, not `break`). */
#define FOR_MEMBERS(obj, base, key, val, ptr)   \
    json_object_object_foreach((obj), key, val) \
        for (char *ptr = wsc_json_pointer_join((base), key); ptr; free(ptr), ptr = NULL)

static void check_keys(struct loader *ld, struct json_object *obj, const char *base,
                       const char *prefix, const char *const *known,
                       const char *const *reserved)
{
    FOR_MEMBERS(obj, base, key, val, ptr) {
        (void)val;
        if (wsc_str_in_list(known, key))
            continue;
        if (reserved && wsc_str_in_list(reserved, key)) {
            problem(ld, ptr, 1, "%s'%s' is not supported in format v1", prefix, key);
        } else if (wsc_did_you_mean(key, known)) {
            problem(ld, ptr, 1, "%sunknown key '%s' (did you mean '%s'?)", prefix, key,
                    wsc_did_you_mean(key, known));
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
static int get_seconds(struct loader *ld, struct json_object *obj, const char *base,
                       const char *key, const char *prefix, int allow_zero, double *out)
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
                prefix, key, allow_zero ? ">= 0" : "> 0", MAX_SECONDS, wsc_json_text(v));
    else
        *out = d;
    free(ptr);
    return ok ? 0 : -1;
}

static int get_retries(struct loader *ld, struct json_object *obj, const char *base,
                       const char *prefix, int *out)
{
    struct json_object *v;
    char *ptr;
    if (!json_object_object_get_ex(obj, "retries", &v))
        return 0;
    if (!(ptr = wsc_json_pointer_join(base, "retries"))) {
        problem(ld, base, 0, "out of memory");
        return -1;
    }
    int ok = json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0 &&
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
                              const char *base, const char *key, const char *prefix,
                              int required)
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

static void load_defaults(struct loader *ld, struct json_object *root, struct defaults *d)
{
    struct json_object *obj;
    d->timeout = WSC_DEFAULT_TIMEOUT;
    d->retries = WSC_DEFAULT_RETRIES;
    d->retry_delay = WSC_DEFAULT_RETRY_DELAY;
    d->timeout_set = d->retries_set = 0;
    if (!json_object_object_get_ex(root, "defaults", &obj))
        return;
    if (!json_object_is_type(obj, json_type_object)) {
        problem(ld, "/defaults", 0, "'defaults' must be an object, got %s",
                wsc_json_type_name(obj));
        return;
    }
    check_keys(ld, obj, "/defaults", "defaults: ", default_keys, NULL);
    d->timeout_set = json_object_object_get_ex(obj, "timeout", NULL);
    d->retries_set = json_object_object_get_ex(obj, "retries", NULL);
    get_seconds(ld, obj, "/defaults", "timeout", "defaults: ", 0, &d->timeout);
    get_retries(ld, obj, "/defaults", "defaults: ", &d->retries);
    get_seconds(ld, obj, "/defaults", "retry_delay", "defaults: ", 1, &d->retry_delay);
}

static void load_vars(struct loader *ld, struct json_object *root)
{
    struct json_object *obj;
    if (!json_object_object_get_ex(root, "vars", &obj))
        return;
    if (!json_object_is_type(obj, json_type_object)) {
        problem(ld, "/vars", 0, "'vars' must be an object, got %s",
                wsc_json_type_name(obj));
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

/* "redact": {"names": [...], "vars": [...]}: strings; vars are valid names. */
static void load_redact(struct loader *ld, struct json_object *root)
{
    static const char *const keys[] = {"names", "vars", NULL};
    struct json_object *obj;
    if (!json_object_object_get_ex(root, "redact", &obj))
        return;
    if (!json_object_is_type(obj, json_type_object)) {
        problem(ld, "/redact", 0, "'redact' must be an object, got %s",
                wsc_json_type_name(obj));
        return;
    }
    check_keys(ld, obj, "/redact", "redact: ", keys, NULL);
    FOR_MEMBERS(obj, "/redact", key, list, ptr) {
        if (!wsc_str_in_list(keys, key))
            continue; /* reported by check_keys */
        if (!json_object_is_type(list, json_type_array)) {
            problem(ld, ptr, 0, "redact: '%s' must be an array of strings, got %s", key,
                    wsc_json_type_name(list));
            continue;
        }
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            struct json_object *s = json_object_array_get_idx(list, i);
            int is_var = strcmp(key, "vars") == 0;
            if (json_object_is_type(s, json_type_string) &&
                json_object_get_string_len(s) > 0 &&
                (!is_var || wsc_var_name_valid(json_object_get_string(s))))
                continue;
            char *ip = wsc_json_pointer_index(ptr, i);
            problem(ld, ip ? ip : ptr, 0, "redact: '%s' must hold %s, got %s", key,
                    is_var ? "variable names" : "non-empty strings", wsc_json_text(s));
            free(ip);
        }
    }
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
            problem(ld, tp ? tp : ptr, 0, "%s'tags' must hold non-empty strings, got %s",
                    prefix, wsc_json_text(tag));
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

static void load_capture(struct loader *ld, struct wsc_test *t, struct json_object *v,
                         const char *ptr, const char *prefix)
{
    if (!json_object_is_type(v, json_type_object)) {
        problem(ld, ptr, 0,
                "%s'capture' must be an object (variable name -> JSON pointer), "
                "got %s",
                prefix, wsc_json_type_name(v));
        return;
    }
    FOR_MEMBERS(v, ptr, name, written, cptr) {
        /* {"$secret": "/ptr"} captures a secret */
        struct json_object *target = (struct json_object *)wsc_secret_wrapped(written);
        if (!target)
            target = written;
        if (!wsc_var_name_valid(name)) {
            problem(ld, cptr, 1, "%sinvalid variable name '%s' in 'capture'", prefix,
                    name);
        } else if (!json_object_is_type(target, json_type_string)) {
            problem(ld, cptr, 0, "%scapture '%s': expected a JSON pointer string, got %s",
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

/* The matchers themselves are checked with the test (scenario_metrics.c),
 * where the check's declared metrics are known. */
static void load_expect_metrics(struct loader *ld, struct wsc_test *t,
                                struct json_object *v, const char *ptr,
                                const char *prefix)
{
    if (!json_object_is_type(v, json_type_object)) {
        problem(ld, ptr, 0,
                "%s'expect_metrics' must be an object (metric name -> matcher), "
                "got %s",
                prefix, wsc_json_type_name(v));
        return;
    }
    t->expect_metrics = json_object_get(v);
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
        if (strcmp(key, "params") && strcmp(key, "tags") && strcmp(key, "capture") &&
            strcmp(key, "expect_metrics"))
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
                problem(ld, ptr, 0, "%s'params' must be an object, got %s", prefix,
                        wsc_json_type_name(v));
        } else if (strcmp(key, "tags") == 0) {
            load_tags(ld, t, v, ptr, prefix);
        } else if (strcmp(key, "expect_metrics") == 0) {
            load_expect_metrics(ld, t, v, ptr, prefix);
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
        if (json_object_object_add(names, name, json_object_new_int64((int64_t)index)) !=
            0)
            problem(ld, base, 0, "out of memory");
        return;
    }
    char *fp = wsc_json_pointer_index("/tests", (size_t)json_object_get_int64(first));
    char *np = fp ? wsc_json_pointer_join(fp, "name") : NULL;
    char *here = wsc_json_pointer_join(base, "name");
    const char *file, *here_file;
    size_t rank, here_rank;
    scn_find_pos_in(ld->sc, np, 0, &line, &col, &file, &rank);
    scn_find_pos_in(ld->sc, here ? here : base, 0, &(int){0}, &(int){0}, &here_file,
                    &here_rank);
    if (rank != here_rank)
        problem(ld, here ? here : base, 0, "duplicate test name '%s' (first at %s:%d:%d)",
                name, file ? file : ld->sc->file, line, col);
    else
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
    if (json_object_is_type(obj, json_type_object)) {
        if (!d->timeout_set && !json_object_object_get_ex(obj, "timeout", NULL))
            t->inherits |= WSC_INHERITS_TIMEOUT;
        if (!d->retries_set && !json_object_object_get_ex(obj, "retries", NULL))
            t->inherits |= WSC_INHERITS_RETRIES;
    }
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

int scn_check_structure(struct wsc_scenario *sc, struct wsc_diag *diag, int keep)
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
        load_redact(&ld, root);
        load_defaults(&ld, root, &d);
        load_tests(&ld, root, &d);
    }
    if (keep && ld.r.n_msgs && (sc->pending = malloc(sizeof *sc->pending)) != NULL)
        *sc->pending = ld.r;
    else
        scn_flush(&ld.r);
    return ld.r.errors;
}

void wsc_scenario_set_base(struct wsc_scenario *sc, double timeout, int retries)
{
    for (size_t i = 0; i < sc->n_tests; i++) {
        if (sc->tests[i].inherits & WSC_INHERITS_TIMEOUT)
            sc->tests[i].timeout = timeout;
        if (sc->tests[i].inherits & WSC_INHERITS_RETRIES)
            sc->tests[i].retries = retries;
    }
}
