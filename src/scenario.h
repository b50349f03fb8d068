/* Scenario files, format v1 (wscheck-scenario(5)). */
#ifndef WSC_SCENARIO_H
#define WSC_SCENARIO_H

#include <stddef.h>
#include <json-c/json.h>
#include "diag.h"
#include "registry.h"
#include "vars.h"
#include "redact.h"
#include "json_pointer_build.h"

struct
    wsc_source_map; /* JSON pointer -> line/column index of the source text (source_map.h) */
struct scn_reporter; /* problems not reported yet (scenario_internal.h) */
struct scn_part;     /* an included file (scenario_internal.h) */

/* Built-in defaults when neither the test nor "defaults" set a value. */
#define WSC_DEFAULT_TIMEOUT 5.0
#define WSC_DEFAULT_RETRIES 0
#define WSC_DEFAULT_RETRY_DELAY 1.0

struct wsc_test {
    char *name;
    char *plugin;
    char *check;
    struct json_object *params; /* as written (variables not expanded);
                                     an empty object when absent */
    double timeout;             /* seconds (test, else defaults, else 5.0) */
    int retries;
    double retry_delay;
    char **tags;
    size_t n_tags;
    char *skip;                         /* NULL, or the reason */
    struct json_object *capture;        /* object name -> JSON pointer, or NULL */
    struct json_object *expect_metrics; /* object metric name -> matcher, or
                                           NULL (thresholds) */
    size_t index;                       /* position in "tests" */
    int other_shard;                    /* left to another job by --shard */
    unsigned inherits;                  /* WSC_INHERITS_*: set by neither the
                                           test nor the file's "defaults" */
};

/* What a test takes from below the file (wsc_scenario_set_base()). */
#define WSC_INHERITS_TIMEOUT 1u
#define WSC_INHERITS_RETRIES 2u

struct wsc_scenario {
    char *file;
    char *name;
    struct json_object *root;
    struct json_object *vars; /* the file's "vars" object (borrowed from
                                     root), or NULL */
    struct wsc_test *tests;
    size_t n_tests;
    struct wsc_source_map *pos;
    int structure_errors;         /* problems found while loading (only
                                     wsc_scenario_load_all() keeps such a
                                     file) */
    struct scn_reporter *pending; /* those problems, until
                                     wsc_scenario_validate() reports them */
    struct scn_part *parts;       /* the files "include" brought in, in the
                                     order of their tests (scenario_include.c) */
    size_t n_parts;
    size_t own_first;              /* index of the file's own first test */
    struct json_object *var_parts; /* var name -> index of the part that
                                      defines it, or NULL */
};

/* Reads and parses a file (comments allowed), checks the structure of format
 * v1 (required keys, types, unique test names, unknown top-level keys).
 * Errors are reported through diag as FILE:LINE:COL (an unreadable file as
 * "FILE: cannot read: reason"). NULL on error. */
struct wsc_scenario *wsc_scenario_load(const char *path, struct wsc_diag *diag);
/* Same, from a buffer; `file` is used in messages. */
struct wsc_scenario *wsc_scenario_parse(const char *file, const char *text, size_t len,
                                        struct wsc_diag *diag);
/* Like wsc_scenario_load() and wsc_scenario_parse(), but a file whose
 * structure has errors is still returned (with structure_errors > 0) so that
 * wsc_scenario_validate() can report the problems of its tests in the same
 * pass; NULL only when the file cannot be read or is not JSON. The structure
 * problems are reported by wsc_scenario_validate(), in file order with its
 * own (once; they are not counted in what it returns). */
struct wsc_scenario *wsc_scenario_load_all(const char *path, struct wsc_diag *diag);
struct wsc_scenario *wsc_scenario_parse_all(const char *file, const char *text,
                                            size_t len, struct wsc_diag *diag);
void wsc_scenario_free(struct wsc_scenario *sc);

/* The timeout and retries of the tests that neither set them nor get them
 * from the file's "defaults": the built-in values, the configuration file
 * or the environment (wsc_settings_resolve()). */
void wsc_scenario_set_base(struct wsc_scenario *sc, double timeout, int retries);

