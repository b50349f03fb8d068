/* Scenario files: "include": ["shared.json", ...]. An included file holds
 * `vars`, `tests` and its own `include`; its tests come before the
 * including file's, in include order, and the including file's vars win
 * over included ones. Each included file keeps its own positions, so a
 * problem in one of its tests is reported at FILE:LINE:COL of that file
 * (scn_part_pointer() translates pointers into the merged tree). */
#include "scenario_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wscheck/json.h>

#include "json_doc.h"
#include "json_pointer_build.h"
#include "json_util.h"
#include "source_map.h"
#include "util.h"

#define MAX_INCLUDE_DEPTH 16

static const char *const part_keys[] = {"include", "vars", "tests", NULL};

struct resolver {
    struct wsc_scenario *sc;
    struct wsc_diag *diag;
    int errors;
    struct json_object *tests;                /* merged included tests, in order */
    struct json_object *vars;                 /* merged included vars */
    char *stack[MAX_INCLUDE_DEPTH + 1];       /* real paths of the files being read */
    const char *names[MAX_INCLUDE_DEPTH + 1]; /* the same, as reached */
    size_t depth;
};

/* Reports at pointer in doc (the including file: the scenario itself when
 * doc is NULL). */
static void problem(struct resolver *rs, const struct wsc_json_doc *doc,
                    const char *pointer, int at_key, const char *fmt, ...)
    WSC_PRINTF(5, 6);

static void problem(struct resolver *rs, const struct wsc_json_doc *doc,
                    const char *pointer, int at_key, const char *fmt, ...)
{
    int line = 1, col = 1;
    va_list ap;
    va_start(ap, fmt);
    if (doc) {
        wsc_json_doc_pos(doc, pointer, at_key, &line, &col);
        wsc_diag_vat(rs->diag, doc->file, line, col, fmt, ap);
    } else {
        if ((at_key && wsc_source_map_key(rs->sc->pos, pointer, &line, &col) != 0) ||
            (!at_key && wsc_source_map_value(rs->sc->pos, pointer, &line, &col) != 0))
            line = col = 1;
        wsc_diag_vat(rs->diag, rs->sc->file, line, col, fmt, ap);
    }
    va_end(ap);
    rs->errors++;
}

/* path relative to the directory of `from`. Malloc'ed. */
static char *relative_to(const char *from, const char *path)
{
    const char *slash = strrchr(from, '/');
    if (path[0] == '/' || !slash)
        return strdup(path);
    return wsc_strdup_printf("%.*s/%s", (int)(slash - from), from, path);
}

static int add_part(struct resolver *rs, struct wsc_json_doc *doc, size_t first, size_t n)
{
    struct scn_part *grown =
        realloc(rs->sc->parts, (rs->sc->n_parts + 1) * sizeof *rs->sc->parts);
    if (!grown)
        return -1;
    rs->sc->parts = grown;
    grown[rs->sc->n_parts++] = (struct scn_part){doc->file, doc->pos, first, n};
    doc->file = NULL;
    doc->pos = NULL;
    return 0;
}

static int walk(struct resolver *rs, const struct wsc_json_doc *doc,
                struct json_object *root);

/* The members of an included file: known keys only, vars merged (a later
 * definition wins), then its own includes, then its tests. */