/* Position of the value at a JSON pointer ("/tests/2/params/port"); falls back
 * to the nearest existing parent. Returns 0, or -1 when unknown (1:1 then). */
int wsc_scenario_pos(const struct wsc_scenario *sc, const char *pointer, int *line,
                     int *col);
/* Position of the member name at a JSON pointer (for "unknown key" errors);
 * falls back as wsc_scenario_pos() does. */
int wsc_scenario_key_pos(const struct wsc_scenario *sc, const char *pointer, int *line,
                         int *col);

/* Checks everything that can be known before running: plugins and checks
 * exist in reg, params valid against each check's schema (after expanding the
 * variables known up front), every variable defined (file vars, cli vars,
 * env, or captured by an earlier test), capture pointers well formed,
 * expectations well formed, and whatever each check's validate callback
 * finds in its params. Every problem is reported, with a "did you mean"
 * for misspelt names of plugins, checks, params and variables; returns the
 * count. A file kept by wsc_scenario_load_all() despite structure errors is
 * validated as far as its tests go (its structure errors are not counted
 * again).
 * reg may be NULL: plugins, checks and params are then not checked. */
int wsc_scenario_validate(const struct wsc_scenario *sc, const struct wsc_registry *reg,
                          const struct wsc_vars *cli_vars, struct wsc_diag *diag);
/* Same, with every test's timeout taken as `timeout` when it is > 0 (the
 * --timeout of a run), for the checks that compare durations with it. */
int wsc_scenario_validate_timeout(const struct wsc_scenario *sc,
                                  const struct wsc_registry *reg,
                                  const struct wsc_vars *cli_vars, double timeout,
                                  struct wsc_diag *diag);

/* The file's vars, expanded (env references resolved), plus cli_vars on top.
 * NULL with a diag message on error. */
struct wsc_vars *wsc_scenario_vars(const struct wsc_scenario *sc,
                                   const struct wsc_vars *cli_vars,
                                   struct wsc_diag *diag);

/* Adds to `names` (an object used as a set: name -> null) every variable
 * that a ${...} references in the params of the tests `selected` accepts
 * (all when it is NULL), and in the file vars those references reach.
 * Returns 0, or -1 when out of memory. */
int wsc_scenario_var_refs(const struct wsc_scenario *sc,
                          int (*selected)(const struct wsc_test *t, const void *arg),
                          const void *arg, struct json_object *names);

/* The params a check receives at run time: variables expanded with vars
 * (except inside "x-wsc-deferred" params), strings kept as strings where
 * the schema wants text, defaults filled in, validated. schema may be NULL
 * (then only the expansion). NULL with *err (malloc'ed) on error. */
struct json_object *wsc_scenario_test_params(const struct wsc_test *t,
                                             const struct json_object *schema,
                                             const struct wsc_vars *vars, char **err);

/* Applies a test's `capture`: each name gets (a deep copy of) the value at
 * its JSON pointer in outputs, in the capture layer of vars. Returns 0, or
 * -1 with *err (malloc'ed) naming the first capture that found nothing; the
 * others are still set. */
int wsc_scenario_capture(const struct wsc_test *t, const struct json_object *outputs,
                         struct wsc_vars *vars, char **err);

/* ---- secrets (scenario_redact.c) ------------------------------------------- */

/* The value X of {"$secret": X} (borrowed), or NULL when v is not that. */
const struct json_object *wsc_secret_wrapped(const struct json_object *v);
/* The JSON pointer of a capture target ("/ptr" or {"$secret": "/ptr"}),
 * NULL when it is neither; *secret says which. */
const char *wsc_capture_pointer(const struct json_object *target, int *secret);
/* A copy of base (NULL: the default names) with the file's redact.names.
 * NULL when out of memory. */
struct wsc_redactor *wsc_scenario_redactor(const struct wsc_scenario *sc,
                                           const struct wsc_redactor *base);
/* Registers the value of every secret variable of v (one that is not
 * defined: the environment variable of that name, if any). 0 or -1. */
int wsc_redactor_add_var_secrets(struct wsc_redactor *r, const struct wsc_vars *v);

#endif