static void take_part(struct resolver *rs, struct wsc_json_doc *doc)
{
    struct json_object *tests = NULL, *vars = NULL;
    if (!json_object_is_type(doc->root, json_type_object)) {
        problem(rs, doc, "", 0,
                "an included file must be an object with 'vars' and "
                "'tests', got %s",
                wsc_json_type_name(doc->root));
        return;
    }
    json_object_object_foreach(doc->root, key, val) {
        char *ptr = wsc_json_pointer_join("", key);
        const char *near = wsc_did_you_mean(key, part_keys);
        if (!wsc_str_in_list(part_keys, key))
            problem(rs, doc, ptr, 1, "unknown key '%s' in an included file (%s%s%s)", key,
                    near ? "did you mean '" : "it may hold include, vars and tests",
                    near ? near : "", near ? "'?" : "");
        else if (strcmp(key, "vars") == 0 && !json_object_is_type(val, json_type_object))
            problem(rs, doc, ptr, 0, "'vars' must be an object, got %s",
                    wsc_json_type_name(val));
        else if (strcmp(key, "tests") == 0 && !json_object_is_type(val, json_type_array))
            problem(rs, doc, ptr, 0, "'tests' must be an array, got %s",
                    wsc_json_type_name(val));
        else if (strcmp(key, "tests") == 0)
            tests = val;
        else if (strcmp(key, "vars") == 0)
            vars = val;
        free(ptr);
    }
    walk(rs, doc, doc->root);
    size_t first = json_object_array_length(rs->tests);
    size_t n = tests ? json_object_array_length(tests) : 0;
    for (size_t i = 0; i < n; i++)
        json_object_array_add(rs->tests,
                              json_object_get(json_object_array_get_idx(tests, i)));
    if (vars) {
        size_t index = rs->sc->n_parts;
        json_object_object_foreach(vars, vname, vval) {
            json_object_object_del(rs->vars, vname); /* a later one wins */
            json_object_object_add(rs->vars, vname, json_object_get(vval));
            json_object_object_add(rs->sc->var_parts, vname,
                                   json_object_new_int64((int64_t)index));
        }
    }
    if (add_part(rs, doc, first, n) < 0)
        problem(rs, doc, "", 0, "out of memory");
}

/* One entry of an "include" array. */
static void include_one(struct resolver *rs, const struct wsc_json_doc *doc,
                        const char *from, const char *ptr, const char *name)
{
    char *path = relative_to(from, name), real[PATH_MAX];
    struct wsc_json_doc part;
    if (!path) {
        problem(rs, doc, ptr, 0, "out of memory");
        return;
    }
    if (!realpath(path, real)) {
        problem(rs, doc, ptr, 0, "include '%s': cannot read %s: %s", name, path,
                strerror(errno));
        free(path);
        return;
    }
    for (size_t i = 0; i < rs->depth; i++) {
        if (strcmp(rs->stack[i], real) != 0)
            continue;
        struct wsc_buf b = {0};
        for (size_t k = i; k < rs->depth; k++)
            wsc_buf_printf(&b, "%s -> ", rs->names[k]);
        wsc_buf_puts(&b, path);
        problem(rs, doc, ptr, 0, "include cycle: %s", b.data ? b.data : path);
        wsc_buf_free(&b);
        free(path);
        return;
    }
    if (rs->depth == MAX_INCLUDE_DEPTH) {
        problem(rs, doc, ptr, 0, "include '%s': more than %d levels of include", name,
                MAX_INCLUDE_DEPTH);
        free(path);
        return;
    }
    if (wsc_json_doc_load(&part, path, 1, rs->diag) < 0) {
        rs->errors++;
        free(path);
        return;
    }
    rs->stack[rs->depth] = real;
    rs->names[rs->depth++] = part.file;
    take_part(rs, &part);
    rs->depth--;
    wsc_json_doc_clear(&part);
    free(path);
}

/* The "include" of root (in doc, NULL: the scenario itself). */
static int walk(struct resolver *rs, const struct wsc_json_doc *doc,
                struct json_object *root)
{
    struct json_object *list;
    const char *from = doc ? doc->file : rs->sc->file;
    if (!json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "include", &list))
        return 0;
    if (!json_object_is_type(list, json_type_array)) {
        problem(rs, doc, "/include", 0,
                "'include' must be an array of file names, got %s",
                wsc_json_type_name(list));
        return -1;
    }
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *e = json_object_array_get_idx(list, i);
        char *ptr = wsc_json_pointer_index("/include", i);
        if (!json_object_is_type(e, json_type_string) ||
            json_object_get_string_len(e) == 0)
            problem(rs, doc, ptr, 0, "'include' must hold file names, got %s",
                    wsc_json_text(e));
        else
            include_one(rs, doc, from, ptr ? ptr : "/include", json_object_get_string(e));
        free(ptr);
    }
    return 0;
}

/* The file's own tests after the included ones, its own vars after (and
 * over) the included ones. */
static int merge(struct resolver *rs)
{
    struct json_object *root = rs->sc->root, *own = NULL;
    if (json_object_object_get_ex(root, "tests", &own) &&
        json_object_is_type(own, json_type_array)) {
        rs->sc->own_first = json_object_array_length(rs->tests);
        for (size_t i = 0; i < json_object_array_length(own); i++)
            json_object_array_add(rs->tests,
                                  json_object_get(json_object_array_get_idx(own, i)));
    } else if (own) {
        return 0; /* the structure check reports it */
    }
    own = NULL;
    if (json_object_object_get_ex(root, "vars", &own) &&
        !json_object_is_type(own, json_type_object))
        return 0;
    if (own) {
        json_object_object_foreach(own, key, val) {
            json_object_object_del(rs->vars, key);
            json_object_object_del(rs->sc->var_parts, key);
            json_object_object_add(rs->vars, key, json_object_get(val));
        }
    }
    if (json_object_object_length(rs->vars) > 0)
        json_object_object_add(root, "vars", json_object_get(rs->vars));
    json_object_object_add(root, "tests", json_object_get(rs->tests));
    return 0;
}

int scn_resolve_includes(struct wsc_scenario *sc, struct wsc_diag *diag)
{
    struct resolver rs = {.sc = sc, .diag = diag};
    char real[PATH_MAX];
    if (!json_object_is_type(sc->root, json_type_object) ||
        !json_object_object_get_ex(sc->root, "include", NULL))
        return 0;
    rs.tests = json_object_new_array();
    rs.vars = json_object_new_object();
    sc->var_parts = json_object_new_object();
    if (!rs.tests || !rs.vars || !sc->var_parts) {
        wsc_diag_at(diag, sc->file, 0, 0, "out of memory");
        rs.errors++;
    } else {
        if (realpath(sc->file, real)) {
            rs.stack[0] = real;
            rs.names[0] = sc->file;
            rs.depth = 1;
        }
        walk(&rs, NULL, sc->root);
        if (!rs.errors)
            merge(&rs);
    }
    json_object_put(rs.tests);
    json_object_put(rs.vars);
    return rs.errors;
}

void scn_free_parts(struct wsc_scenario *sc)
{
    for (size_t i = 0; i < sc->n_parts; i++) {
        free(sc->parts[i].file);
        wsc_source_map_free(sc->parts[i].pos);
    }
    free(sc->parts);
    json_object_put(sc->var_parts);
    sc->parts = NULL;
    sc->n_parts = 0;
    sc->var_parts = NULL;
}

/* "/tests/N..." with N taken from the part's range. */
static char *test_pointer(const struct wsc_scenario *sc, size_t n, const char *rest,
                          const struct scn_part **part, size_t *rank)
{
    if (n >= sc->own_first)
        return wsc_strdup_printf("/tests/%zu%s", n - sc->own_first, rest);
    for (size_t i = 0; i < sc->n_parts; i++)
        if (n >= sc->parts[i].first && n < sc->parts[i].first + sc->parts[i].n) {
            *part = &sc->parts[i];
            *rank = i;
            return wsc_strdup_printf("/tests/%zu%s", n - sc->parts[i].first, rest);
        }
    return strdup(rest);
}

char *scn_part_pointer(const struct wsc_scenario *sc, const char *pointer,
                       const struct scn_part **part, size_t *rank)
{
    *part = NULL;
    *rank = sc->n_parts;
    if (!sc->var_parts)
        return strdup(pointer);
    if (strncmp(pointer, "/tests/", 7) == 0 && pointer[7] >= '0' && pointer[7] <= '9') {
        char *end;
        unsigned long long n = strtoull(pointer + 7, &end, 10);
        if (*end == '\0' || *end == '/')
            return test_pointer(sc, (size_t)n, end, part, rank);
    }
    if (strncmp(pointer, "/vars/", 6) == 0) {
        const char *next;
        char *name = wsc_json_pointer_segment(pointer + 6, &next);
        struct json_object *idx;
        if (name && json_object_object_get_ex(sc->var_parts, name, &idx)) {
            size_t i = (size_t)json_object_get_int64(idx);
            if (i < sc->n_parts) {
                *part = &sc->parts[i];
                *rank = i;
            }
        }
        free(name);
    }
    return strdup(pointer);
}
